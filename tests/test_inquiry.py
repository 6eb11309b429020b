"""Chapters 1-6 as guided inquiry: predictions, try-this checks, notation.

The check calls are read out of the chapter notebooks themselves, so these
tests follow the notebooks: every ``check.predict`` / ``check.found`` a student
sees is run with the right answer, with a typical wrong one and blank, and
the verdicts are asserted. Answers that the question bank computes from
flowkit are compared with values worked here independently.
"""

import io
import json
import math
import re
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from flowkit import check, inquiry
from flowkit.chapters import CHAPTERS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTER_FILES = {c.number: NOTEBOOKS / f"{c.notebook}.ipynb" for c in CHAPTERS if 1 <= c.number <= 6}
CALL = re.compile(r'check\.(predict|found)\(\s*"([^"]+)"\s*,\s*(\w+)\s*\)')
BLANK = re.compile(r"^(\w+)\s*=\s*\.\.\.", re.M)
MATH = re.compile(r"(\$\$.*?\$\$|\$[^$\n]+?\$)", re.S)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell):
    return "".join(cell["source"])


def _hidden(cell):
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def _calls(path):
    """(kind, question id, variable, cell) for every check.predict / check.found in a notebook."""
    out = []
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        for kind, qid, var in CALL.findall(_source(cell)):
            out.append((kind, qid, var, cell))
    return out


ALL_CALLS = [(n, *call[:3]) for n, path in sorted(CHAPTER_FILES.items()) for call in _calls(path)]


def _verdict(func, *args):
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert func(*args) is None  # printed, never returned (nothing extra on a cell's last line)
    return buf.getvalue().strip()


# --------------------------------------------------------------------------- structure of the chapters


@pytest.mark.parametrize("number", sorted(CHAPTER_FILES))
def test_chapter_has_three_visible_predictions_before_its_app(number):
    cells = _cells(CHAPTER_FILES[number])
    apps = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and re.search(r"_app\(", _source(c))]
    tries = [
        i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and re.search(r"^\*\*Try \d", _source(c), re.M)
    ]
    predictions = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            for kind, qid, var in CALL.findall(_source(cell)):
                if kind == "predict":
                    assert not _hidden(cell), f"{qid} is in a collapsed cell"
                    # shipped blank: the student's answer is still the placeholder
                    assert var in BLANK.findall(_source(cell)), f"{qid}: {var} is not shipped as `...`"
                    predictions.append((i, qid))
    assert len(predictions) >= 3, predictions
    # each prediction is asked before an app that shows the answer, and before the try-this section
    assert all(any(i < a for a in apps) and i < min(tries) for i, _ in predictions), predictions


@pytest.mark.parametrize("number", sorted(CHAPTER_FILES))
def test_every_try_this_has_goal_check_hint_and_answer(number):
    cells = _cells(CHAPTER_FILES[number])
    tries = [
        i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and re.search(r"^\*\*Try \d", _source(c), re.M)
    ]
    assert len(tries) >= 3
    for i in tries:
        goal, check_cell, details = cells[i], cells[i + 1], cells[i + 2]
        # a goal: something to find on the sliders, and what to type into the check
        assert "?" in _source(goal) or re.search(r"\b(find|type)\b", _source(goal).lower()), _source(goal)[:80]
        found = CALL.findall(_source(check_cell))
        assert check_cell["cell_type"] == "code" and not _hidden(check_cell)
        assert [k for k, _, _ in found] == ["found"], _source(check_cell)
        assert found[0][2] in BLANK.findall(_source(check_cell))
        text = _source(details)
        assert details["cell_type"] == "markdown"
        assert "<details><summary><b>Hint</b></summary>" in text
        assert "<details><summary><b>Worked answer</b></summary>" in text
        assert text.count("</details>") == 2 and "open" not in text.split("</summary>")[0]  # collapsed by default


@pytest.mark.parametrize("number", sorted(CHAPTER_FILES))
def test_front_and_back_matter(number):
    text = "\n".join(_source(c) for c in _cells(CHAPTER_FILES[number]) if c["cell_type"] == "markdown")
    assert "**Before you start.**" in text and "**Study time:**" in text
    assert "## Further reading" in text
    assert "(notation.ipynb)" in text


