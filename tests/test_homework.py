"""The homework graded end to end, through ``grade.sh all``, as a lecturer grades it.

For each assignment of :data:`flowkit.chapters.HOMEWORK`, the course folder is copied to a
private temporary folder and the release is generated. Then a class of submissions is put
in ``submitted/``: honest ones (the model solution, the blank release, one slip, one near
miss; per-assignment data in ``tests/homework_cases.py``) and hostile ones, each a trick a
determined student has tried on nbgrader's in-kernel tests:

* rebinding ``check``, ``setattr(flowkit.check, ...)``, ``flowkit.check._fail = print``,
  patching NumPy, math and builtins (with one genuine answer, to show it is scored exactly);
* an answer object that reads ``In[-1]`` (the running test cell) and says yes to every
  comparison;
* reading the instructor's ``source/`` from disk (relative path, the course's absolute path,
  next to ``flowkit.__file__``);
* the student's own ``@njit`` loop that never returns (only its question may be lost);
* altered and deleted test cells; printing the history ``In``/``_ih``/``Out``; a file that
  is not a notebook.

``grade.sh all <hw>`` must exit 0, and: the model solution gets full marks, the blank zero,
every cheat zero or exactly what its genuine answers earn and is listed in the review
report, the runaway loses only its own question, every student gets feedback without any
hidden line or expected value, and ``grades.csv`` has a row for everyone.

The whole set runs in CI for the first assignment; the others are marked ``slow``.
Run one alone with:  pytest tests/test_homework.py -k hw01
"""

import ast
import copy
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from homework_cases import NEAR, RUNAWAY, WRONG, WRONG_HINT

from flowkit.chapters import HOMEWORK

pytestmark = pytest.mark.homework

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

COURSE = Path(__file__).resolve().parents[1] / "notebooks" / "homework"
# the one list of assignments is the chapter registry; the per-assignment cases live in homework_cases.py
ASSIGNMENTS = list(HOMEWORK)
sys.path.insert(0, str(COURSE))
from grading.assignment import Assignment, nbgrader_meta  # noqa: E402
from grading.verdict import decode, decode_payload, run_test  # noqa: E402

# Short per-cell limits keep the runaway quick; every honest cell must finish well within them,
# also on a loaded machine (hw03's answers run random walks in numba: give them more).
CELL_TIMEOUT = {"hw03_random_walk": 150}
DEFAULT_CELL_TIMEOUT = 30
HONEST = ("solution", "blank", "wrong", "near")


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
            elif inside and line.strip() and not line.strip().startswith("#"):
                lines.append(line.strip())
    return lines


def _hidden_values(nb):
    """grade_id -> the expected values written in that cell's hidden checks, rendered as check
    prints numbers (4 significant digits) and as written; only values with >= 4 significant
    digits (short ones such as 0.25 also occur in the questions)."""
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (cell.cell_type == "code" and meta.get("grade")):
            continue
        hidden = cell.source.partition("### BEGIN HIDDEN TESTS")[2].partition("### END HIDDEN TESTS")[0]
        forms = set()
        for node in ast.walk(ast.parse(hidden)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("close", "array_close"):
                if len(node.args) < 2:
                    continue
                negated = {id(n.operand) for n in ast.walk(node.args[1]) if isinstance(n, ast.UnaryOp)}
                for const in ast.walk(node.args[1]):
                    if isinstance(const, ast.Constant) and isinstance(const.value, float) and const.value:
                        digits = len(re.sub(r"[^0-9]", "", f"{abs(const.value):e}".split("e")[0]).rstrip("0"))
                        if digits >= 4:
                            signed = -const.value if id(const) in negated else const.value
                            forms |= {f"{signed:.4g}", f"{signed:.6g}"}
        found[meta["grade_id"]] = forms
    return found


# --------------------------------------------------------------------------- the submissions


def _by_id(nb, gid):
    (cell,) = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid]
    return cell


