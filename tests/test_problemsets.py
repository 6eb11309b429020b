"""The problem sets themselves: their mix of questions, and tests that check form before grading.

Everything here runs in-process, without nbgrader: each source notebook's setup and model-answer
cells are executed once (in the assignment's folder, so data tables are found), then the
test cells are split at ``### BEGIN HIDDEN TESTS`` and their visible and hidden halves run
against the model answers and against deliberately wrong ones.

The rule being enforced (issue 19): a *visible* test may say that an answer is not a number,
has the wrong shape, is not finite, or is off by a units slip of at least a thousand, but
never its sign, a narrower window, a closeness to the answer, or the reason. So an answer of
the right type and a wrong value (x10 for exact items, x1000 for order-of-magnitude estimates,
the opposite sign where the sign is part of the question) passes every visible test and fails
the hidden ones, and what the student learns from it comes back in the graded feedback.

The student edition (notebooks/homework/make_student_edition.py) is built once per session and
scanned: no solution region, no hidden test, no long numeric literal from a hidden test.
"""

import ast
import contextlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from flowkit.chapters import CHAPTERS, HOMEWORK

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks" / "homework"
SOURCE = COURSE / "source"

# The kind of every graded question (as listed in each notebook's question table).
KINDS = {
    "hw01_flux": ["calculation", "estimate", "derivation", "data", "calculation", "written"],
    "hw02_ficks_law": ["calculation", "estimate", "data", "derivation", "calculation", "written"],
    "hw03_random_walk": ["calculation", "derivation", "data", "estimate", "simulation", "written"],
    "hw04_chemical_potential": ["calculation", "calculation", "derivation", "data", "estimate", "written"],
    "hw05_analogies": ["calculation", "data", "estimate", "derivation", "calculation", "written"],
    "hw06_applications": ["calculation", "derivation", "data", "estimate", "calculation", "written"],
}
REQUIRED_KINDS = {"derivation", "estimate", "data", "written"}

# Every auto-graded answer variable and how a plausible wrong value is made from the right one:
# "exact" x10, "estimate" x1000, "signed" x10 and also the opposite sign (the sign is part of the question).
ITEMS = {
    "hw01_flux": {
        "q1_test": {"J_beam": "exact"},
        "q2_test": {"t_monolayer": "estimate"},
        "q3_test": {"energy_factor": "exact"},
        "q4_test": {"tau_leak": "exact", "M_gas": "exact"},
        "q5_test": {"N_obs": "exact", "n_obs": "exact", "jx_obs": "signed"},
    },
    "hw02_ficks_law": {
        "q1_test": {"J_sugar": "signed"},
        "q2_test": {"t_sweet": "estimate"},
        "q3_test": {"ratio_1000C": "exact", "T_match": "exact"},
        "q4_test": {"C_interface": "exact"},
        "q5_test": {"x_quarter": "exact"},
    },
    "hw03_random_walk": {
        "q1_test": {"D_hop": "exact"},
        "q2_test": {"C_triangular": "exact", "C_cubic": "exact"},
        "q3_test": {"msd_curve": "exact", "D_fit": "exact"},
        "q4_test": {"t_axon": "estimate"},
        "q5_test": {"J_gate": "exact"},
    },
    "hw04_chemical_potential": {
        "q1_test": {"mu_He": "signed"},
        "q2_test": {"J_pair": "signed", "sigma": "exact"},
        "q3_test": {"L12_max": "exact"},
        "q4_test": {"t_relax": "exact"},
        "q5_test": {"dS_tyre": "estimate"},
    },
    "hw05_analogies": {
        "q1_test": {"v_F": "exact"},
        "q2_test": {"nu_fit": "exact"},
        "q3_test": {"eta_air": "estimate"},
        "q4_test": {"C_fermi": "exact"},
        "q5_test": {"t_drag": "exact"},
    },
    "hw06_applications": {
        "q1_test": {"p_wind": "exact"},
        "q2_test": {"exponent": "signed"},
        "q3_test": {"r_min": "exact", "hours_inside": "exact"},
        "q4_test": {"rate_deflected": "estimate"},
        "q5_test": {"t_half_rim": "exact"},
    },
}

# flowkit functions a statement may name: they produce the data a question asks the student to read
# (a simulation to run), so naming them is not choosing the method for the student.
DATA_SOURCES = {"randomwalk.msd", "randomwalk.lattice_gas", "thermo.two_reservoirs"}
FLOWKIT_MODULES = ("flux", "fick", "randomwalk", "thermo", "analogies", "applications", "diffusion")