def test_notebook_calls_and_question_bank_agree():
    start = [(0, kind, qid, var) for kind, qid, var, _ in _calls(NOTEBOOKS / "00_start_here.ipynb")]
    assert [qid for _, _, qid, _ in start] == ["00.alphas"]  # the start page's practice question
    used = {qid for _, _, qid, _ in ALL_CALLS + start}
    bank = {q.id for q in inquiry.QUESTIONS}
    assert used == bank, (sorted(used - bank), sorted(bank - used))
    for number, kind, qid, _ in ALL_CALLS + start:
        q = inquiry.question(qid)
        assert q.chapter == number and q.kind == kind, qid


# the named misconception for each chapter, and a question of that chapter that targets it
NAMED = {
    1: ("01.still_air", "one-sided"),
    2: ("02.sign", "gradient"),
    3: ("03.crowd", "sqrt(t)"),
    4: ("04.volumes", "chemical potential"),
    5: ("05.schmidt", "Schmidt"),
    6: ("06.exponent", "-1/6"),
}


@pytest.mark.parametrize("number", sorted(NAMED))
def test_each_chapter_targets_its_named_misconception(number):
    qid, words = NAMED[number]
    assert qid in {q for n, _, q, _ in ALL_CALLS if n == number}
    assert words in inquiry.question(qid).misconception


# --------------------------------------------------------------------------- verdicts of every check in the chapters


@pytest.mark.parametrize("number, kind, qid", [(n, k, q) for n, k, q, _ in ALL_CALLS], ids=[c[2] for c in ALL_CALLS])
def test_check_verdicts_right_wrong_blank(number, kind, qid):
    func = getattr(check, kind)
    q = inquiry.question(qid)
    right = _verdict(func, qid, q.right_answer())
    assert right.startswith(f"{check.RIGHT}:"), right
    wrong = _verdict(func, qid, q.wrong_answer())
    assert wrong.startswith(f"{check.NOT_QUITE}:"), wrong
    if q.options:
        explanation = dict(q.options)[q.wrong_answer()]
    else:
        explanation = q.traps[0][1]
    assert explanation in wrong  # the misconception behind that wrong answer, by name
    for blank in (..., None, ""):
        assert _verdict(func, qid, blank).startswith(f"{check.YOUR_TURN}:")
    # never the answer: a wrong verdict does not print the expected value
    expected = q.expected()
    if not q.options and not isinstance(expected, tuple) and len(f"{abs(expected):.3g}") > 3:
        assert f"{abs(expected):.3g}" not in wrong and f"{abs(expected):.2g}" not in wrong


@pytest.mark.parametrize("question", [q for q in inquiry.QUESTIONS if not q.options], ids=lambda q: q.id)
def test_every_trap_is_wrong_and_gets_its_own_hint(question):
    for trap, text in question.traps:
        value = math.sqrt(trap[0] * trap[1]) if isinstance(trap, tuple) and trap[0] > 0 else trap
        value = 0.5 * (trap[0] + trap[1]) if isinstance(trap, tuple) and trap[0] <= 0 else value
        out = _verdict(check.found if question.kind == "found" else check.predict, question.id, value)
        assert out == f"{check.NOT_QUITE}: {text}"
    # any other wrong answer gets the general hint and a direction
    expected = question.right_answer()
    far = expected * 37.0 + 1000.0
    out = _verdict(check.found if question.kind == "found" else check.predict, question.id, far)
    assert out.startswith(f"{check.NOT_QUITE}:") and "too large" in out


@pytest.mark.parametrize("question", [q for q in inquiry.QUESTIONS if q.options], ids=lambda q: q.id)
def test_every_option_has_its_own_explanation(question):
    texts = [text for _, text in question.options]
    assert len(set(texts)) == len(texts) >= 3
    for key, text in question.options:
        out = _verdict(check.predict, question.id, key.upper())
        verdict = check.RIGHT if key == question.answer else check.NOT_QUITE
        assert out == f"{verdict}: ({key}) {text}"


# --------------------------------------------------------------------------- answers computed by flowkit, worked here