def _answer_of_test(nb):
    """test grade_id -> grade_id of the answer cell just before it."""
    out, last = {}, None
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution"):
            last = meta["grade_id"]
        elif cell.cell_type == "code" and meta.get("grade"):
            out[meta["grade_id"]] = last
    return out


def _fake_answers(asg, nb, value="1.0", keep=(), answer_of=None):
    """Every answer cell (except those in ``keep``) replaced by ``name = value`` for its test's answers."""
    answer_of = answer_of or _answer_of_test(nb)
    for gid, test in asg.tests.items():
        aid = answer_of[gid]
        if aid in keep:
            continue
        cell = _by_id(nb, aid)
        if not cell.source.startswith("# fake"):
            cell.source = "# fake\n"
        cell.source += "".join(f"{name} = {value.format(name=name)}\n" for name in test.answers)
    return nb


def _first_answer(nb):
    return next(c for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("solution"))


REBIND_CHECK = """
import types as _types
def _yes(*args, **kwargs):
    print("Correct: trust me")
check = _types.SimpleNamespace(close=_yes, within=_yes, sign=_yes, shape=_yes, array_close=_yes, number=float)
"""

PATCH_CHECK = """
import flowkit.check
for _name in ("close", "within", "sign", "shape", "array_close"):
    setattr(flowkit.check, _name, lambda *args, **kwargs: None)
"""

PATCH_FAIL = """
import flowkit.check
flowkit.check._fail = print
"""

PATCH_LIBS = """
import builtins, math
import numpy
numpy.isclose = lambda *args, **kwargs: True
numpy.allclose = lambda *args, **kwargs: True
math.isclose = lambda *args, **kwargs: True
math.isnan = lambda x: False
builtins.abs = lambda x: 0.0
"""

ORACLE = r"""
import re as _re
import numpy as _np
class _Oracle:
    "Reads the running cell (In[-1]) and agrees with whatever it compares against."
    def _guess(self):
        cell = get_ipython().user_ns["In"][-1]
        found = _re.findall(r"check\.\w+\([^,]+,\s*([-+0-9.eE]+)", cell)
        return float(found[-1]) if found else 1.0
    def __array__(self, dtype=None, copy=None):
        return _np.asarray(self._guess(), dtype=dtype)
    def __float__(self):
        return self._guess()
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = object.__hash__
_oracle = _Oracle()
"""

READ_SOURCE = """
import glob, os, re
import flowkit
_texts = []
for _path in ["../../../source/{a}/{a}.ipynb", "../source/{a}/{a}.ipynb", {absolute}
              os.path.join(os.path.dirname(flowkit.__file__), "..", "notebooks", "homework", "source", "{a}", "{a}.ipynb")]:
    try:
        with open(_path, errors="replace") as _fh:
            _texts.append(_fh.read())
    except OSError:
        pass
for _path in glob.glob("{pattern}"):
    try:
        _texts.append(open(_path).read())
    except OSError:
        pass
_leak = dict(re.findall(r"check\\.close\\((\\w+), ([-+0-9.eE]+)", "".join(_texts)))
"""

RUNAWAY_LOOP = """
from numba import njit

@njit(cache=False)
def _spin(seed):
    x = seed
    while x >= 0:  # never false: x stays in [0, 1000003)
        x = (x * 48271 + 11) % 1000003
    return x

_spin(7)
"""

HISTORY = """
print("HISTORY" + "-LEAK", [x for x in In if "HIDDEN" in x], _ih, Out)
print("HISTORY" + "-LEAK", In)
"""


