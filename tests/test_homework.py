"""The nbgrader homework, graded end to end exactly as a lecturer would grade it.

The course folder notebooks/homework/ is copied to a temporary directory (so
every run starts from a fresh gradebook and never touches the repository), and
the real `nbgrader` command line runs there:

    generate_assignment (all assignments) -> validate (source) ->
    four submissions per assignment -> one autograde batch -> generate_feedback -> export CSV

The four submissions are the source notebook with its solutions ("solution",
full marks on the auto-graded points), the released blank notebook ("blank",
zero), the solution with one deliberate slip ("wrong", which must lose
exactly the points of that one question and nothing else), and one answer 1.5x
off ("near", inside the visible range, so only the hidden check catches it). Scores are read from
the gradebook and from the exported CSV.

Run it alone with:  pytest -m homework tests/test_homework.py
"""

import ast
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from homework_cases import NEAR, RUNAWAY, WRONG, WRONG_HINT

from flowkit.chapters import HOMEWORK

pytestmark = [pytest.mark.homework, pytest.mark.slow]

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

COURSE = Path(__file__).resolve().parents[1] / "notebooks" / "homework"
# the one list of assignments is the chapter registry; the per-assignment cases live in homework_cases.py
ASSIGNMENTS = list(HOMEWORK)
STUDENTS = ("solution", "blank", "wrong", "near")


def _nbgrader(course, *args, timeout=900):
    env = dict(os.environ)
    # nbgrader runs `alembic` (gradebook migrations) as a program: it must be on PATH
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, f"nbgrader {' '.join(args)} failed (rc {out.returncode}):\n{out.stdout}\n{out.stderr}"
    return out.stdout + out.stderr


def _read(path):
    return nbformat.read(str(path), as_version=4)


def _grade_ids(nb, *, code):
    """grade_id -> points of the graded cells (code test cells, or manual markdown answers)."""
    kind = "code" if code else "markdown"
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
        for cell in nb.cells
        if cell.cell_type == kind and cell.metadata.get("nbgrader", {}).get("grade")
    }


def _hidden_lines(nb):
    """The source lines between BEGIN and END HIDDEN TESTS, in every cell."""
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Run the whole nbgrader workflow once; the tests below inspect the results."""
    root = tmp_path_factory.mktemp("homework") / "course"
    shutil.copytree(
        COURSE,
        root,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "*.csv", "__pycache__"
        ),
    )
    timings = {}
    start = time.perf_counter()
    logs = {"generate": _nbgrader(root, "generate_assignment", "--assignment=hw*", "--force")}
    timings["generate"] = time.perf_counter() - start

    t0 = time.perf_counter()
    sources = [f"source/{a}/{a}.ipynb" for a in ASSIGNMENTS]
    logs["validate"] = _nbgrader(root, "validate", *sources)
    timings["validate"] = time.perf_counter() - t0

    for a in ASSIGNMENTS:
        solved = _read(root / "source" / a / f"{a}.ipynb")
        blank = _read(root / "release" / a / f"{a}.ipynb")
        wrong = _read(root / "source" / a / f"{a}.ipynb")
        if a in WRONG:
            answer_id, slip, _ = WRONG[a]
            (cell,) = [c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == answer_id]
            cell.source = cell.source.rstrip("\n") + "\n" + slip
        near = _read(root / "source" / a / f"{a}.ipynb")
        answer_id, slip, _ = NEAR[a]
        (cell,) = [c for c in near.cells if c.metadata.get("nbgrader", {}).get("grade_id") == answer_id]
        cell.source = cell.source.rstrip("\n") + "\n" + slip
        for student, nb in zip(STUDENTS, (solved, blank, wrong, near)):
            folder = root / "submitted" / student / a
            folder.mkdir(parents=True)
            nbformat.write(nb, str(folder / f"{a}.ipynb"))
            (folder / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")

    t0 = time.perf_counter()
    logs["autograde"] = _nbgrader(root, "autograde", "--assignment=hw*", "--force")
    timings["autograde"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    logs["feedback"] = _nbgrader(root, "generate_feedback", "--assignment=hw*", "--force")
    timings["feedback"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    logs["export"] = _nbgrader(root, "export", "--to", str(root / "grades.csv"))
    timings["export"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - start
    print("\nnbgrader workflow timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return {"root": root, "logs": logs, "timings": timings}


def _scores(root, assignment, student):
    """grade_id -> (score, max_score, needs_manual_grade) from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: (g.score, g.max_score, g.needs_manual_grade) for g in nb.grades}


# --------------------------------------------------------------------------- source notebooks