def _notebook(assignment):
    return json.loads((SOURCE / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def _src(cell):
    return "".join(cell["source"])


def _meta(cell):
    return cell["metadata"].get("nbgrader", {})


def _by_id(assignment):
    return {_meta(c)["grade_id"]: c for c in _notebook(assignment)["cells"]}


def _split(test_source):
    """(visible, hidden) halves of a test cell."""
    visible, _, rest = test_source.partition("### BEGIN HIDDEN TESTS")
    hidden, _, after = rest.partition("### END HIDDEN TESTS")
    return visible, hidden + after


@contextlib.contextmanager
def _in_folder(folder):
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


_SOLVED = {}


def _solved(assignment):
    """Namespace after the setup and model-answer cells (run once per assignment)."""
    if assignment not in _SOLVED:
        ns = {"__name__": f"problemset_{assignment}"}
        with _in_folder(SOURCE / assignment), contextlib.redirect_stdout(io.StringIO()):
            for cell in _notebook(assignment)["cells"]:
                meta = _meta(cell)
                if cell["cell_type"] == "code" and not meta.get("grade"):
                    exec(compile(_src(cell), f"{assignment}:{meta['grade_id']}", "exec"), ns)
        _SOLVED[assignment] = ns
    return _SOLVED[assignment]


def _run(code, ns, label):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(textwrap.dedent(code), label, "exec"), ns)
    return out.getvalue()


def _test_cells(assignment):
    return {
        _meta(c)["grade_id"]: _src(c)
        for c in _notebook(assignment)["cells"]
        if c["cell_type"] == "code" and _meta(c).get("grade")
    }


def _wrong_values(value, kind):
    factor = 1000 if kind == "estimate" else 10
    wrong = [(f"x{factor}", np.asarray(value) * factor if isinstance(value, np.ndarray) else value * factor)]
    if kind == "signed":
        wrong.append(("opposite sign", -value))
    return wrong


CASES = [
    (a, test_id, var, kind, label)
    for a, tests in ITEMS.items()
    for test_id, variables in tests.items()
    for var, kind in variables.items()
    for label, _ in _wrong_values(1.0, kind)
]


# --------------------------------------------------------------------------- the sets as a whole


def test_every_registered_assignment_has_a_source_folder_and_a_table_here():
    on_disk = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and p.name.startswith("hw"))
    assert sorted(HOMEWORK) == on_disk
    assert sorted(KINDS) == sorted(HOMEWORK)
    assert sorted(ITEMS) == sorted(HOMEWORK)
    assert [c.homework for c in CHAPTERS if c.number == 6] == ["hw06_applications"]


@pytest.mark.parametrize("assignment", sorted(ITEMS))
def test_question_table_lists_kinds_and_points(assignment):
    """The intro's table names each question's kind and points; the graded cells agree; every set mixes kinds."""
    cells = _notebook(assignment)["cells"]
    rows = re.findall(r"^\| (\d+) \| [^|]+ \| (\w+) \| (\d+) \|$", _src(cells[0]), re.M)
    assert [kind for _, kind, _ in rows] == KINDS[assignment]
    points = {f"q{n}": int(p) for n, _, p in rows}
    graded = {_meta(c)["grade_id"].split("_")[0]: _meta(c)["points"] for c in cells if _meta(c).get("grade")}
    assert graded == points
    assert REQUIRED_KINDS <= set(KINDS[assignment])
    written = [c for c in cells if c["cell_type"] == "markdown" and _meta(c).get("grade")]
    assert len(written) == 1
    # every auto-graded question's variables are covered by ITEMS
    assert sorted(_test_cells(assignment)) == sorted(ITEMS[assignment])


@pytest.mark.parametrize("assignment", sorted(ITEMS))
def test_statements_state_a_tolerance_and_do_not_choose_the_function(assignment):
    cells = _by_id(assignment)
    for test_id in _test_cells(assignment):
        text = _src(cells[test_id.replace("_test", "_text")])
        estimate = ITEMS[assignment][test_id] and set(ITEMS[assignment][test_id].values()) == {"estimate"}
        if estimate:
            assert "within a factor of 10" in text, f"{assignment}/{test_id}: the estimate's grading is not stated"
        else:
            assert re.search(r"Tolerance: \*\*[\d.]+ %\*\*", text), f"{assignment}/{test_id}: no tolerance stated"
    for gid, cell in cells.items():
        if gid.endswith("_text"):
            named = set(re.findall(rf"\b((?:{'|'.join(FLOWKIT_MODULES)})\.[a-z_]+)\(", _src(cell)))
            assert named <= DATA_SOURCES, f"{assignment}/{gid} names the function to call: {named - DATA_SOURCES}"


def test_data_tables_are_committed_not_ignored():
    tables = sorted(SOURCE.glob("hw*/*.csv"))
    assert len(tables) >= 4
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for table in tables:
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", str(table)], cwd=ROOT).returncode == 0
        assert not ignored, f"{table.relative_to(ROOT)} is git-ignored: add it to the .gitignore exception"


