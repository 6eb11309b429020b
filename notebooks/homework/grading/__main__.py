"""Command line: ``python -m grading grade <hw> [options]`` (run from notebooks/homework).

Exit status 0 when every submission was graded (whatever the students did), 1 for a
problem in the course files (the lecturer's to fix), 2 for a usage error.
"""

import argparse
import os
import sys
from pathlib import Path

from .assignment import LecturerError


def main(argv=None):
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="grade every submission of one assignment")
    grade.add_argument("assignment")
    grade.add_argument("--course", default=str(here), help="the course folder (default: %(default)s)")
    grade.add_argument("--student", action="append", help="only this student (repeatable)")
    grade.add_argument(
        "--jobs",
        type=int,
        default=int(os.environ.get("PF_GRADING_JOBS", "2")),
        help="submissions graded in parallel (default 2; each gets its own sandbox user)",
    )
    grade.add_argument("--cell-timeout", type=float, default=float(os.environ.get("PF_GRADING_CELL_TIMEOUT", "120")))
    grade.add_argument(
        "--submission-timeout", type=float, default=float(os.environ.get("PF_GRADING_SUBMISSION_TIMEOUT", "900"))
    )
    grade.add_argument("--memory-mb", type=int, default=int(os.environ.get("PF_GRADING_MEMORY_MB", "6144")))
    env = sub.add_parser("env", help="build (or rebuild) the grading environment and say where it is")
    env.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "env":
        from .sandbox import ensure_env

        python = ensure_env(rebuild=args.rebuild)
        print(python or "no grading environment: kernels would run in the grader's own environment")
        return 0
    from .grader import grade_assignment

    try:
        grade_assignment(
            args.course,
            args.assignment,
            args.student,
            jobs=args.jobs,
            cell_timeout=args.cell_timeout,
            submission_timeout=args.submission_timeout,
            memory_mb=args.memory_mb,
        )
    except LecturerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
