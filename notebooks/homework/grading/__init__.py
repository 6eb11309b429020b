"""The out-of-kernel grader of the Particle Flow homework (run by ``grade.sh``).

nbgrader's own autograde runs the hidden tests inside the student's kernel, where the
student's code can rebind ``check``, patch NumPy, read ``In[-1]`` or the instructor's files.
This package grades so that no expected value ever enters the student's process:

1. :mod:`.assignment` rebuilds each submission from the source: answer cells are the
   student's, every locked and test cell comes from the source (a deleted or altered test
   cell is restored and reported), and test cells keep only their visible lines.
2. :mod:`.sandbox` runs it in a fresh kernel in an empty temporary folder, as an
   unprivileged user where the machine allows, with a per-cell and a per-submission time
   limit enforced by killing the kernel (replaying every other cell). Before each test cell
   the answers it names are taken out as plain data (:mod:`.kernel_code`).
3. :mod:`.verdict` runs every test cell, visible and hidden lines, in the grader's own
   process on those values with the real :mod:`flowkit.check`; messages keep check's
   diagnosis (sign, power of ten, factor) and never the expected value.
4. :mod:`.results` writes the scores into nbgrader's gradebook (so formgrader, feedback and
   ``grades.csv`` show them), the feedback notebooks, and a review report of tampering.

Run ``python -m grading --help`` from ``notebooks/homework`` (``grade.sh`` does).
"""