@pytest.mark.parametrize("assignment", sorted(ITEMS))
def test_every_data_table_a_statement_names_exists(assignment):
    cells = _notebook(assignment)["cells"]
    named = set(re.findall(r"`([\w.]+\.csv)`", "".join(_src(c) for c in cells)))
    for name in named:
        assert (SOURCE / assignment / name).is_file(), f"{assignment}: {name} is missing"


# --------------------------------------------------------------------------- test cells


@pytest.mark.parametrize("assignment", sorted(ITEMS))
def test_test_cells_use_only_answer_variables_check_np_math(assignment):
    """The out-of-kernel grader gives a test cell only the answers' names, check, np and math."""
    answers = set()
    for cell in _notebook(assignment)["cells"]:
        if cell["cell_type"] == "code" and _meta(cell).get("solution"):
            for node in ast.walk(ast.parse(_src(cell))):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    answers.add(node.id)
    allowed = answers | {"check", "np", "math", "abs"}
    for test_id, source in _test_cells(assignment).items():
        names = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)]
        loaded = {n.id for n in names if isinstance(n.ctx, ast.Load)}
        local = {n.id for n in names if isinstance(n.ctx, ast.Store)}  # a helper the cell defines itself
        assert loaded <= allowed | local, f"{assignment}/{test_id} uses {loaded - allowed}"
        assert set(ITEMS[assignment][test_id]) <= loaded, f"{assignment}/{test_id} does not test all its answers"


@pytest.mark.parametrize("assignment", sorted(ITEMS))
def test_visible_checks_are_form_only(assignment):
    """Visible halves call only number/shape/within, with windows >= 3 decades either side of the answer."""
    ns = _solved(assignment)
    for test_id, source in _test_cells(assignment).items():
        visible, hidden = _split(source)
        assert hidden.strip(), f"{assignment}/{test_id} has no hidden test"
        for node in ast.walk(ast.parse(visible)):
            is_check = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if is_check and getattr(node.func.value, "id", "") == "check":
                assert node.func.attr in ("number", "shape", "within"), (
                    f"{assignment}/{test_id}: check.{node.func.attr} in a visible test says more than the form"
                )
                assert not any(k.arg == "reason" for k in node.keywords)
                if node.func.attr == "within":
                    value = float(eval(compile(ast.Expression(node.args[0]), "<answer>", "eval"), ns))
                    low, high = (float(ast.literal_eval(a)) for a in node.args[1:3])
                    margin = 1e3 if "estimate" not in ITEMS[assignment][test_id].values() else 1e3 * 1.5
                    assert low <= value / margin and value * margin <= high, (
                        f"{assignment}/{test_id}: window [{low}, {high}] is narrower than 3 decades around {value}"
                    )


@pytest.mark.parametrize("assignment", sorted(ITEMS))
def test_model_answers_pass_visible_and_hidden_tests(assignment):
    ns = _solved(assignment)
    for test_id, source in _test_cells(assignment).items():
        visible, hidden = _split(source)
        _run(visible, dict(ns), f"{assignment}:{test_id}:visible")
        _run(hidden, dict(ns), f"{assignment}:{test_id}:hidden")


@pytest.mark.parametrize("assignment, test_id, var, kind, label", CASES, ids=lambda x: str(x))
def test_wrong_value_passes_visible_fails_hidden(assignment, test_id, var, kind, label):
    ns = _solved(assignment)
    visible, hidden = _split(_test_cells(assignment)[test_id])
    (wrong,) = [w for lab, w in _wrong_values(ns[var], kind) if lab == label]
    trial = dict(ns)
    trial[var] = wrong
    _run(visible, dict(trial), f"{assignment}:{test_id}:visible")
    with pytest.raises(AssertionError):
        _run(hidden, dict(trial), f"{assignment}:{test_id}:hidden")


def test_blank_answers_fail_every_test_cell():
    """An answer still missing (the released placeholder raises) fails the visible half already."""
    for assignment in ITEMS:
        for test_id, source in _test_cells(assignment).items():
            ns = {"check": _solved(assignment)["check"], "np": np, "math": math}
            with pytest.raises(NameError):
                _run(_split(source)[0], ns, f"{assignment}:{test_id}:visible")