def test_every_registered_assignment_has_a_source_and_cases():
    on_disk = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir() and p.name.startswith("hw"))
    assert sorted(ASSIGNMENTS) == on_disk
    for table in (WRONG, WRONG_HINT, NEAR, RUNAWAY):
        assert sorted(table) == sorted(ASSIGNMENTS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_layout(assignment):
    path = COURSE / "source" / assignment / f"{assignment}.ipynb"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["nbformat"] == 4
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    nb = _read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        assert meta["schema_version"] == 3
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "source notebooks are saved without outputs"
    auto = _grade_ids(nb, code=True)
    manual = _grade_ids(nb, code=False)
    # 4-6 graded questions, exactly one of them a hand-graded written answer
    assert 4 <= len(auto) + len(manual) <= 6
    assert len(manual) == 1
    # every auto-graded question has a visible check and a hidden one using flowkit.check in hidden mode
    for cell in nb.cells:
        if cell.metadata["nbgrader"].get("grade") and cell.cell_type == "code":
            visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
            assert "check." in visible, f"{cell.metadata['nbgrader']['grade_id']} has no visible check"
            assert "hidden=True" in hidden, f"{cell.metadata['nbgrader']['grade_id']} has no hidden check"
    # the prompt of every auto-graded question states the tolerance the grader allows
    prompts = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if c.cell_type == "markdown"}
    for gid in auto:
        prompt = prompts[gid.replace("_test", "_text")]
        assert re.search(r"tolerance: \*\*[\d.]+ %\*\*", prompt, re.I), f"{assignment}/{gid}: no tolerance stated"


# --------------------------------------------------------------------------- generate and validate


def test_generate_assignment_strips_solutions_and_hidden_tests(course):
    for a in ASSIGNMENTS:
        source = _read(course["root"] / "source" / a / f"{a}.ipynb")
        release_text = (course["root"] / "release" / a / f"{a}.ipynb").read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "hidden=True"):
            assert marker not in release_text, f"{a}: release contains {marker!r}"
        assert "YOUR CODE HERE" in release_text and "YOUR ANSWER HERE" in release_text
        for line in _hidden_lines(source):
            assert json.dumps(line)[1:-1] not in release_text, f"{a}: hidden line leaked into the release: {line}"


def test_validate_source_passes(course):
    log = course["logs"]["validate"]
    assert log.count("Success! Your notebook passes all the tests.") == len(ASSIGNMENTS), log


# --------------------------------------------------------------------------- autograde


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_auto_marks(course, assignment):
    source = _read(COURSE / "source" / assignment / f"{assignment}.ipynb")
    auto = _grade_ids(source, code=True)
    scores = _scores(course["root"], assignment, "solution")
    for gid, points in auto.items():
        assert scores[gid][:2] == (points, points), f"{assignment}/{gid}: {scores[gid]}"
    (manual_id,) = _grade_ids(source, code=False)
    assert scores[manual_id][2], "the written answer must wait for a human grader"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_scores_zero(course, assignment):
    scores = _scores(course["root"], assignment, "blank")
    assert sum(score for score, _, _ in scores.values()) == 0, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_wrong_answer_loses_exactly_that_question(course, assignment):
    _, _, lost = WRONG[assignment]
    source = _read(COURSE / "source" / assignment / f"{assignment}.ipynb")
    auto = _grade_ids(source, code=True)
    scores = _scores(course["root"], assignment, "wrong")
    assert scores[lost][0] == 0
    for gid, points in auto.items():
        if gid != lost:
            assert scores[gid][0] == points, f"{assignment}/{gid} lost points it should keep: {scores[gid]}"
    total = sum(scores[g][0] for g in auto)
    assert total == sum(auto.values()) - auto[lost]


def test_runaway_cell_costs_only_that_cell(course):
    """raise_on_iopub_timeout=False: a cell that never finishes scores zero, the rest is graded."""
    root = course["root"]
    a = ASSIGNMENTS[0]
    nb = _read(root / "source" / a / f"{a}.ipynb")
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q2_answer"]
    cell.source = "import time\nwhile True:\n    time.sleep(0.05)\n" + cell.source
    folder = root / "submitted" / "runaway" / a
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{a}.ipynb"))
    # a short per-cell timeout keeps the test quick; the course config uses 120 s
    _nbgrader(root, "autograde", a, "--student=runaway", "--force", "--Execute.timeout=10")
    scores = _scores(root, a, "runaway")
    auto = _grade_ids(nb, code=True)
    assert scores["q2_test"][0] == 0
    for gid, points in auto.items():
        if gid != "q2_test":
            assert scores[gid][0] == points, f"{gid}: the runaway cell cost other questions their points"


# --------------------------------------------------------------------------- feedback and export


