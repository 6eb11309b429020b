#!/usr/bin/env bash
# Lecturer's helper for the Particle Flow homework (nbgrader). Run from anywhere:
#
#   notebooks/homework/grade.sh release                   # generate release/<hw>/ for every assignment
#   notebooks/homework/grade.sh release hw03_random_walk  # ... or for one
#   notebooks/homework/grade.sh collect hw03_random_walk  # pull submissions from the exchange into submitted/
#   notebooks/homework/grade.sh autograde [hw]            # run and score everything in submitted/
#   notebooks/homework/grade.sh feedback [hw]             # feedback/<student>/<hw>/<hw>.html
#   notebooks/homework/grade.sh export                    # grades.csv (one row per student and assignment)
#   notebooks/homework/grade.sh all [hw]                  # release, autograde, feedback, export
#
# Without an assignment name every assignment (hw*) is processed. --force is
# always passed: without it nbgrader silently keeps stale output folders.
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

step="${1:-}"
hw="${2:-hw*}"

release() {
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

autograde() { nbgrader autograde --assignment="$hw" --force; }
feedback() { nbgrader generate_feedback --assignment="$hw" --force; }
export_csv() { nbgrader export --to grades.csv && echo "wrote $here/grades.csv"; }

case "$step" in
    release) release ;;
    collect) collect ;;
    autograde) autograde ;;
    feedback) feedback ;;
    export) export_csv ;;
    all) release; autograde; feedback; export_csv ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
esac