def test_computed_answers_against_independent_values():
    k, u, e = 1.380649e-23, 1.66053906660e-27, 1.602176634e-19
    # zinc in copper, Q = 189 kJ/mol: D(1173.15)/D(1073.15) = exp(Q/R (1/1073.15 - 1/1173.15)) = e^1.80556 (22731.46 K x 7.94302e-5 /K)
    assert inquiry.question("02.try.match").expected() == pytest.approx(6.0834, rel=1e-4)
    # helium: k T / (m g) at 288.15 K = 3.978e-21 / (6.6465e-27 * 9.80665) m
    assert inquiry.question("04.try.helium").expected() == pytest.approx(61.04, rel=1e-3)
    # hard-sphere N2 at 600 K: (5/16) sqrt(pi m k T) / (pi d^2), m = 28.0134 u, d = 3.681e-10 m
    m = 28.0134 * u
    eta = 5 / 16 * math.sqrt(math.pi * m * k * 600.0) / (math.pi * 3.681e-10**2)
    assert inquiry.question("05.try.eta600").expected() == pytest.approx(eta, rel=1e-9)
    assert eta == pytest.approx(2.554e-5, rel=1e-3)
    # magnetopause: r = ((2 B0)^2 / (2 mu0 n m_p v^2))^(1/6) R_E; r = 6.6 needs n = n0 (r0/6.6)^6
    mu0, m_p, B0 = 1.25663706212e-6, 1.67262192369e-27, 3.12e-5
    r0 = ((2 * B0) ** 2 / (2 * mu0 * 5e6 * m_p * 4e5**2)) ** (1 / 6)
    assert r0 == pytest.approx(10.25, abs=0.01)
    assert inquiry.question("06.try.geo").expected() == pytest.approx(5 * (r0 / 6.6) ** 6, rel=1e-6)
    # Pe = 10 for a 1 um vesicle at 310 K in water-like fluid: U = 10 k T / (6 pi eta a L)
    U = 10 * k * 310 / (6 * math.pi * 1e-3 * 0.5e-6) / 50e-6 * 1e6
    assert inquiry.question("06.try.vesicle").expected() == pytest.approx(U, rel=1e-9)
    # inkjet drop: t_f = rho pi R^3 theta / 4 / (4 D_v rho_sat (1 - RH) R) at R = 0.1 mm
    rho_sat = 3.17e3 * 0.018015 / (8.314462618 * 298.15)
    t_f = 997.0 * math.pi * 1e-4**3 * 0.35 / 4 / (4 * 2.5e-5 * rho_sat * 0.5 * 1e-4)
    assert inquiry.question("06.try.inkjet").expected() == pytest.approx(t_f, rel=1e-9)
    # a proton current for J = 1e18 on 1 mm^2
    assert inquiry.question("01.try.current").expected() == pytest.approx(1e18 * e * 1e-6, rel=1e-12)


def test_gate_question_from_the_exact_walk_distribution():
    # All particles on site 0; after 99 ticks at p = 0.5 a particle's position is a sum of 99 steps
    # (+1, -1, 0 with 1/4, 1/4, 1/2): convolve the one-step law, independently of flowkit.randomwalk.
    step = np.array([0.25, 0.5, 0.25])
    dist = np.array([1.0])
    for _ in range(99):
        dist = np.convolve(dist, step)
    P0, P1 = dist[99], dist[100]
    h = 0.25
    n_star = (math.sqrt(h * (1 - h) * (P0 + P1)) / (0.05 * h * (P0 - P1))) ** 2
    assert n_star == pytest.approx(4.2e8, rel=0.02)
    low, high = inquiry.question("03.try.gate").expected()
    assert low < n_star < high
    assert low < 10**8.75 < high  # the slider's first value past n_star is accepted
    assert not low < 10**8.5  # ...and the one before it (sigma/mean = 5.8 %) is not


def test_fermi_tenth_is_universal_in_density():
    from flowkit import analogies

    x = inquiry.question("05.try.fermi").expected()
    m = 9.1093837015e-31
    for n in (1e27, 2.65e28, 1e29):  # the fraction of T_F does not depend on n
        T_F = analogies.fermi_energy(n, m) / 1.380649e-23
        ratio = analogies.effusion_flux_fd(n, m, x * T_F) / analogies.fermi_effusion_flux(n, m)
        assert ratio == pytest.approx(1.1, rel=1e-6)


# --------------------------------------------------------------------------- the goals can be reached on the apps


