"""nbgrader configuration of the Particle Flow homework (read from this folder).

Run every nbgrader command from this folder (or pass ``--course-dir``); see
README.md here for the lecturer's workflow and ``grade.sh`` for a script.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# feedback_filters.py sits next to this file.
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from feedback_filters import StripStudentOutputs, StripTestTracebacks  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets when it reads this file)

c.CourseDirectory.course_id = "particle-flow"
# The course folder is wherever this file is, so a copy of the folder (a test's
# tmp_path, a lecturer's own clone) is a complete course of its own.
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# Used by `nbgrader validate` (and a plain `nbgrader autograde`, which grade.sh no longer
# runs: grading/ grades outside the student's kernel). Each cell may run for 2 minutes.
c.Execute.timeout = 120
c.Execute.raise_on_iopub_timeout = False

# Feedback must not show hidden tests nor what the student's code printed: drop the
# student's outputs, strip tracebacks that quote hidden lines, then remove the hidden
# source, then add grades and the page style (nbgrader's own two).
c.GenerateFeedback.preprocessors = [
    StripStudentOutputs,
    StripTestTracebacks,
    ClearHiddenTests,
    GetGrades,
    CSSHTMLHeaderPreprocessor,
]

# release_assignment / fetch / submit / collect go through this folder, so the
# Assignments and Formgrader tabs work without a system-wide
# /usr/local/share/nbgrader/exchange. Ignored by git (.gitignore here).
c.Exchange.root = os.path.join(HERE, "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)
c.Exchange.path_includes_course = True