def _hidden_literals(nb):
    """grade_id -> expected values written in that cell's hidden checks, as they could be printed.

    Takes the second argument of every ``check.close``/``check.array_close(..., hidden=True)`` call
    and keeps numbers with at least 4 significant digits (short ones like 0.25 also occur in the
    question text). Each value is returned as the source literal, its repr, 6 significant digits and
    the 4 significant digits flowkit.check itself prints (a leak through check's own message).
    """
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (cell.cell_type == "code" and meta.get("grade")):
            continue
        forms = set()
        hidden_part = cell.source.partition("### BEGIN HIDDEN TESTS")[2].partition("### END HIDDEN TESTS")[0]
        for node in ast.walk(ast.parse(textwrap.dedent(hidden_part))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("close", "array_close")):
                continue
            if len(node.args) < 2 or not any(k.arg == "hidden" for k in node.keywords):
                continue
            # a literal -37.0331 is USub(37.0331): keep its sign for the 4-digit form, so that a sign-slipped
            # student's own printed value (37.03) is not mistaken for a leak of the expected one (-37.03)
            negated = {
                id(n.operand)
                for n in ast.walk(node.args[1])
                if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)
            }
            for const in ast.walk(node.args[1]):
                if isinstance(const, ast.Constant) and isinstance(const.value, float):
                    digits = len(re.sub(r"[^0-9]", "", f"{abs(const.value):e}".split("e")[0]).rstrip("0"))
                    if digits >= 4:
                        signed = -const.value if id(const) in negated else const.value
                        forms |= {repr(const.value), f"{const.value:.6g}", ("check", f"{signed:.4g}")}
        found[meta["grade_id"]] = forms
    return found


def test_feedback_hides_hidden_tests(course):
    root = course["root"]
    checked = 0
    for a in ASSIGNMENTS:
        source = _read(root / "source" / a / f"{a}.ipynb")
        hidden = _hidden_lines(source)
        literals = _hidden_literals(source)
        # values a student has not found must not appear: every question for the blank notebook, the
        # planted mistake for the wrong one (its other, correct answers are printed by the student's own code)
        unseen = {
            "blank": set().union(*literals.values()),
            "wrong": literals[WRONG[a][2]],
            "near": literals[NEAR[a][2]],
            "solution": set(),
        }
        for student in STUDENTS:
            page = root / "feedback" / student / a / f"{a}.html"
            # the page embeds Bootstrap's CSS (widths like 8.33333333%): search the content only
            text = re.sub(r"<style.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S)
            text = html.unescape(text)
            assert f"{a} (Score:" in text
            for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "hidden=True"):
                assert marker not in text, f"{a}/{student}: feedback shows {marker!r}"
            for line in hidden:
                assert line not in text, f"{a}/{student}: feedback quotes a hidden line: {line}"
            for form in unseen[student]:
                if isinstance(form, tuple):
                    # check's own 4-digit rendering: a whole number, not the tail of the student's own
                    # printed -value (the sign slip) nor a piece of a longer mantissa
                    form = form[1]
                    leaked = re.search(rf"(?<![-\d.]){re.escape(form)}(?!\d)", text) is not None
                else:
                    leaked = form in text
                assert not leaked, f"{a}/{student}: feedback reveals the expected value {form}"
                checked += 1
    assert checked >= 20, "too few hidden expected values were found to make this test meaningful"


def test_near_miss_reaches_the_hidden_check_and_loses_only_that_question(course):
    """A near miss passes the visible range check, so the hidden check runs, fails and says so."""
    root = course["root"]
    for a in ASSIGNMENTS:
        auto = _grade_ids(_read(COURSE / "source" / a / f"{a}.ipynb"), code=True)
        lost = NEAR[a][2]
        scores = _scores(root, a, "near")
        assert scores[lost][0] == 0, f"{a}/{lost}: a 1.5x answer kept points {scores[lost]}"
        for gid, points in auto.items():
            if gid != lost:
                assert scores[gid][0] == points, f"{a}/{gid} lost points it should keep: {scores[gid]}"
        text = html.unescape((root / "feedback" / "near" / a / f"{a}.html").read_text(encoding="utf-8"))
        assert "does not match the value the grader expects" in text, f"{a}: the hidden check did not run"


def test_wrong_answer_feedback_is_actionable(course):
    """The slip's visible test tells the student what kind of mistake it is."""
    root = course["root"]
    hints = WRONG_HINT
    for a in ASSIGNMENTS:
        text = html.unescape((root / "feedback" / "wrong" / a / f"{a}.html").read_text(encoding="utf-8"))
        assert "Keep working" in text and hints[a] in text, f"{a}: no actionable hint in the feedback"


def test_exported_csv(course):
    root = course["root"]
    with open(root / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_key = {(r["assignment"], r["student_id"]): r for r in rows}
    for a in ASSIGNMENTS:
        source = _read(COURSE / "source" / a / f"{a}.ipynb")
        auto = _grade_ids(source, code=True)
        manual = _grade_ids(source, code=False)
        max_score = sum(auto.values()) + sum(manual.values())
        _, _, lost = WRONG[a]
        expected = {
            "solution": sum(auto.values()),
            "blank": 0,
            "wrong": sum(auto.values()) - auto[lost],
            "near": sum(auto.values()) - auto[NEAR[a][2]],
        }
        for student, score in expected.items():
            row = by_key[(a, student)]
            assert float(row["max_score"]) == max_score
            assert float(row["score"]) == score
            assert float(row["raw_score"]) == score
            assert row["timestamp"].startswith("2026-01-15 12:00:00")
