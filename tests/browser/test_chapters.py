"""Each chapter as a student meets it: JupyterLab in headless Chromium.

For every chapter notebook: open it, run all cells, wait for the kernel to go
idle, and fail on any error output. For the chapter's main slider app: press
ArrowRight (or ArrowLeft near the top of the range) on its first slider five
times, waiting after each press; check that the readout changes to the number
the physics gives for the slider's new value, that the ipympl canvas pixels
change, and time key press -> readout changed and key press -> canvas
repainted. The same moves on a trivial app (one Gaussian line and a label),
kept open in a second page and measured just before each chapter, give the
baseline. Then the layout at 1280 x 800: with the file browser open the app is
no wider than the notebook; in simple mode with the side bar closed (a lecture)
its controls sit beside its figure and both are visible without scrolling.
A screenshot of each chapter is saved (path printed).

Run: ``python -m pytest tests/browser -m browser -s`` (``-s`` shows the timings).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from browserkit import (
    NOTEBOOKS,
    TRIVIAL_NOTEBOOK,
    app_fit,
    drive_app,
    error_outputs,
    kernel_json,
    lab_state,
    locate_app,
    open_and_run_lab,
    readout_quantity,
    registry_notebooks,
)

from flowkit.chapters import by_notebook

pytestmark = pytest.mark.browser

MOVES = 5
# The target, enforced: a chapter's median key-press-to-repaint at most 1.5x the trivial
# app's. The machine is shared, and a neighbour's load spike only ever adds latency, so when a
# round misses the target both apps are measured again, back to back, and the best of up to
# ROUNDS paired rounds counts (as timeit takes the best of its repeats). Every round is printed.
TARGET_RATIO = 1.5
ROUNDS = 3


# Each physics function gets the app's parameters `p` (exact, read from the kernel after the
# moves) and `a`, the app attributes named in MainApp.attrs (fixed sizes the app passes on).


def _flux_rate(p, a):
    from scipy.constants import e

    from flowkit import flux

    # the beam carries current/(charge) particles per second; charge slider is in units of e
    return flux.beam_rate(p["current"], p["charge"] * e)


def _fick_d(p, a):
    from flowkit import fick

    # Arrhenius D = D0 exp(-Q/(R T)); the app's Q slider is in kJ/mol
    return fick.arrhenius(p["D0"], p["Q_kJ"] * 1e3, p["T"])


def _walk_msd(p, a):
    from flowkit import randomwalk

    # MSD = 2 D t with D = p l^2/(2 tau) in lattice units (l = tau = 1): the readout's "p t"
    return 2.0 * randomwalk.diffusion_coefficient(p["p"], 1.0, 1.0) * p["steps"]


def _entropy_gain(p, a):
    from scipy.constants import k

    from flowkit import thermo

    # entropy gained by the end of the window, in k_B, from the two-reservoir relaxation with
    # the app's fixed total N, total volume, temperature and time grid (N1 alone would not do:
    # once equilibrium is reached it is N V1/V whatever the starting split)
    v1 = a["volume_total"] * p["V_ratio"] / (1.0 + p["V_ratio"])
    t = np.linspace(0.0, p["t_window"], a["_n_times"])
    r = thermo.two_reservoirs(
        p["split"] * a["n_total"],
        (1.0 - p["split"]) * a["n_total"],
        v1,
        a["volume_total"] - v1,
        a["T"],
        p["conductance"],
        t,
    )
    return (r.S[-1] - r.S[0]) / k


def _couette_mid(p, a):
    from flowkit import analogies

    # u/U half-way across the gap from the momentum-diffusion (Crank-Nicolson) solution the app plots
    y, u = analogies.couette_startup_numerical(p["t"], 1.0, p["nu"], h=a["gap"], cells=a["cells"], steps=a["cn_steps"])
    return np.interp(0.5 * a["gap"], y, u)


def _standoff(p, a):
    from flowkit import applications

    # pressure balance (2 B0)^2/(2 mu0) = n m_p v^2; sliders in cm^-3 and km/s
    return applications.magnetopause_standoff(p["n_cm3"] * 1e6, p["v_kms"] * 1e3)


@dataclass(frozen=True)
class MainApp:
    """What the test needs to know about a chapter's main app."""

    var: str  # the notebook variable holding the app
    cls: str  # its class name (checks `var` is the app we think)
    control: str  # name of its first slider (the one the test moves)
    quantity: str  # readout label the test checks
    physics: Callable[[dict, dict], float]  # expected readout value from params and attrs
    attrs: tuple = ()  # app attributes the physics needs (read from the kernel)
    readout_index: int = 0  # which .flowkit-readout on the page belongs to it