def test_try_this_goals_are_reached_on_the_sliders():
    """Play the student: set each app to the accepted answer and read the goal off its readout values."""
    import matplotlib.pyplot as plt

    from flowkit import apps

    try:
        beam = apps.flux_app()
        beam.update(current=inquiry.question("01.try.current").right_answer(), charge=1, area_mm2=1.0)
        assert beam.values["flux"] == pytest.approx(1e18, rel=0.05)  # Try 1: the target flux
        beam.update(beta=0.87)  # the slider's step is 0.01; sqrt(3)/2 = 0.866
        assert inquiry.question("01.try.beta").right_answer() == pytest.approx(0.87, abs=0.005)
        assert beam.values["gamma"] == pytest.approx(2.0, rel=0.02)  # Try 2: twice as dense
        beam.update(beta=0.99)
        ratio = beam.values["rest_density"] / beam.controls["n0"].value
        assert ratio == pytest.approx(inquiry.question("01.try.invariant").right_answer(), rel=1e-9)

        boxes = apps.entropy_app()
        boxes.update(split=0.5, V_ratio=4.0, conductance=1e41, t_window=100.0)
        share = boxes.values["N1_end"] / (boxes.values["N1_end"] + boxes.values["N2_end"])
        assert share == pytest.approx(inquiry.question("04.try.split").right_answer(), rel=1e-3)

        onsager = apps.entropy_app(view="Onsager")
        low, high = inquiry.question("04.try.coupling").expected()
        onsager.update(L11=1.0, L22=0.6, L12=0.75, L21=0.75)  # the slider's last value inside the range
        assert low <= 0.75 <= high and onsager.values["sigma_T_min"] >= 0
        onsager.update(L12=0.8, L21=0.8)  # the next one is outside it: red appears
        assert 0.8 > high and onsager.values["sigma_T_min"] < 0

        fermi = apps.analogies_app(view="Fermi effusion", n=2.65e28)
        fermi.update(T=inquiry.question("05.try.fermi").right_answer() * fermi.values["T_F"])
        assert fermi.values["ratio_to_cold"] == pytest.approx(1.10, rel=0.01)

        walk = apps.walk_app()
        walk.update(p=0.5, steps=100, n_walkers=1e9)  # the readout's own 5 % estimate, from one random history
        low, high = inquiry.question("03.try.gate").expected()
        assert low < walk.values["gate_N_for_5_percent"] < high

        wind = apps.applications_app(view="solar wind")
        wind.update(n_cm3=inquiry.question("06.try.geo").right_answer(), v_kms=400.0)
        assert wind.values["standoff_RE"] == pytest.approx(6.6, rel=0.01)
    finally:
        plt.close("all")


# --------------------------------------------------------------------------- the check functions themselves


def test_prediction_and_multiple_choice_contracts():
    # blank placeholders invite; non-numbers are "not quite", never an exception
    for blank in (..., None, "", "  "):
        assert _verdict(check.prediction, blank, 0.5).startswith("Your turn:")
        assert _verdict(check.multiple_choice, blank, "a", {"a": "yes", "b": "no"}).startswith("Your turn:")
    for junk in ("half", True, [1, 2], float("nan"), 1j):
        assert _verdict(check.prediction, junk, 0.5).startswith("Not quite:")
    assert _verdict(check.prediction, np.array([0.5]), 0.5).startswith("Right:")
    assert _verdict(check.prediction, 1.5, (1.0, 2.0)).startswith("Right:")
    assert "too small" in _verdict(check.prediction, 0.5, (1.0, 2.0))
    assert _verdict(check.multiple_choice, "(B)", "b", {"a": "yes", "b": "no"}) == "Right: (b) no"
    assert "must be one of" in _verdict(check.multiple_choice, "z", "b", {"a": "yes", "b": "no"})
    # a mis-specified check is the author's error: ValueError naming the argument
    with pytest.raises(ValueError, match="expected"):
        check.prediction(1.0, float("nan"))
    with pytest.raises(ValueError, match="expected"):
        check.prediction(1.0, (2.0, 1.0))
    with pytest.raises(ValueError, match="traps"):
        check.prediction(1.0, 2.0, traps=[(1.0,)])
    with pytest.raises(ValueError, match="correct"):
        check.multiple_choice("a", "c", {"a": "yes", "b": "no"})
    with pytest.raises(ValueError, match="question_id"):
        check.predict("01.nonexistent", 1.0)
    with pytest.raises(ValueError, match="check.found"):
        check.predict("01.try.beta", 0.87)


def test_homework_checks_still_fail_on_placeholders():
    # the grading checks keep raising on an unanswered placeholder; only the coaching ones invite
    for blank in (..., None):
        with pytest.raises(AssertionError):
            check.close(blank, 1.0)