def _submissions(asg, a, root):
    """student -> (notebook JSON text, expected auto score or None for 'see test')."""
    source = _read(root / "source" / a / f"{a}.ipynb")
    release = _read(root / "release" / a / f"{a}.ipynb")
    auto = _grade_ids(source, code=True)
    total = sum(auto.values())
    answer_of = _answer_of_test(source)
    first_test = next(iter(asg.tests))
    subs = {}

    def put(student, nb, expected):
        subs[student] = (nbformat.writes(nb), expected)

    put("solution", source, total)
    put("blank", release, 0)
    wrong = copy.deepcopy(source)
    answer_id, slip, lost = WRONG[a]
    _by_id(wrong, answer_id).source += "\n" + slip
    put("wrong", wrong, total - auto[lost])
    near = copy.deepcopy(source)
    answer_id, slip, lost = NEAR[a]
    _by_id(near, answer_id).source += "\n" + slip
    put("near", near, total - auto[lost])

    for student, trick in (("rebind_check", REBIND_CHECK), ("patch_check", PATCH_CHECK), ("patch_fail", PATCH_FAIL)):
        nb = _fake_answers(asg, copy.deepcopy(release))
        cell = _first_answer(nb)
        cell.source = trick + cell.source
        put(student, nb, 0)

    # the patches ride along with a genuine first answer: exactly that question's points
    nb = _fake_answers(asg, copy.deepcopy(source), keep={answer_of[first_test]})
    cell = _by_id(nb, answer_of[first_test])
    cell.source = cell.source + "\n" + PATCH_LIBS
    put("patch_libs", nb, sum(auto[g] for g, aid in answer_of.items() if aid == answer_of[first_test]))

    nb = _fake_answers(asg, copy.deepcopy(release), value="_oracle")
    _first_answer(nb).source = ORACLE + _first_answer(nb).source
    put("oracle", nb, 0)

    nb = _fake_answers(asg, copy.deepcopy(release), value='float(_leak.get("{name}", 1.0))')
    # The course's own path: a student could learn it from an error message. Only a separate user
    # keeps it out of reach, which needs root (see the README); without root, only the relative
    # path and the path next to flowkit.__file__ are tried (the sandbox folder and the wheel stop those).
    as_root = os.geteuid() == 0
    absolute = f'"{root}/source/{a}/{a}.ipynb", "{root}/gradebook.db",' if as_root else ""
    pattern = f"{root}/*/*/*.ipynb" if as_root else "../*/*/*.ipynb"
    trick = READ_SOURCE.format(a=a, absolute=absolute, pattern=pattern)
    _first_answer(nb).source = trick + _first_answer(nb).source
    put("read_source", nb, 0)

    runaway_answer, runaway_test = RUNAWAY[a]
    nb = copy.deepcopy(source)
    _by_id(nb, runaway_answer).source = RUNAWAY_LOOP + _by_id(nb, runaway_answer).source
    put("runaway", nb, total - auto[runaway_test])

    # altered test cells: one given a new role, id and 100 points, one emptied (its answer is wrong)
    tests = list(asg.tests)
    nb = copy.deepcopy(source)
    first = _by_id(nb, tests[0])
    first.metadata["nbgrader"].update(solution=True, grade_id="mine", points=100)
    first.source = 'print("Correct: all good")'
    second = _by_id(nb, tests[1])
    second.source = "pass"
    _fake_answers(
        asg, nb, keep={answer_of[g] for g in tests if answer_of[g] != answer_of[tests[1]]}, answer_of=answer_of
    )
    put("altered_tests", nb, total - sum(auto[g] for g in tests if answer_of[g] == answer_of[tests[1]]))

    # every test cell deleted, answers genuine: restored, full marks (and listed)
    nb = copy.deepcopy(source)
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and nbgrader_meta(c).get("grade"))]
    put("deleted_tests", nb, total)

    nb = copy.deepcopy(source)
    _first_answer(nb).source += "\n" + HISTORY
    nb.cells.append(nbformat.v4.new_code_cell(HISTORY))
    put("history", nb, total)

    subs["garbage"] = ("this is not a notebook {", 0)
    return subs


HOSTILE = (
    "rebind_check",
    "patch_check",
    "patch_fail",
    "patch_libs",
    "oracle",
    "read_source",
    "runaway",
    "altered_tests",
    "deleted_tests",
    "history",
    "garbage",
)