MAIN_APPS = {
    1: MainApp("app", "FluxApp", "current", "particle rate", _flux_rate),
    2: MainApp("app", "FickApp", "T", "D(T)", _fick_d),
    3: MainApp("app", "WalkApp", "p", "p t", _walk_msd),
    4: MainApp("app", "EntropyApp", "split", "ΔS", _entropy_gain, attrs=("n_total", "volume_total", "T", "_n_times")),
    5: MainApp("app", "AnalogiesApp", "nu", "mid-gap u/U", _couette_mid, attrs=("gap", "cells", "cn_steps")),
    6: MainApp("wind_app", "ApplicationsApp", "n_cm3", "stand-off", _standoff),
}

# From the one chapter registry (flowkit.chapters), read when this module is collected.
CHAPTERS = registry_notebooks()
APP_CHAPTERS = registry_notebooks(apps_only=True)


def _slider_display(sliders: list[dict], label: str) -> tuple[float, float]:
    """The value a slider's own readout shows (e.g. '1.78e-8', '1070', '0.55'), and half a
    unit of its last digit."""
    for s in sliders:
        if s["label"] == label:
            text = s["value"].replace("\u2212", "-")
            m = re.fullmatch(r"(-?\d+)(?:\.(\d*))?(?:e([-+]?\d+))?", text)
            assert m, f"slider {label!r} shows {text!r}"
            scale = 10.0 ** int(m.group(3) or 0)
            return float(text), 0.5 * 10.0 ** -len(m.group(2) or "") * scale
    raise AssertionError(f"no slider labelled {label!r} in {sliders}")


def _snap(value: float, slider: dict) -> float:
    """The grid point of the slider nearest to ``value`` (log sliders step in the exponent)."""
    if slider["kind"] == "FloatLogSlider":
        base = slider["base"]
        k = round((math.log(value, base) - slider["min"]) / slider["step"])
        return base ** (slider["min"] + k * slider["step"])
    k = round((value - slider["min"]) / slider["step"])
    return slider["min"] + k * slider["step"]


def _figure_state(page, var: str) -> dict | str:
    """The kernel side of an app's ipympl canvas, for the message when its view stays blank."""
    c = f"{var}.figure.canvas"
    try:
        return kernel_json(
            page,
            f"{{'closed': {c}._closed, 'syncing_data_url': {c}.syncing_data_url, "
            f"'png_is_old': {c}._png_is_old, 'force_full': {c}._force_full, "
            f"'size': list({c}._size), 'image_mode': {c}._image_mode, "
            f"'views': len({c}.manager.web_sockets)}}",
        )
    except Exception as err:  # the diagnosis must not hide the failure it explains
        return f"unavailable ({err!r})"


def _id(path: Path) -> str:
    return path.stem


@pytest.fixture(scope="session")
def trivial_page(browser, lab_server):
    """The trivial baseline app, open and running for the whole session in its own page."""
    from browserkit import INIT_SCRIPT

    context = browser.new_context(viewport={"width": 1280, "height": 1300})
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_and_run_lab(page, lab_server, TRIVIAL_NOTEBOOK, timeout=300)
        locate_app(page)
        yield page
    finally:
        context.close()


def measure_trivial(page) -> dict:
    page.bring_to_front()
    locate_app(page)
    return drive_app(page, MOVES)


def _print_timings(name: str, result: dict) -> None:
    rd = [round(m["readout_ms"]) for m in result["moves"]]
    cv = [round(m["canvas_ms"]) for m in result["moves"]]
    print(
        f"  {name}: key->readout median {result['readout_median_ms']:.0f} ms {rd}; "
        f"key->canvas median {result['canvas_median_ms']:.0f} ms {cv}"
    )