# --------------------------------------------------------------------------- the students' edition

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def _significant_digits(literal):
    mantissa = re.split(r"[eE]", literal.lstrip("+-"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")  # 36000: two significant digits
    return len(digits)


def _hidden_literals():
    """Every numeric literal of >= 4 significant digits in any source's hidden tests, with the forms
    in which it could be printed (as written, 4 and 6 significant digits, repr)."""
    forms = {}
    for assignment in HOMEWORK:
        for source in _test_cells(assignment).values():
            hidden = _split(source)[1]
            for literal in NUMBER.findall(hidden):
                if _significant_digits(literal) >= 4:
                    value = float(literal)
                    forms[literal] = {literal.lstrip("+"), f"{value:.4g}", f"{value:.6g}", repr(value)}
    return forms


@pytest.fixture(scope="session")
def edition(tmp_path_factory):
    """The students' edition, built once: answers published for hw01 only, pushed to another repository."""
    pytest.importorskip("nbgrader")
    sys.path.insert(0, str(COURSE))
    try:
        import make_student_edition
    finally:
        sys.path.remove(str(COURSE))
    out = tmp_path_factory.mktemp("edition") / "particle-flow-students"
    files = make_student_edition.build(out, repository="example-school/pf-students", publish=("hw01_flux",))
    return out, files, make_student_edition


def test_edition_holds_the_public_course(edition):
    out, files, _ = edition
    for name in ("pyproject.toml", "README.md", "LICENSE", "flowkit/__init__.py", "binder/requirements.txt"):
        assert name in files, name
    for chapter in CHAPTERS:
        assert chapter.path in files
    for assignment in HOMEWORK:
        folder = f"notebooks/homework/release/{assignment}"
        assert f"{folder}/{assignment}.ipynb" in files
        for table in (SOURCE / assignment).glob("*.csv"):
            assert f"{folder}/{table.name}" in files, f"{assignment}: data table {table.name} not shipped"
    assert [f for f in files if f.startswith("notebooks/homework/answers/")] == [
        "notebooks/homework/answers/hw01_flux.md"
    ]


def test_edition_leaves_out_everything_instructors_keep(edition):
    out, files, _ = edition
    banned = (
        "source/",
        "GUIDE.md",
        "grading/",
        "grade.sh",
        "nbgrader_config.py",
        "feedback_filters.py",
        "make_data.py",
        "make_student_edition.py",
        "tests/",
        "benchmarks/",
        "gradebook",
        "autograded",
    )
    for name in files:
        assert not any(b in name for b in banned), f"the students' edition contains {name}"


def test_edition_homework_carries_no_solution_no_hidden_test_no_hidden_value(edition):
    out, files, _ = edition
    literals = _hidden_literals()
    assert len(literals) >= 20, "too few hidden literals found: this scan would prove little"
    scanned = 0
    for name in files:
        if not name.startswith("notebooks/homework/"):
            continue  # the chapters and flowkit are public course material
        text = (out / name).read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{name} contains {marker!r}"
        for literal, forms in literals.items():
            for form in forms:
                hit = re.search(rf"(?<![\w.]){re.escape(form)}(?![\w])", text)
                assert not hit, f"{name} contains {form!r}, a value from a hidden test ({literal})"
        scanned += 1
    assert scanned >= len(HOMEWORK) + 1


def test_edition_notebooks_run_without_nbgrader(edition):
    """Released notebooks need flowkit only: their setup runs, no cell imports nbgrader, and
    each answer cell is the placeholder that tells the student to replace it."""
    out, _, _ = edition
    for assignment in HOMEWORK:
        folder = out / "notebooks" / "homework" / "release" / assignment
        nb = json.loads((folder / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        assert not any("nbgrader" in c for c in code)
        ns = {}
        with _in_folder(folder), contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code[0], f"{assignment}:setup", "exec"), ns)
        assert "check" in ns
        answers = [c for c in nb["cells"] if c["cell_type"] == "code" and _meta(c).get("solution")]
        assert answers and all("raise NotImplementedError()" in _src(c) for c in answers)


def test_edition_links_point_at_the_students_repository(edition):
    out, _, _ = edition
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "mybinder.org/v2/gh/example-school/pf-students/main" in readme
    assert "students' edition" in readme
    settings = (out / "flowkit" / "chapters.py").read_text(encoding="utf-8")
    assert 'STUDENT_REPOSITORY = "example-school/pf-students"' in settings
    for chapter in CHAPTERS:
        assert "particle-flow/particle-flow" not in (out / chapter.path).read_text(encoding="utf-8")


def test_edition_answers_page_shows_worked_answers_not_tests(edition):
    out, _, _ = edition
    page = (out / "notebooks" / "homework" / "answers" / "hw01_flux.md").read_text(encoding="utf-8")
    assert "J_beam = current / (e * area)" in page and "four-vector" in page
    assert "check." not in page


def test_edition_refuses_to_overwrite_and_names_bad_options(edition, tmp_path):
    _, _, tool = edition
    (tmp_path / "mine.txt").write_text("a student's own file")
    with pytest.raises(SystemExit, match="new or empty folder"):
        tool.build(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "a student's own file"
    with pytest.raises(SystemExit, match="publish-answers must name"):
        tool.build(tmp_path / "new", publish=("hw99",))
    with pytest.raises(SystemExit, match="repository must be a GitHub owner/name"):
        tool.build(tmp_path / "new", repository="not a repo")
