"""nbconvert preprocessors used by ``nbgrader generate_feedback`` for this course.

nbgrader restores hidden tests before autograding, so when a hidden test fails
its IPython traceback quotes the hidden line (and with it the expected value).
:class:`StripTestTracebacks` cuts every traceback in a graded test cell down to
``ErrorName: message``. The messages from :mod:`flowkit.check` in hidden mode
never contain the expected value, so what is left is safe to show, and it is
the part a student can act on. ``ClearHiddenTests`` (run after this in
``nbgrader_config.py``) then removes the hidden source itself.
"""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


class StripTestTracebacks(Preprocessor):
    """Replace the traceback of each error in an nbgrader test cell by one line."""

    # nbconvert preprocessors are disabled unless told otherwise.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        is_test = cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution")
        if is_test:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