# --------------------------------------------------------------------------- one symbol, one meaning


def _markdown_math(path):
    return [m.group(0) for c in _cells(path) if c["cell_type"] == "markdown" for m in MATH.finditer(_source(c))]


def _visible_text(path):
    return "\n".join(_source(c) for c in _cells(path))


ALL_NOTEBOOKS = sorted(NOTEBOOKS.glob("0[0-6]_*.ipynb"))


def test_notation_page_exists_and_defines_the_contested_symbols():
    text = _visible_text(NOTEBOOKS / "notation.ipynb")
    for row in (
        r"| $\lambda$ | **mean free path**",
        r"| $\Lambda$ | **thermal de Broglie wavelength**",
        r"| $\tau$ | **hop time**",
        r"| $H$ | **scale height**",
        r"| $\mathrm{RH}$ | relative humidity",
        r"| $L_0$ |",
        r"| $n$ | **number density**",
        r"| $\mathbf J$, $J$ | **particle flux**",
    ):
        assert row in text, row
    assert "3.681\\times10^{-10}" in text


def test_the_listed_clashes_are_gone():
    for path in ALL_NOTEBOOKS:
        maths = _markdown_math(path)
        text = _visible_text(path)
        chapter = int(path.name[:2])
        joined = "\n".join(maths)
        # the flux is J: never Phi, never a lower-case j
        assert r"\Phi" not in joined and not re.search(r"\\mathbf j(?![a-zA-Z])", joined), path.name
        # lambda is the mean free path only; the thermal wavelength is Lambda
        assert not re.search(r"\\lambda\^3|\\lambda = \\frac\{h\}", joined), path.name
        if chapter not in (1, 5):
            assert r"\lambda" not in joined, path.name
        # tau is the hop time (chapter 3, and the start page's map of it) and nothing else
        if chapter not in (0, 3):
            assert r"\tau" not in joined, path.name
        # a concentration is n: no c or C as a concentration (c is the speed of light, chapters 1 and 5 only)
        if chapter in (2, 3, 4, 6):
            degrees = r"\mathrm C"  # degrees Celsius, not a concentration
            assert not any(re.search(r"(?<![\\a-zA-Z_])[cC](?![a-zA-Z_])", m.replace(degrees, "")) for m in maths), (
                path.name
            )
        # H is the scale height (chapter 4); humidity is RH
        if chapter == 6:
            assert not any(re.search(r"(?<![\\a-zA-Z_])H(?![a-zA-Z_])", m) for m in maths)
        # one N2 diameter for the course
        assert "3.64e-10" not in text, path.name
    assert "3.681e-10" in _visible_text(CHAPTER_FILES[1]) and "3.681e-10" in _visible_text(CHAPTER_FILES[5])
    # L0 of the Onsager app is defined where the app is used
    assert "arbitrary unit $L_0$" in _visible_text(CHAPTER_FILES[4])


def test_worked_problem_3a_is_flagged_as_a_one_sided_count():
    text = _visible_text(CHAPTER_FILES[1])
    at = text.index("(a) At $P = 1")
    assert "one-sided count" in text[at : at + 600] and "net flux is zero" in text[at : at + 900]


# --------------------------------------------------------------------------- the chapters with the right answers filled in


def _filled(path):
    """The notebook with every prediction and try-this placeholder replaced by an accepted answer."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    n_checks = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = _source(cell)
        for _kind, qid, var in CALL.findall(src):
            answer = inquiry.question(qid).right_answer()
            literal = repr(answer) if isinstance(answer, str) else repr(float(answer))
            src = re.sub(rf"^{var}\s*=\s*\.\.\.", f"{var} = {literal}", src, flags=re.M)
            n_checks += 1
        cell["source"] = src
    return nb, n_checks


@pytest.mark.slow
@pytest.mark.parametrize("number", sorted(CHAPTER_FILES))
def test_chapter_runs_with_the_right_answers_filled_in(number, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb, n_checks = _filled(CHAPTER_FILES[number])
    notebook = nbformat.reads(json.dumps(nb), as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    printed = "".join(
        out.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
    )
    assert printed.count(f"{check.RIGHT}:") == n_checks >= 6
    assert f"{check.NOT_QUITE}:" not in printed and f"{check.YOUR_TURN}:" not in printed