@pytest.mark.parametrize("notebook", CHAPTERS, ids=_id)
def test_chapter_runs_without_errors(notebook, lab_server, page, screenshot_dir):
    """Run all: no cell may end with an error output, and every code cell must have run."""
    seconds = open_and_run_lab(page, lab_server, notebook.name)
    state = lab_state(page)
    shot = screenshot_dir / f"lab_{notebook.stem}_top.png"
    page.screenshot(path=str(shot))
    print(f"\n{notebook.name}: run all in {seconds:.1f} s; {state['ncode']} code cells; screenshot {shot}")
    unexpected = [e for e in state["errors"] if not e["expected"]]
    assert not unexpected, f"{notebook.name}: error outputs {unexpected}"
    assert state["unrun"] == 0, f"{notebook.name}: {state['unrun']} code cells never ran"
    # What the page shows must agree with the model: one traceback per expected error.
    shown = error_outputs(page)
    assert len(shown) == len(state["errors"]), f"{notebook.name}: tracebacks on the page: {shown}"


@pytest.mark.parametrize("notebook", APP_CHAPTERS, ids=_id)
def test_chapter_main_app(notebook, lab_server, page, trivial_page, screenshot_dir):
    """Move the main app's first slider: readout = physics, canvas repaints, and it is quick."""
    spec = MAIN_APPS.get(by_notebook(notebook.stem).number)
    if spec is None:
        pytest.fail(
            f"no main-app entry for {notebook.name} in MAIN_APPS: add one "
            "(variable, class, first slider, readout label, physics)"
        )
    baseline = measure_trivial(trivial_page)

    page.bring_to_front()
    open_and_run_lab(page, lab_server, notebook.name)
    info = locate_app(page, spec.readout_index, diagnose=lambda: _figure_state(page, spec.var))
    attrs = ", ".join(f"{name!r}: {spec.var}.{name}" for name in spec.attrs)
    w = f"{spec.var}.controls[{spec.control!r}]"
    before = kernel_json(
        page,
        f"{{'cls': type({spec.var}).__name__, 'params': {spec.var}.params, "
        f"'labels': {{k: w.description for k, w in {spec.var}.controls.items()}}, "
        f"'slider': {{'kind': type({w}).__name__, 'min': {w}.min, 'max': {w}.max, "
        f"'step': {w}.step, 'base': getattr({w}, 'base', None)}}, "
        f"'attrs': {{{attrs}}}}}",
    )
    assert before["cls"] == spec.cls, before
    params = before["params"]
    first_label = before["labels"][spec.control]
    assert info["label"] == first_label, (
        f"first slider of the app is {info['label']!r}, expected {spec.control} ({first_label!r})"
    )
    page.locator("[data-fk=readout]").scroll_into_view_if_needed()

    result = drive_app(page, MOVES)
    after = kernel_json(page, f"{spec.var}.params")

    sign = 1 if result["key"] == "ArrowRight" else -1
    assert all(m["text_changed"] for m in result["moves"]), [m["readout"] for m in result["moves"]]
    assert all(m["canvas_changed"] for m in result["moves"]), "a move left the canvas pixels unchanged"
    assert result["canvas_changed_overall"]
    assert (after[spec.control] - params[spec.control]) * sign > 0, (params, after)
    # Only the moved slider changed in the kernel.
    assert {k: v for k, v in after.items() if k != spec.control} == {
        k: v for k, v in params.items() if k != spec.control
    }

    # Every move: the readout quantity equals the physics at the slider's new value. The page
    # shows that value rounded (e.g. '1.78e-8'); a keyboard step lands on the slider's grid,
    # so snapping the shown value to the grid recovers it exactly (grid steps are >= 1 %, the
    # display error <= 0.5 %). The last move's snapped value must equal the kernel's.
    slider = before["slider"]
    values = []
    for i, move in enumerate(result["moves"]):
        shown_value, display_half_unit = _slider_display(move["sliders"], first_label)
        value = _snap(shown_value, slider)
        assert abs(value - shown_value) <= display_half_unit * (1 + 1e-9), (value, shown_value)
        if i == len(result["moves"]) - 1:
            assert math.isclose(value, after[spec.control], rel_tol=1e-9), (value, after)
        shown, half_unit = readout_quantity(move["html"], spec.quantity)
        expected = float(spec.physics({**params, spec.control: value}, before["attrs"]))
        # The readout rounds to its last digit: allow half a unit of it (plus float round-off).
        assert math.isclose(shown, expected, rel_tol=1e-9, abs_tol=half_unit * (1 + 1e-9)), (
            f"move {i + 1}: {spec.quantity} reads {shown}, physics gives {expected} at {spec.control}={value}"
        )
        values.append(shown)
    assert len(set(values)) == len(values), f"{spec.quantity} did not change on every move: {values}"

    shot = screenshot_dir / f"lab_{notebook.stem}.png"
    page.evaluate("() => __fk.box.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shot))
    app_shot = screenshot_dir / f"lab_{notebook.stem}_app.png"
    page.evaluate_handle("() => __fk.box").as_element().screenshot(path=str(app_shot))

    print(
        f"\n{notebook.name}: {spec.control} {params[spec.control]:.4g} -> {after[spec.control]:.4g}, "
        f"{spec.quantity} = {shown:.4g} (physics {expected:.4g}); screenshots {shot}, {app_shot}"
    )
    rounds = [(baseline, result)]
    while True:
        trivial, chapter = rounds[-1]
        ratio = chapter["canvas_median_ms"] / trivial["canvas_median_ms"]
        print(f"  round {len(rounds)}:")
        _print_timings("trivial", trivial)
        _print_timings(notebook.stem, chapter)
        print(f"  canvas ratio chapter/trivial = {ratio:.2f} (target <= {TARGET_RATIO})")
        if ratio <= TARGET_RATIO or len(rounds) == ROUNDS:
            break
        trivial = measure_trivial(trivial_page)
        page.bring_to_front()
        rounds.append((trivial, drive_app(page, MOVES)))
    # A student's JupyterLab at 1280 px with the file browser open: the app is not wider than the
    # notebook (the controls wrap below the figure when they do not fit beside it).
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    page.wait_for_timeout(500)
    locate_app(page, spec.readout_index)
    narrow = app_fit(page)
    assert narrow["width"] <= narrow["view"]["right"] - narrow["view"]["left"] + 1, (
        f"{notebook.name}, JupyterLab at 1280 px with the file browser open: wider than the notebook: {narrow}"
    )

    # Lecture mode in JupyterLab: simple (single-document) mode, side bar closed, 1280 x 800.
    # The app's controls sit beside its figure and both fit the notebook's visible area.
    page.evaluate("() => { window.jupyterapp.shell.mode = 'single-document'; window.jupyterapp.shell.collapseLeft(); }")
    page.wait_for_timeout(500)
    locate_app(page, spec.readout_index)
    fit = app_fit(page)
    lecture_shot = screenshot_dir / f"lab_{notebook.stem}_1280x800.png"
    page.screenshot(path=str(lecture_shot))
    assert fit["beside"] and fit["fits"], f"{notebook.name}, JupyterLab simple mode at 1280 x 800: {fit}"

    best = min(c["canvas_median_ms"] / t["canvas_median_ms"] for t, c in rounds)
    assert best <= TARGET_RATIO, (
        f"{notebook.name}: key->canvas median is {best:.2f}x the trivial app's in the best of "
        f"{len(rounds)} rounds (target {TARGET_RATIO}x)"
    )


def test_every_chapter_is_covered():
    """A missing, renamed or unregistered chapter must not shrink the browser run silently."""
    missing = [nb.name for nb in CHAPTERS if not nb.exists()]
    assert not missing, f"registered in flowkit.chapters but not in notebooks/: {missing}"
    on_disk = sorted(nb.name for nb in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert on_disk == sorted(nb.name for nb in CHAPTERS), "a chapter notebook is not in flowkit.chapters"
    assert sorted(MAIN_APPS) == [by_notebook(nb.stem).number for nb in APP_CHAPTERS]
