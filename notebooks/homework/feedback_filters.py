"""nbconvert preprocessors used by ``nbgrader generate_feedback`` for this course.

The feedback page must show nothing hidden and nothing the student's code chose to print
(a student's cell can print the history ``In``/``_ih``/``Out``, and a test cell's output
can come from the student's own objects). The out-of-kernel grader (``grading/``) already
writes autograded notebooks with no student output and, in each test cell, only the
grader's verdict; these filters make the feedback safe even for a notebook graded some
other way (e.g. by a plain ``nbgrader autograde``):

* :class:`StripStudentOutputs` removes every output of a cell that is not a test cell,
  and keeps only text and errors in test cells;
* :class:`StripTestTracebacks` cuts every traceback in a test cell to ``ErrorName: message``
  (an IPython traceback quotes the failing line, which may be a hidden one). The messages
  of :mod:`flowkit.check` never contain a hidden expected value.

``ClearHiddenTests`` (run after these in ``nbgrader_config.py``) then removes any hidden
source.
"""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool


def _is_test(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


class StripStudentOutputs(Preprocessor):
    """Drop the outputs of the student's cells; test cells keep their text and errors."""

    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "code":
            if _is_test(cell):
                cell["outputs"] = [o for o in cell.get("outputs", []) if o.get("output_type") in ("stream", "error")]
            else:
                cell["outputs"] = []
        return cell, resources


class StripTestTracebacks(Preprocessor):
    """Replace the traceback of each error in an nbgrader test cell by one line."""

    # nbconvert preprocessors are disabled unless told otherwise.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if _is_test(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