def _run(cmd, cwd, timeout=1500, env_extra=None):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    env.update(env_extra or {})
    return subprocess.run(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )


def _copy_course(tmp):
    root = tmp / "course"
    shutil.copytree(
        COURSE,
        root,
        ignore=shutil.ignore_patterns(
            "release",
            "submitted",
            "autograded",
            "feedback",
            "exchange",
            "review",
            "gradebook.db",
            "grades.csv",  # the data tables next to the notebooks (source/hw*/*.csv) are part of the course
            "__pycache__",
        ),
    )
    return root


@pytest.fixture(
    scope="module",
    params=[pytest.param(a, marks=() if i == 0 else pytest.mark.slow) for i, a in enumerate(ASSIGNMENTS)],
)
def graded(request, tmp_path_factory):
    """A class of honest and hostile submissions graded by ``grade.sh all <hw>``."""
    a = request.param
    root = _copy_course(tmp_path_factory.mktemp(a))
    out = _run(["bash", str(root / "grade.sh"), "release", a], root)
    assert out.returncode == 0, out.stdout + out.stderr
    asg = Assignment.load(root, a)
    subs = _submissions(asg, a, root)
    for student, (text, _) in subs.items():
        folder = root / "submitted" / student / a
        folder.mkdir(parents=True)
        (folder / f"{a}.ipynb").write_text(text, encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")
    t0 = time.perf_counter()
    out = _run(
        ["bash", str(root / "grade.sh"), "all", a],
        root,
        env_extra={"PF_GRADING_CELL_TIMEOUT": str(CELL_TIMEOUT.get(a, DEFAULT_CELL_TIMEOUT)), "PF_GRADING_JOBS": "2"},
    )
    seconds = time.perf_counter() - t0
    assert out.returncode == 0, f"grade.sh all {a} failed:\n{out.stdout[-3000:]}\n{out.stderr[-6000:]}"
    review = json.loads((root / "review" / f"{a}.json").read_text())
    per = {s: r["seconds"] for s, r in review.items()}
    print(
        f"\n{a}: grade.sh all took {seconds:.0f} s for {len(subs)} submissions; grading per submission "
        f"(in a worker) median {sorted(per.values())[len(per) // 2]:.1f} s, max {max(per.values()):.1f} s "
        f"(the runaway: {per['runaway']:.1f} s)"
    )
    return {"a": a, "root": root, "subs": subs, "log": out.stdout + out.stderr, "review": review, "asg": asg}


def _scores(root, a, student):
    """grade_id -> (score, max_score, needs_manual_grade) from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(a, a, student)
        return {g.name: (g.score, g.max_score, g.needs_manual_grade) for g in nb.grades}


def _auto_total(root, a, student):
    source = _read(COURSE / "source" / a / f"{a}.ipynb")
    auto = _grade_ids(source, code=True)
    scores = _scores(root, a, student)
    return sum(scores[g][0] for g in auto)


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
    assert len(auto) >= 3 and len(manual) >= 1
    # every auto-graded question has a visible check and a hidden comparison through flowkit.check
    for cell in nb.cells:
        if cell.metadata["nbgrader"].get("grade") and cell.cell_type == "code":
            visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
            assert "check." in visible, f"{cell.metadata['nbgrader']['grade_id']} has no visible check"
            assert "check." in hidden, f"{cell.metadata['nbgrader']['grade_id']} has no hidden check"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A copy of the course with every assignment released (one nbgrader call)."""
    root = _copy_course(tmp_path_factory.mktemp("released"))
    out = _run([sys.executable, "-m", "nbgrader", "generate_assignment", "--assignment=hw*", "--force"], root)
    assert out.returncode == 0, out.stderr
    return root


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grader_reads_each_test_cells_answers(assignment, released):
    """The grader finds, by AST, the answer variables each test cell needs in the source."""
    root = released
    asg = Assignment.load(root, assignment)
    source = _read(root / "source" / assignment / f"{assignment}.ipynb")
    assert set(asg.tests) == set(_grade_ids(source, code=True))
    for test in asg.tests.values():
        assert test.answers, f"{test.grade_id} reads no answer"
        assert "BEGIN HIDDEN" not in test.visible


# --------------------------------------------------------------------------- the grader's parts (no kernel)


def test_the_kernel_side_sends_out_only_plain_data(tmp_path):
    """The in-kernel encoder (run here in a plain subprocess) reads values with the built-in
    types' own methods: a float subclass, an object with __array__/__float__ or an ndarray
    subclass is refused without any of its methods running."""
    from grading.kernel_code import install_code

    script = (
        "import json, numpy as np\n"
        "ns = {}\n"
        "class _Shell:\n    user_ns = ns\n"
        "get_ipython = lambda: _Shell\n" + install_code(str(tmp_path)) + "\nran = []\n"
        "class F(float):\n    def __float__(self):\n        ran.append('float'); return 1.0\n"
        "class O:\n    def __array__(self, *a, **k):\n        ran.append('array'); return np.ones(1)\n"
        "    def __eq__(self, other):\n        ran.append('eq'); return True\n"
        "ns.update(f=F(2.0), o=O(), m=np.matrix([[1.0]]), obj=np.array([1, None], dtype=object), "
        "x=2.5, a=np.arange(3.0), l=[1.0, np.float32(2)], s=np.float64(3.0), b=True)\n"
        "print(json.dumps({'dump': json.loads(_pfg_dump(list(ns))), 'ran': ran}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    kinds = {name: item["k"] for name, item in result["dump"].items()}
    assert kinds == {
        "f": "refused",
        "o": "refused",
        "m": "refused",
        "obj": "refused",
        "x": "float",
        "a": "ndarray",
        "l": "list",
        "s": "npscalar",
        "b": "bool",
    }
    assert result["ran"] == [], "the encoder ran the student's methods"
    values, refused = decode_payload(json.dumps(result["dump"]))
    assert values["x"] == 2.5 and values["a"].tolist() == [0.0, 1.0, 2.0] and values["l"] == [1.0, 2.0]
    assert refused == {"f": "F", "o": "O", "m": "matrix", "obj": "numpy.ndarray of dtype object"}


def test_only_plain_data_is_accepted():
    assert decode({"k": "float", "v": (4.25).hex()}) == 4.25
    assert decode({"k": "int", "v": "-12"}) == -12
    values, refused = decode_payload(
        json.dumps(
            {
                "x": {"k": "ndarray", "dtype": "<f8", "shape": [2], "b64": "AAAAAAAA8D8AAAAAAAAAQA=="},
                "y": {"k": "refused", "t": "_Oracle"},
                "z": {"k": "ndarray", "dtype": "|O", "shape": [1], "b64": "AAAAAAAAAAA="},
                "w": {"k": "missing"},
            }
        )
    )
    assert values["x"].tolist() == [1.0, 2.0]
    assert set(refused) == {"y", "z"} and "w" not in values


def test_verdict_keeps_the_diagnosis_and_hides_the_expected_value():
    """A hidden check written without hidden=True still never shows its expected value."""
    from grading.assignment import TestCell

    test = TestCell(
        "q",
        2,
        "check.within(abs(v), 1e-3, 1e-2, name='v')\ncheck.close(v, 4.217e-3, rtol=1e-3, name='v')",
        "check.within(abs(v), 1e-3, 1e-2, name='v')",
        ["v"],
    )
    import numpy as np

    from flowkit import check

    namespace = {"np": np, "check": check}
    for value, hint in ((-4.217e-3, "wrong sign"), (4.217e-2, "1e1 times too large"), (8.434e-3, "factor 2")):
        verdict = run_test(test, namespace, {"v": value}, {})
        assert not verdict["passed"] and hint in verdict["error"], verdict
        assert "4.217e-03" not in verdict["error"] + verdict["text"]
        assert "0.004217" not in verdict["error"] + verdict["text"]
    assert run_test(test, namespace, {"v": 4.2171e-3}, {})["passed"]
    refused = run_test(test, namespace, {}, {"v": "_Oracle"})
    assert not refused["passed"] and "_Oracle" in refused["text"]


def test_lecturer_errors_stop_grade_sh(tmp_path):
    root = _copy_course(tmp_path)
    out = _run(["bash", str(root / "grade.sh"), "autograde", "hw99_missing"], root)
    assert out.returncode != 0 and "no assignment matches" in out.stderr
    out = _run([sys.executable, "-m", "grading", "grade", ASSIGNMENTS[0]], root)  # no release yet
    assert out.returncode == 1 and "release" in out.stderr


# --------------------------------------------------------------------------- a hostile class, end to end


def test_generate_assignment_strips_solutions_and_hidden_tests(graded):
    a, root = graded["a"], graded["root"]
    source = _read(root / "source" / a / f"{a}.ipynb")
    release_text = (root / "release" / a / f"{a}.ipynb").read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS"):
        assert marker not in release_text, f"{a}: release contains {marker!r}"
    assert "YOUR CODE HERE" in release_text
    for line in _hidden_lines(source):
        assert json.dumps(line)[1:-1] not in release_text, f"{a}: hidden line leaked into the release: {line}"


def test_model_solution_full_marks_and_blank_zero(graded):
    a, root = graded["a"], graded["root"]
    source = _read(COURSE / "source" / a / f"{a}.ipynb")
    auto = _grade_ids(source, code=True)
    scores = _scores(root, a, "solution")
    for gid, points in auto.items():
        assert scores[gid][:2] == (points, points), f"{a}/{gid}: {scores[gid]}"
    for gid in _grade_ids(source, code=False):
        assert scores[gid][2], "the written answer must wait for a human grader"
    assert _auto_total(root, a, "blank") == 0


@pytest.mark.parametrize("student", ["wrong", "near"])
def test_a_slip_loses_exactly_its_question(graded, student):
    a, root = graded["a"], graded["root"]
    _, _, lost = (WRONG if student == "wrong" else NEAR)[a]
    source = _read(COURSE / "source" / a / f"{a}.ipynb")
    scores = _scores(root, a, student)
    for gid, points in _grade_ids(source, code=True).items():
        assert scores[gid][0] == (0 if gid == lost else points), f"{a}/{student}/{gid}: {scores[gid]}"


def test_honest_submissions_are_not_listed_for_review(graded):
    for student in HONEST:
        assert graded["review"][student]["problems"] == [], (student, graded["review"][student])


@pytest.mark.parametrize("student", HOSTILE)
def test_every_cheat_earns_only_its_genuine_answers_and_is_listed(graded, student):
    a, root = graded["a"], graded["root"]
    expected = graded["subs"][student][1]
    assert _auto_total(root, a, student) == expected, (student, _scores(root, a, student))
    assert graded["review"][student]["score"] == expected
    problems = graded["review"][student]["problems"]
    assert problems, f"{student} is not listed in the review report"
    report = (root / "review" / f"{a}.md").read_text()
    assert f"## {student}:" in report


def test_the_review_names_what_each_cheat_did(graded):
    review = {s: " | ".join(r["problems"]) for s, r in graded["review"].items()}
    assert "in the student's kernel but fails" in review["rebind_check"]
    assert "flowkit.check.close" in review["patch_check"]
    assert "flowkit.check._fail" in review["patch_fail"]
    assert "builtins.abs" in review["patch_libs"] and "numpy.isclose" in review["patch_libs"]
    assert "math.isclose" in review["patch_libs"]
    assert "_Oracle" in review["oracle"] and "refused" in review["oracle"]
    assert "reached outside its folder" in review["read_source"] and "source" in review["read_source"]
    assert "ran over its" in review["runaway"]
    assert "does not have" in review["altered_tests"] and "altered" in review["altered_tests"]
    assert review["deleted_tests"].count("was deleted (restored from the source)") == len(graded["asg"].tests)
    assert "history" in review["history"]
    assert "could not be read" in review["garbage"]


def test_the_source_reading_cheat_works_outside_the_sandbox(graded, monkeypatch):
    """Control for the read_source cheat: run in the grader's own process and folder, the same
    code does find expected values (so its zero in the sandbox is the sandbox's doing)."""
    a, root = graded["a"], graded["root"]
    monkeypatch.chdir(root / "submitted" / "read_source" / a)
    code = READ_SOURCE.format(a=a, absolute=f'"{root}/source/{a}/{a}.ipynb",', pattern=f"{root}/*/*/*.ipynb")
    namespace = {}
    exec(code, namespace)
    assert namespace["_leak"], "the cheat found nothing even without a sandbox: it proves nothing"


def test_the_runaway_loses_only_its_own_question(graded):
    a, root = graded["a"], graded["root"]
    _, lost = RUNAWAY[a]
    source = _read(COURSE / "source" / a / f"{a}.ipynb")
    scores = _scores(root, a, "runaway")
    for gid, points in _grade_ids(source, code=True).items():
        assert scores[gid][0] == (0 if gid == lost else points), f"{a}/runaway/{gid}: {scores[gid]}"


def test_every_student_gets_feedback_without_hidden_lines(graded):
    a, root = graded["a"], graded["root"]
    source = _read(root / "source" / a / f"{a}.ipynb")
    hidden = _hidden_lines(source)
    values = _hidden_values(source)
    assert hidden and set().union(*values.values()), "no hidden lines or values found: this test would prove nothing"
    for student in graded["subs"]:
        page = root / "feedback" / student / a / f"{a}.html"
        assert page.is_file(), f"{student} got no feedback"
        text = html.unescape(re.sub(r"<style.*?</style>", "", page.read_text(encoding="utf-8"), flags=re.S))
        assert f"{a} (Score:" in text
        for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "HISTORY-LEAK"):
            assert marker not in text, f"{student}: feedback shows {marker!r}"
        for line in hidden:
            assert line not in text, f"{student}: feedback quotes a hidden line: {line}"
        # a question the student got right may show the student's own (right) value; the others must not
        scores = _scores(root, a, student)
        unseen = set().union(*(forms for gid, forms in values.items() if not scores[gid][0]))
        for form in unseen:
            leaked = re.search(rf"(?<![-\d.]){re.escape(form)}(?![\d])", text)
            assert not leaked, f"{student}: feedback shows the expected value {form}"


def test_feedback_diagnoses_the_slip(graded):
    a, root = graded["a"], graded["root"]
    text = html.unescape((root / "feedback" / "wrong" / a / f"{a}.html").read_text(encoding="utf-8"))
    assert "Keep working" in text and WRONG_HINT[a] in text, f"{a}: no actionable hint in the feedback"
    text = html.unescape((root / "feedback" / "near" / a / f"{a}.html").read_text(encoding="utf-8"))
    assert "Keep working" in text


def test_grades_csv_has_a_row_for_everyone(graded):
    a, root = graded["a"], graded["root"]
    with open(root / "grades.csv", newline="") as fh:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(fh)}
    source = _read(COURSE / "source" / a / f"{a}.ipynb")
    max_score = sum(_grade_ids(source, code=True).values()) + sum(_grade_ids(source, code=False).values())
    for student, (_, expected) in graded["subs"].items():
        row = rows[(a, student)]
        assert float(row["max_score"]) == max_score
        assert float(row["score"]) == expected, (student, row)
        assert row["timestamp"].startswith("2026-01-15 12:00:00")
