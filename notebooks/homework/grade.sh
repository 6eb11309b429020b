#!/usr/bin/env bash
# Lecturer's helper for the Particle Flow homework (nbgrader + the out-of-kernel grader). Run from anywhere:
#
#   notebooks/homework/grade.sh release                   # generate release/<hw>/ for every assignment
#   notebooks/homework/grade.sh release hw03_random_walk  # ... or for one
#   notebooks/homework/grade.sh collect hw03_random_walk  # pull submissions from the exchange into submitted/
#   notebooks/homework/grade.sh autograde [hw]            # grade everything in submitted/ (grading/, sandboxed)
#   notebooks/homework/grade.sh feedback [hw]             # feedback/<student>/<hw>/<hw>.html
#   notebooks/homework/grade.sh export                    # grades.csv (one row per student and assignment)
#   notebooks/homework/grade.sh all [hw]                  # release, autograde, feedback, export
#
# Without an assignment name every assignment (hw*) is processed. --force is
# always passed: without it nbgrader silently keeps stale output folders.
# A broken or hostile submission never stops the run: it is graded on what it
# earns and listed in review/<hw>.md. The exit status is non-zero only for the
# lecturer's own problems (a source that fails validation, a missing release).
# PF_GRADING_JOBS (default 2), PF_GRADING_CELL_TIMEOUT (120 s) and
# PF_GRADING_SUBMISSION_TIMEOUT (900 s) tune the grader.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Prefer the project's virtual environment when there is one; nbgrader also
# needs its `alembic` program on PATH for the gradebook.
venv="$here/../../.venv/bin"
if [[ -x "$venv/nbgrader" ]]; then
    export PATH="$venv:$PATH"
fi
command -v nbgrader >/dev/null || { echo "nbgrader not found: pip install -e '.[homework]'" >&2; exit 1; }
python="$(dirname "$(command -v nbgrader)")/python"
[[ -x "$python" ]] || python=python3

step="${1:-}"
hw="${2:-hw*}"

release() {
    private
    nbgrader generate_assignment --assignment="$hw" --force
    # the instructor's check: solutions pass, the blank release fails every test
    for nb in source/$hw/*.ipynb; do
        nbgrader validate "$nb" | grep -q "Success!" || { echo "validate failed: $nb" >&2; exit 1; }
    done
    echo "release/ is ready; to hand it out through the exchange: nbgrader release_assignment <hw>"
}

collect() {
    [[ "$hw" == "hw*" ]] && { echo "collect needs an assignment name" >&2; exit 2; }
    nbgrader collect "$hw" --update
}

assignments() {
    local found=0
    for dir in source/$hw; do
        [[ -d "$dir" ]] && { basename "$dir"; found=1; }
    done
    [[ $found == 1 ]] || { echo "no assignment matches source/$hw" >&2; exit 1; }
}

# Instructor-only files: not readable by other users (the sandboxed kernels run as one).
private() {
    local p
    for p in source submitted autograded feedback review gradebook.db grades.csv; do
        [[ -e "$p" ]] && chmod -R go-rwx "$p"
    done
    return 0
}

# The out-of-kernel grader (grading/, see README.md): it replaces `nbgrader autograde`
# and writes the scores into the gradebook, autograded/<student>/ and review/<hw>.md.
autograde() {
    private
    local a list
    list=$(assignments)
    for a in $list; do
        "$python" -m grading grade "$a" --course "$here"
    done
    private
}
feedback() { nbgrader generate_feedback --assignment="$hw" --force; private; }
export_csv() { nbgrader export --to grades.csv && echo "wrote $here/grades.csv"; }

# run one step and say how long it took (a class of 100 should take minutes)
timed() {
    local t0=$SECONDS
    "$@"
    echo "[grade.sh] $1 took $((SECONDS - t0)) s" >&2
}

case "$step" in
    release) release ;;
    collect) collect ;;
    autograde) autograde ;;
    feedback) feedback ;;
    export) export_csv ;;
    all) timed release; timed autograde; timed feedback; timed export_csv ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
esac
