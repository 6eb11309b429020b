"""Slider apps, headless (Agg): build, drive every control, compare with the physics.

No timing assertions here: latency is measured by benchmarks/bench_apps.py.
"Plotted data equals the physics" is checked against a fresh call of the
physics function with the same parameters (rtol 1e-12 for closed forms; the
cached solver ladders in the fick app are compared with one uninterrupted
solver call at rtol 1e-10, the only difference being round-off in r).
"""

import csv
import io
import os
import subprocess
import sys

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy.constants import c as LIGHT
from scipy.constants import e as CHARGE
from scipy.constants import electron_volt as EV
from scipy.constants import m_e

from flowkit import apps, chapters, style
from flowkit.apps._base import control_range, sci


def app_factories():
    """Every chapter's app factory name, from the one chapter registry (read at collection)."""
    return [chapter.app for chapter in chapters.app_chapters()]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(params=app_factories())
def app(request):
    return getattr(apps, request.param)()


def _descendants(widget):
    """Every widget inside ``widget`` (depth first)."""
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)


def _values_to_try(widget):
    """The extremes of a slider, or every option of a toggle."""
    span = control_range(widget)
    if span is not None:
        return list(span)
    return list(widget._options_values)


# --------------------------------------------------------------------------- generic behaviour
def test_app_builds_with_the_public_api(app):
    assert isinstance(app.controls, dict) and app.controls
    assert all(isinstance(w, widgets.ValueWidget) for w in app.controls.values())
    assert isinstance(app.figure, mpl.figure.Figure)
    assert isinstance(app.readout, widgets.HTML)
    assert "flowkit-readout" in app.readout._dom_classes
    assert app.readout.value  # something is shown from the start
    assert app.values and all(np.isfinite(v) for v in app.values.values())
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    # Under Agg the layout holds a PNG image of the figure (no interactive canvas).
    images = [w for w in _descendants(app.widget) if isinstance(w, widgets.Image)]
    assert len(images) == 1 and images[0].value[:8] == b"\x89PNG\r\n\x1a\n"


def test_controls_sit_beside_the_figure_and_wrap_below_it(app):
    stage = next(w for w in _descendants(app.widget) if "flowkit-stage" in w._dom_classes)
    figure_view, controls = stage.children
    assert isinstance(figure_view, widgets.Image) and "flowkit-controls" in controls._dom_classes
    assert stage.layout.flex_flow == "row wrap" and controls.layout.min_width == "300px"
    assert set(app.controls.values()) <= set(controls.children)
    # beside it above 760 + 300 px: every app's figure is at most 7.6 inches wide at 100 dpi
    assert app.figure.get_figwidth() * app.figure.dpi <= 760 + 1e-9


def test_every_control_extreme_updates_and_draws(app):
    for name, widget in app.controls.items():
        for value in _values_to_try(widget):
            app.update(**{name: value})
            if isinstance(value, str):
                assert app.params[name] == value
            else:
                assert app.params[name] == pytest.approx(value, rel=1e-9, abs=0)  # sliders hold values like 2e-9
            app.figure.canvas.draw()
            assert all(np.isfinite(v) for v in app.values.values()), (name, value, app.values)


def test_unknown_control_raises_and_lists_allowed(app):
    with pytest.raises(ValueError, match="unknown control.*bogus") as err:
        app.update(bogus=1.0)
    for name in app.controls:
        assert name in str(err.value)


def test_value_outside_slider_range_raises(app):
    name, widget = next((k, w) for k, w in app.controls.items() if control_range(w) is not None)
    low, high = control_range(widget)
    with pytest.raises(ValueError, match=f"{name} must lie in"):
        app.update(**{name: high + abs(high - low) + 1.0})


def test_update_redraws_once_for_many_controls(app, monkeypatch):
    calls = []
    original = app._redraw
    monkeypatch.setattr(app, "_redraw", lambda p: calls.append(dict(p)) or original(p))
    sliders = {k: w for k, w in app.controls.items() if control_range(w) is not None}
    new = {k: control_range(w)[1] for k, w in list(sliders.items())[:3]}
    app.update(**new)
    assert len(calls) == 1 and all(calls[0][k] == pytest.approx(v) for k, v in new.items())


def test_moving_a_widget_redraws(app):
    name, widget = next((k, w) for k, w in app.controls.items() if control_range(w) is not None)
    before = app.readout.value
    widget.value = control_range(widget)[0] if widget.value != control_range(widget)[0] else control_range(widget)[1]
    assert app.readout.value != before


def test_a_move_that_keeps_the_frame_leaves_the_figure_clean(app):
    """A blitted move must not leave the figure stale.

    In a kernel with ``%matplotlib widget`` each widget message ends with pyplot's
    post-execute hook, which repaints every stale figure in full. An unchanged
    ``set_ylim`` on each move made that happen on every move of four apps
    (44-53 ms a move on the class hub, measured); ``set_limits`` sets only changed limits.
    """
    app.figure.canvas.draw()
    moved = 0
    for name, widget in app.controls.items():
        span = control_range(widget)
        if span is None or widget.layout.display == "none":
            continue
        low, high = span
        step = (high - low) * 1e-3 if not isinstance(widget, widgets.IntSlider) else 1
        value = widget.value + step if widget.value + step <= high else widget.value - step
        app.update(**{name: value})
        fast = app.layers.fast_draws
        app.layers.repaint()
        if app.layers.fast_draws == fast + 1:  # the frame (limits, ticks) stayed put: blitted
            moved += 1
            assert not app.figure.stale, f"{name}: a blitted move left the figure stale (a full repaint follows)"
        else:
            app.figure.canvas.draw()
    assert moved >= 1, "no control moved without a full repaint"


def test_image_fallback_follows_updates(app):
    image = next(w for w in _descendants(app.widget) if isinstance(w, widgets.Image))
    first = image.value
    name, widget = next((k, w) for k, w in app.controls.items() if control_range(w) is not None)
    low, high = control_range(widget)
    app.update(**{name: high if widget.value != high else low})
    assert image.value != first


def test_export_csv_text_file_and_button(app, tmp_path, monkeypatch):
    text = app.export_csv()
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header == list(app.curves.keys())
    lengths = [np.asarray(v).size for v in app.curves.values()]
    assert len(rows) - 1 == max(lengths)
    # first column parses back to the plotted numbers
    first = np.array([float(r[0]) for r in rows[1:] if r[0] != ""])
    np.testing.assert_allclose(first, np.asarray(list(app.curves.values())[0], dtype=float), rtol=1e-15)
    path = tmp_path / "out.csv"
    assert app.export_csv(path) == text and path.read_text() == text
    # the button writes a new file each time, in the working directory, and says which
    monkeypatch.chdir(tmp_path)
    app._export_clicked()
    first = tmp_path / f"{app.name}_curves_001.csv"
    assert first.read_text() == text
    assert str(first) in app.status.value
    app._export_clicked()
    assert (tmp_path / f"{app.name}_curves_002.csv").read_text() == text and first.read_text() == text
    assert str(tmp_path / f"{app.name}_curves_002.csv") in app.status.value


def test_export_never_touches_an_existing_file(tmp_path, monkeypatch):
    """A student's own file named like an export, and every earlier export, stay byte for byte."""
    app = apps.flux_app()
    monkeypatch.chdir(tmp_path)
    own = {
        tmp_path / "flux_curves.csv": b"my lab data, do not lose\n",
        tmp_path / "flux_curves_001.csv": b"\x00binary\xff",
        tmp_path / "flux_curves_003.csv": b"3",
    }
    for path, data in own.items():
        path.write_bytes(data)
    stamps = {path: path.stat().st_mtime_ns for path in own}
    written = [app.save_csv() for _ in range(3)]
    assert [os.path.basename(p) for p in written] == [
        "flux_curves_002.csv",
        "flux_curves_004.csv",
        "flux_curves_005.csv",
    ]
    for path, data in own.items():
        assert path.read_bytes() == data and path.stat().st_mtime_ns == stamps[path]
    # an explicit path writes where it is told, but refuses to clobber unless told to
    target = tmp_path / "flux_curves.csv"
    with pytest.raises(FileExistsError):
        app.export_csv(target)
    assert target.read_bytes() == own[target]
    app.export_csv(target, overwrite=True)
    assert target.read_text() == app.export_csv()
    with pytest.raises(TypeError, match="path must be"):
        app.export_csv(3.5)
    with pytest.raises(FileNotFoundError, match="directory must be"):
        app.save_csv(tmp_path / "missing")
    app._export_clicked()  # the button: a new file, and the status line names it
    assert "flux_curves_006.csv" in app.status.value


def test_export_button_reports_a_folder_it_cannot_write(tmp_path, monkeypatch):
    app = apps.flux_app()
    folder = tmp_path / "gone"
    folder.mkdir()
    monkeypatch.chdir(folder)
    folder.rmdir()  # the working directory vanished: any write fails (also as root)
    app._export_clicked()
    assert "could not write a CSV file" in app.status.value


# --------------------------------------------------------------------------- lazy imports
def test_apps_package_and_kernel_free_chapters_do_not_load_numba():
    # the registry says which chapters load kernels; every other app must build without numba
    free = [c.app for c in chapters.app_chapters() if not c.uses_numba]
    kernel = next(c.app for c in chapters.app_chapters() if c.uses_numba)
    assert free, "no kernel-free chapter left to check"
    code = (
        "import sys\n"
        "import flowkit.apps\n"
        "assert 'numba' not in sys.modules and 'matplotlib' not in sys.modules, 'apps import is not lazy'\n"
        "from flowkit import apps\n"
        f"for name in {free!r}:\n"
        "    app = getattr(apps, name)()\n"
        "    name0, w = next(iter(app.controls.items()))\n"
        "    app.update(**{name0: w.value})\n"
        "    assert 'numba' not in sys.modules, f'{name}, a chapter without kernels, loaded numba'\n"
        f"getattr(apps, {kernel!r})()\n"
        "assert 'numba' in sys.modules  # sanity: the check above can fail\n"
    )
    env = dict(os.environ, MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_unknown_factory_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope_app'"):
        apps.nope_app  # noqa: B018


# --------------------------------------------------------------------------- style
def test_lecture_mode_changes_rcparams_and_default_restores():
    style.default()
    keys = ["font.size", "lines.linewidth", "axes.linewidth", "lines.markersize", "axes.prop_cycle"]
    before = {k: mpl.rcParams[k] for k in keys}
    try:
        assert style.lecture() == "lecture" and style.mode() == "lecture"
        assert mpl.rcParams["font.size"] > before["font.size"]
        assert mpl.rcParams["lines.linewidth"] > before["lines.linewidth"]
        lecture_colors = style.colors()
        assert lecture_colors != before["axes.prop_cycle"].by_key()["color"]
        assert "#F0E442" not in lecture_colors  # Okabe-Ito yellow is dropped on a projector
        assert set(lecture_colors) <= set(style.OKABE_ITO.values())
        assert style.lw(2.0) == 2.0 * mpl.rcParams["lines.linewidth"] == 6.0
        app = apps.flux_app()
        assert app.beam_line.get_linewidth() == mpl.rcParams["lines.linewidth"]
        assert app.beam_line.get_color() == lecture_colors[0]
    finally:
        style.default()
    assert {k: mpl.rcParams[k] for k in keys} == before and style.mode() == "default"


def test_style_context_is_temporary():
    style.default()
    size = mpl.rcParams["font.size"]
    with style.context("lecture"):
        assert mpl.rcParams["font.size"] > size and style.mode() == "lecture"
    assert mpl.rcParams["font.size"] == size and style.mode() == "default"
    with pytest.raises(ValueError, match="name must be one of"):
        style.rc("disco")


def test_sci_formatting():
    assert sci(6.241509e18) == "6.24\u00d710<sup>18</sup>"
    assert sci(9.996e-5) == "1.00\u00d710<sup>\u22124</sup>"  # rounding carries into the next decade
    assert sci(10.25) == "10.2" or sci(10.25) == "10.3"
    assert sci(0) == "0"


# --------------------------------------------------------------------------- chapter 1: flux
def test_flux_app_matches_physics_and_hand_values():
    from flowkit import flux

    app = apps.flux_app(current=1e-6, charge=1, area_mm2=1.0, beta=0.6, n0=1e6)
    # hand: 1 µA of protons is 1e-6 / 1.602176634e-19 = 6.2415e12 per s; over 1 mm^2 it is 6.2415e18 /(m^2 s)
    assert app.values["rate"] == pytest.approx(6.241509074e12, rel=1e-9)
    assert app.values["flux"] == pytest.approx(6.241509074e18, rel=1e-9)
    assert "6.24\u00d710<sup>18</sup>" in app.readout.value and "m⁻² s⁻¹" in app.readout.value
    # beta = 0.6: gamma = 1.25 exactly, so n = 1.25e6 and j_x = -gamma n0 beta c = -0.75e6 c
    assert app.values["gamma"] == pytest.approx(1.25, rel=1e-12)
    assert app.values["density"] == pytest.approx(1.25e6, rel=1e-12)
    assert app.values["jx"] == pytest.approx(-0.75e6 * LIGHT, rel=1e-12)
    assert app.values["rest_density"] == pytest.approx(1e6, rel=1e-12)

    area = app.beam_line.get_xdata()
    np.testing.assert_allclose(app.beam_line.get_ydata(), flux.beam_flux(1e-6, CHARGE, area * 1e-6), rtol=1e-12)
    beta = app.density_line.get_xdata()
    # flux.boost contract: an observer moving at u sees the cloud moving at -u
    moving = flux.number_four_flux(1e6, np.stack([-beta * LIGHT, 0 * beta, 0 * beta], axis=-1))
    # absolute units (m^-3): the n0 slider scales every component the figure shows
    np.testing.assert_allclose(app.density_line.get_ydata(), moving[:, 0] / LIGHT, rtol=1e-12)
    np.testing.assert_allclose(app.flux_line.get_ydata(), moving[:, 1] / LIGHT, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(app.rest_line.get_ydata(), 1e6, rtol=1e-12)
    lo, hi = app.ax_four.get_ylim()  # gamma(0.99) n0 = 7.09e6 fits under the next rung, 1e7
    assert (lo, hi) == (-1e7, 1e7)
    density = app.density_line.get_ydata().copy()
    app.update(n0=2e6)
    np.testing.assert_allclose(app.density_line.get_ydata(), 2 * density, rtol=1e-12)
    assert app.ax_four.get_ylim() == (-1.5e7, 1.5e7)  # 2 x 7.09e6 = 1.42e7 -> 1.5e7
    app.update(n0=1e6)

    before = app.beam_line.get_ydata().copy()
    app.update(charge=2)  # alphas: half the particles for the same current
    np.testing.assert_allclose(app.beam_line.get_ydata(), before / 2, rtol=1e-12)
    marker_before = app.density_marker.get_ydata()[0]
    app.update(beta=0.8)  # gamma = 5/3
    assert app.density_marker.get_ydata()[0] == pytest.approx(5.0 / 3.0 * 1e6, rel=1e-12) != marker_before


# --------------------------------------------------------------------------- chapter 2: fick
def test_fick_couple_profile_and_arrow_follow_the_gradient():
    from flowkit import fick

    app = apps.fick_app(T=1100.0, Q_kJ=160.0, D0=3e-5, time_h=2.0, c_left=120.0, c_right=20.0)
    D = fick.arrhenius(3e-5, 160e3, 1100.0)
    x = app.profile_line.get_xdata() * 1e-6
    np.testing.assert_allclose(
        app.profile_line.get_ydata(), fick.interdiffusion_profile(x, 7200.0, D, 120e3, 20e3) / 1e3, rtol=1e-12
    )
    J0 = fick.interface_flux(7200.0, D, 120e3, 20e3)
    assert app.values["D"] == pytest.approx(D, rel=1e-12, abs=0)  # D ~ 7e-13 m^2/s: abs=0, else approx accepts 0
    assert app.values["interface_flux"] == pytest.approx(J0, rel=1e-12, abs=0) and J0 > 0
    assert sci(J0) in app.readout.value
    # high concentration on the left: the flux arrow points right (down the gradient)
    assert app.arrow.xy[0] > app.arrow.xyann[0]
    assert "down the gradient" in app.arrow_label.get_text()
    app.update(c_left=10.0, c_right=140.0)
    assert app.values["interface_flux"] < 0 and app.arrow.xy[0] < app.arrow.xyann[0]
    app.update(c_left=50.0, c_right=50.0)
    assert app.values["interface_flux"] == 0 and not app.arrow.get_visible()

    arr_before = app.arr_line.get_ydata().copy()
    app.update(T=1300.0)
    np.testing.assert_array_equal(app.arr_line.get_ydata(), arr_before)  # the Arrhenius line depends on D0, Q only
    assert app.arr_marker.get_ydata()[0] == pytest.approx(fick.arrhenius(3e-5, 160e3, 1300.0), rel=1e-12, abs=0)
    app.update(Q_kJ=200.0)
    np.testing.assert_allclose(
        app.arr_line.get_ydata(), fick.arrhenius(3e-5, 200e3, 1000.0 / app.arr_line.get_xdata()), rtol=1e-12
    )


def test_fick_ink_1d_matches_one_solver_call_and_gaussian():
    from flowkit import diffusion

    app = apps.fick_app(panel="ink 1D", D_ink=2e-9, t_ink=300.0)
    steps, dt = app.ink_steps(2e-9, 300.0, 1)
    assert steps * dt == pytest.approx(300.0, rel=0.01)
    direct = diffusion.ftcs(app.ink_start_1d(), 2e-9, app.dx1, dt, steps, bc="noflux")
    np.testing.assert_allclose(app.ink_num.get_ydata(), direct, rtol=1e-10, atol=1e-12 * direct.max())
    x = app.ink_x()
    np.testing.assert_allclose(app.ink_exact.get_ydata(), diffusion.gaussian(x, steps * dt, 2e-9, N=1.0), rtol=1e-12)
    # moving back in time reuses a checkpoint and still equals a fresh solve
    app.update(t_ink=50.0)
    steps, dt = app.ink_steps(2e-9, 50.0, 1)
    direct = diffusion.ftcs(app.ink_start_1d(), 2e-9, app.dx1, dt, steps, bc="noflux")
    np.testing.assert_allclose(app.ink_num.get_ydata(), direct, rtol=1e-10, atol=1e-12 * direct.max())
    assert app.values["ink_peak"] == pytest.approx(direct.max(), rel=1e-10)
    assert app.controls["t_ink"].continuous_update


def test_fick_ink_2d_matches_one_solver_call():
    from flowkit import diffusion

    app = apps.fick_app(panel="ink 2D", D_ink=1e-9, t_ink=200.0)
    assert app.ax_ink2.get_visible() and not app.ax_ink1.get_visible()
    steps, dt = app.ink_steps(1e-9, 200.0, 2)
    direct = diffusion.diffuse_2d(app.ink_start_2d(), 1e-9, app.dx2, dt, steps, bc="noflux")
    mid = app._n2 // 2
    np.testing.assert_allclose(app.curves["ink_c_midline_per_m2"], direct[mid], rtol=1e-10, atol=1e-12 * direct.max())
    np.testing.assert_allclose(app.ink_image.get_array(), direct / direct.max(), rtol=1e-10, atol=1e-12)
    # 2D is expensive: its sliders wait for release
    assert not app.controls["t_ink"].continuous_update and not app.controls["D_ink"].continuous_update
    before = np.array(app.ink_image.get_array())
    app.update(t_ink=600.0)
    assert not np.allclose(app.ink_image.get_array(), before)


# --------------------------------------------------------------------------- chapter 3: walk
def test_walk_app_matches_lattice_gas_gaussian_and_msd():
    from flowkit import diffusion, randomwalk

    app = apps.walk_app(seed=7, p=0.6, n_walkers=1e6, steps=80)
    counts, crossings = randomwalk.lattice_gas(app.start_counts(10**6), 80, 0.6, seed=7, gate=app.max_steps)
    np.testing.assert_array_equal(app.hist.get_data().values, counts / 1e6)
    x = app.gauss_line.get_xdata()
    np.testing.assert_allclose(
        app.gauss_line.get_ydata(), diffusion.gaussian(x.astype(float), 80.0, 0.3, N=1.0), rtol=1e-12
    )
    tracked = randomwalk.msd(app.max_tracked, app.max_steps, 0.6, seed=7)
    np.testing.assert_allclose(app.msd_line.get_ydata(), tracked[:81], rtol=1e-12)
    np.testing.assert_allclose(app.theory_line.get_ydata(), 0.6 * np.arange(app.max_steps + 1), rtol=1e-12)
    assert app.values["net_crossings_total"] == crossings.sum()
    assert f"since the start {int(crossings.sum()):,}" in app.readout.value
    # the gate's expectation and spread come from the counts before the last step (79 steps)
    before = randomwalk.lattice_gas(app.start_counts(10**6), 79, 0.6, seed=7)
    n0, n1 = before[app.max_steps], before[app.max_steps + 1]
    assert app.values["gate_flux_expected"] == pytest.approx(0.3 * (n0 - n1), rel=1e-12)
    assert app.values["gate_flux_sd"] == pytest.approx(np.sqrt(0.3 * 0.7 * (n0 + n1)), rel=1e-12)
    assert app.values["gate_N_for_5_percent"] == pytest.approx(
        1e6 * (app.values["gate_flux_sd"] / (0.05 * abs(app.values["gate_flux_expected"]))) ** 2, rel=1e-12
    )
    assert "Fick from the counts before it" in app.readout.value and "(1σ)" in app.readout.value
    # a million particles follow the Gaussian: the histogram's second moment is within a few
    # standard errors of p t = 48 (SE of a mean of x^2: sqrt(2) * 48 / sqrt(1e6) = 0.07; allow 5 SE)
    assert app.values["msd_histogram"] == pytest.approx(48.0, abs=5 * 0.068)


def test_walk_play_drives_steps_and_reseed_changes_history():
    app = apps.walk_app(seed=3, steps=20)
    first = app.hist.get_data().values.copy()
    app.play.value = 60  # what the play button does each tick
    assert app.params["steps"] == 60
    assert not np.array_equal(app.hist.get_data().values, first)
    # the history is one run: 60 steps is the continuation of the 20-step picture with the same seed
    again = apps.walk_app(seed=3, steps=60)
    np.testing.assert_array_equal(again.hist.get_data().values, app.hist.get_data().values)
    seed = app.seed
    before = app.hist.get_data().values.copy()
    assert app.reseed(seed + 1) == seed + 1
    assert not np.array_equal(app.hist.get_data().values, before)
    # small N: ten particles are still whole particles on the histogram
    app.update(n_walkers=10)
    assert np.all(np.isclose((app.hist.get_data().values * 10) % 1, 0))


def test_walk_seed_none_draws_a_fresh_seed_and_bad_seeds_are_named():
    a, b = apps.walk_app(seed=None, steps=5), apps.walk_app(seed=None, steps=5)
    assert isinstance(a.seed, int) and a.seed >= 0 and a.seed != b.seed  # 2**31 choices: equal by chance ~5e-10
    same = apps.walk_app(seed=a.seed, steps=5)  # the seed in use reproduces the picture
    np.testing.assert_array_equal(same.hist.get_data().values, a.hist.get_data().values)
    for bad in (1.7, 2.0, True, "3", -1, [1]):
        with pytest.raises(ValueError, match=r"seed must be a non-negative int or None \(a fresh one\); got"):
            apps.walk_app(seed=bad)
    with pytest.raises(ValueError, match="seed must be"):
        a.reseed(0.5)
    assert isinstance(a.reseed(None), int)


@pytest.mark.parametrize("bad", [True, False, np.bool_(True), "0.5", None, 1 + 0j, [0.5]])
def test_update_refuses_what_is_not_a_real_number(bad):
    app = apps.walk_app(steps=5)
    before = app.params
    with pytest.raises(TypeError, match=r"p must be a number in \[0.05, 1\]; got"):
        app.update(steps=9, p=bad)
    assert app.params == before  # nothing was taken, not even the valid steps=9


def test_update_refuses_nan_and_options_that_are_not_listed():
    app = apps.fick_app()
    with pytest.raises(ValueError, match="T must be a finite number"):
        app.update(T=float("nan"))
    with pytest.raises(ValueError, match=r"panel must be one of \['Arrhenius', 'ink 1D', 'ink 2D'\]; got 'ink 3D'"):
        app.update(panel="ink 3D")


# --------------------------------------------------------------------------- chapter 4: entropy
def test_entropy_app_reservoirs_match_physics():
    from flowkit import thermo

    app = apps.entropy_app(split=0.7, V_ratio=2.0, conductance=1e39, t_window=3.0)
    V1, V2 = 2e-3 * 2 / 3, 2e-3 / 3
    t = np.linspace(0, 3.0, app._n_times)
    r = thermo.two_reservoirs(0.7e20, 0.3e20, V1, V2, 300.0, 1e39, t)
    np.testing.assert_allclose(app.N1_line.get_ydata(), r.N1, rtol=1e-12)
    np.testing.assert_allclose(app.N2_line.get_ydata(), r.N2, rtol=1e-12)
    np.testing.assert_allclose(app.mu1_line.get_ydata(), r.mu1 / EV, rtol=1e-12)
    # The entropy panel shows (S - S(0)) / (S_eq - S(0)). The most a split can gain, by hand
    # (closed form of chapter 4, worked problem 2), with V1 = 4/3 L, V2 = 2/3 L, n_f = N / 2 L:
    # n1/n_f = 0.7 / (2/3) = 1.05, n2/n_f = 0.3 / (1/3) = 0.9, so
    # dS_max / k_B = 1e20 (0.7 ln 1.05 + 0.3 ln 0.9) = 1e20 (0.0341530 - 0.0316082) = 2.5448e17.
    assert app.values["delta_S_max_kB"] == pytest.approx(1e20 * (0.7 * np.log(1.05) + 0.3 * np.log(0.9)), rel=1e-9)
    assert app.values["delta_S_max_kB"] == pytest.approx(2.5448e17, rel=1e-4)
    np.testing.assert_allclose(
        app.S_line.get_ydata() * app.values["delta_S_max_kB"] * 1.380649e-23,
        r.S - r.S[0],
        rtol=1e-9,
        atol=1e-12 * abs(r.S[0]),
    )
    share = app.S_line.get_ydata()
    assert share[0] == 0.0 and np.all(np.diff(share) >= -1e-9) and share.max() <= 1.0 + 1e-9
    assert app.values["N1_end"] == pytest.approx(r.N1[-1], rel=1e-12)


def test_entropy_reservoir_sliders_follow_the_pointer_and_resolve_each_move():
    from flowkit import thermo

    app = apps.entropy_app(split=0.7, V_ratio=2.0, conductance=1e39, t_window=3.0)
    for name in ("split", "V_ratio", "conductance", "t_window", "L11", "L12", "L21", "L22"):
        assert app.controls[name].continuous_update, name
    # no cache: moving back and forth gives a fresh solve for the current settings each time
    app.update(split=0.3)
    app.update(split=0.7, t_window=50.0)
    t = np.linspace(0, 50.0, app._n_times)
    r = thermo.two_reservoirs(0.7e20, 0.3e20, 2e-3 * 2 / 3, 2e-3 / 3, 300.0, 1e39, t)
    np.testing.assert_allclose(app.N1_line.get_ydata(), r.N1, rtol=1e-12)
    # 50 s is many relaxation times (tau = N f*(1-f*)/(G k T) = 1e20 (2/9) / (1e39 * 4.14e-21) = 5.4 s):
    # the end state N1 = N V1/V = 2/3 * 1e20 to 1e-3 relative
    assert app.values["N1_end"] == pytest.approx(2e20 / 3, rel=1e-3)
    # the mu axis encloses both curves
    lo, hi = app.ax_mu.get_ylim()
    assert lo < min(app.curves["mu1_eV"].min(), app.curves["mu2_eV"].min()) and hi > max(
        app.curves["mu1_eV"].max(), app.curves["mu2_eV"].max()
    )


def test_entropy_frame_stays_put_while_split_is_dragged():
    """No axis limit follows ``split``, so every move reuses the cached frame (no full repaint)."""
    app = apps.entropy_app()
    app.layers.repaint()
    full = app.layers.full_draws
    mu_lims, s_lims = app.ax_mu.get_ylim(), app.ax_S.get_ylim()
    for split in np.arange(0.95, 0.0499, -0.05):
        app.update(split=float(round(split, 2)))
        app.layers.repaint()
        lo, hi = app.ax_mu.get_ylim()
        assert lo < min(app.curves["mu1_eV"].min(), app.curves["mu2_eV"].min()) and hi > max(
            app.curves["mu1_eV"].max(), app.curves["mu2_eV"].max()
        )
        assert -0.05 < app.S_line.get_ydata().min() and app.S_line.get_ydata().max() < 1.1
    assert app.layers.full_draws == full
    assert (app.ax_mu.get_ylim(), app.ax_S.get_ylim()) == (mu_lims, s_lims)
    # The mu range over the slider: box densities from 0.05 to 0.95 of N per litre (V1 = V2),
    # so its width is k_B T ln(0.95 / 0.05) = 0.025852 eV * ln 19 = 0.07612 eV at 300 K.
    lo, hi = app.mu_range_eV(1.0)
    assert hi - lo == pytest.approx(1.380649e-23 * 300.0 * np.log(19.0) / 1.602176634e-19, rel=1e-12)
    assert hi - lo == pytest.approx(0.07612, rel=1e-3)


def test_entropy_panel_at_equal_densities_is_flat_and_says_so():
    # V1/V2 = 4 with 80 % of the atoms in box 1: equal densities from the start, nothing to gain
    app = apps.entropy_app(split=0.8, V_ratio=4.0)
    assert np.all(app.S_line.get_ydata() == 0.0)
    assert "no entropy to gain" in app.S_note.get_text()
    app.update(split=0.5)
    assert "S_\\mathrm{max}" in app.S_note.get_text() and app.S_line.get_ydata()[-1] > 0


def test_entropy_mu_limits_snap_to_a_ladder():
    from flowkit.apps.entropy import _snapped_limits

    # span 0.08 eV: step = next of 1-2-5 above 0.08/4 = 0.02; pad 0.03 * 0.08 = 0.0024
    # -> floor(-0.5024/0.02) = -26 and ceil(-0.4176/0.02) = -20: limits -0.52 and -0.40
    lo, hi = _snapped_limits(-0.5, -0.42)
    assert lo == pytest.approx(-0.52) and hi == pytest.approx(-0.40)
    # a slightly different range lands on the same limits (no new frame to draw)
    assert _snapped_limits(-0.499, -0.421) == (lo, hi)
    # equal potentials: a 1 meV minimum span keeps the axis open
    lo, hi = _snapped_limits(-0.3, -0.3)
    assert lo < -0.3 < hi and hi - lo <= 0.002 + 1e-12


def test_entropy_app_warns_on_unphysical_onsager_matrix():
    from flowkit import thermo

    app = apps.entropy_app(view="Onsager", L11=1.0, L12=0.3, L21=0.3, L22=0.5)
    assert "flowkit-warning" not in app.readout.value
    theta = np.radians(app.sigma_line.get_xdata())
    X = np.stack([np.cos(theta), np.sin(theta)], axis=-1)
    L = np.array([[1.0, 0.3], [0.3, 0.5]])
    np.testing.assert_allclose(app.sigma_line.get_ydata(), thermo.entropy_production(L, X, 1.0), rtol=1e-12)
    # hand: sigma T at theta = 0 is L11 = 1, at 90 degrees L22 = 0.5
    assert app.sigma_line.get_ydata()[0] == pytest.approx(1.0) and app.sigma_line.get_ydata()[90] == pytest.approx(0.5)
    assert np.all(np.isnan(app.sigma_neg.get_ydata()))

    app.update(L12=1.2, L21=0.2)
    assert "flowkit-warning" in app.readout.value and "reciprocity" in app.readout.value
    assert "L_12 = 1.2 but L_21 = 0.2" in app.readout.value and "np.float64" not in app.readout.value
    # a browser slider stepping by 0.05 from -1.5 can send -1.5 + 54 * 0.05 = 1.2000000000000002
    app.update(L12=-1.5 + 54 * 0.05)
    assert "L_12 = 1.2 but" in app.readout.value
    app.update(L12=1.2, L21=1.2)  # det = 0.5 - 1.44 < 0: some direction destroys entropy
    assert "flowkit-warning" in app.readout.value and "second law" in app.readout.value
    assert np.nanmin(app.sigma_neg.get_ydata()) < 0
    with pytest.raises(ValueError, match="second law"):
        thermo.validate_onsager([[1.0, 1.2], [1.2, 0.5]])


# --------------------------------------------------------------------------- chapter 5: analogies
def test_analogies_app_couette_and_ink_match_physics():
    from flowkit import analogies, diffusion

    app = apps.analogies_app(nu=2e-6, D=2e-6, t=5.0)
    y = app.grid()
    np.testing.assert_allclose(
        app.u_exact.get_ydata(), analogies.couette_startup(y, 5.0, 1.0, 2e-6, h=app.gap), rtol=1e-12
    )
    _, u = analogies.couette_startup_numerical(5.0, 1.0, 2e-6, h=app.gap, cells=app.cells, steps=app.cn_steps)
    np.testing.assert_allclose(app.u_num.get_ydata(), u, rtol=1e-12)
    c, steps, dt = app.ink_numerical(2e-6, 5.0)
    assert steps * dt == pytest.approx(5.0, rel=1e-12)
    assert dt <= diffusion.stable_dt(2e-6, y[1] - y[0])
    np.testing.assert_allclose(app.c_num.get_ydata(), c, rtol=1e-12)
    # nu = D: the two panels show the same curve, and both solvers agree with it to 2 %
    np.testing.assert_allclose(app.c_exact.get_ydata(), app.u_exact.get_ydata(), rtol=1e-12)
    np.testing.assert_allclose(app.c_num.get_ydata(), app.c_exact.get_ydata(), atol=0.02)
    np.testing.assert_allclose(app.u_num.get_ydata(), app.u_exact.get_ydata(), atol=0.02)
    before = app.c_num.get_ydata().copy()
    app.update(D=8e-6)
    assert not np.allclose(app.c_num.get_ydata(), before)
    np.testing.assert_allclose(
        app.u_exact.get_ydata(), analogies.couette_startup(y, 5.0, 1.0, 2e-6, h=app.gap), rtol=1e-12
    )  # nu did not move


def test_analogies_app_defaults_show_a_real_solute_in_water():
    """Water (nu = 1e-6 m^2/s) against a small molecule in water (D = 1e-9): Sc = 1000, and at
    t = 10 s momentum has crossed a third of the 10 mm gap while the dye has moved ~0.1 mm."""
    from flowkit import analogies

    app = apps.analogies_app()
    assert app.params["nu"] == pytest.approx(1e-6) and app.params["D"] == pytest.approx(1e-9)
    assert app.values["schmidt"] == pytest.approx(1000.0, rel=1e-9) and "Schmidt number" in app.readout.value
    low, high = control_range(app.controls["D"])
    assert low <= 1e-9 <= high and high >= 1e-6  # both a solute and a gas-like D are in reach
    # hand: mid-gap (y = 5 mm) the dye's closed form is erfc(y / (2 sqrt(D t))) summed over images,
    # erfc(5e-3 / 2e-4) = erfc(25) ~ 1e-273: zero; momentum's is erfc(5e-3 / (2 sqrt(1e-5))) = erfc(0.79) = 0.26
    y = app.grid()
    c = analogies.couette_startup(y, 10.0, 1.0, 1e-9, h=app.gap)
    u = analogies.couette_startup(y, 10.0, 1.0, 1e-6, h=app.gap)
    assert c[25] < 1e-12 and u[25] == pytest.approx(0.26, abs=0.02)
    np.testing.assert_allclose(app.curves["c_over_c0_exact"], c, rtol=1e-12, atol=1e-300)
    assert not np.allclose(app.curves["c_over_c0_exact"], app.curves["u_over_U_exact"], atol=0.05)


def test_analogies_app_effusion_crossover():
    from flowkit import analogies, flux

    app = apps.analogies_app(view="Fermi effusion", n=8.5e28, T=300.0)
    T = app.cold_line.get_xdata()
    j = analogies.effusion_flux_fd(8.5e28, m_e, T)
    np.testing.assert_allclose(app.cold_line.get_ydata(), j / analogies.fermi_effusion_flux(8.5e28, m_e), rtol=1e-12)
    np.testing.assert_allclose(
        app.hot_line.get_ydata(), j / flux.effusion_flux(8.5e28, flux.mean_speed(m_e, T)), rtol=1e-12
    )
    # copper at room temperature is deeply degenerate (T_F ~ 8e4 K): flux is the cold value to < 1e-3
    assert app.values["ratio_to_cold"] == pytest.approx(1.0, abs=1e-3)
    assert app.cold_marker.get_ydata()[0] == pytest.approx(app.values["ratio_to_cold"], rel=1e-12)
    app.update(T=1e7)  # T >> T_F: Maxwell, to about 1 % (first correction ~ (T_F/T)^(3/2) ~ 2e-3)
    assert app.values["ratio_to_maxwell"] == pytest.approx(1.0, abs=0.01)
    assert app.hot_marker.get_xdata()[0] == 1e7


# --------------------------------------------------------------------------- chapter 6: applications
def test_applications_app_solar_wind_hand_values():
    from flowkit import applications

    app = apps.applications_app(n_cm3=5.0, v_kms=400.0)
    # hand: p = 5e6 * 1.67262e-27 kg * (4e5 m/s)^2 = 1.338e-9 Pa = 1.34 nPa;
    # r/R_E = ((2 * 3.12e-5)^2 / (2 mu0 p))^(1/6) = (3.894e-9 / 3.363e-15)^(1/6) = 10.25
    assert app.values["pressure_nPa"] == pytest.approx(1.338, rel=1e-3)
    assert app.values["standoff_RE"] == pytest.approx(10.25, rel=2e-3)
    assert "1.34&nbsp;nPa" in app.readout.value and "R_E" in app.readout.value
    n = app.sw_line.get_xdata()
    np.testing.assert_allclose(app.sw_line.get_ydata(), applications.magnetopause_standoff(n * 1e6, 4e5), rtol=1e-12)
    # geostationary orbit is marked at 42 164 km / 6 371 km = 6.618 R_E, labelled in the legend
    geo = [line for line in app.ax_sw.lines if "geostationary" in line.get_label()]
    assert len(geo) == 1 and geo[0].get_ydata()[0] == pytest.approx(6.618, abs=1e-3)
    assert "inside geostationary" not in app.readout.value and app.values["inside_geostationary"] == 0.0
    # a storm: n = 100 cm^-3 at 1000 km/s gives p = 1e8 * 1.6726e-27 * 1e12 = 167 nPa, about 125 times
    # the quiet pressure, so r = 10.25 / 125^(1/6) = 10.25 / 2.237 = 4.58 R_E: inside the orbit
    app.update(n_cm3=100.0, v_kms=1000.0)
    assert app.values["standoff_RE"] == pytest.approx(10.25 / (1e8 * 1e12 / (5e6 * 1.6e11)) ** (1 / 6), rel=3e-3)
    assert app.values["inside_geostationary"] == 1.0 and "inside geostationary orbit" in app.readout.value
    app.update(n_cm3=5.0, v_kms=400.0)
    before = app.sw_line.get_ydata().copy()
    app.update(v_kms=800.0)  # r ~ v^(-1/3): doubling v shrinks every point by 2^(-1/3)
    np.testing.assert_allclose(app.sw_line.get_ydata(), before * 2 ** (-1 / 3), rtol=1e-12)


def test_applications_app_coffee_ring_and_nodal_flow():
    from flowkit import applications

    app = apps.applications_app(view="coffee ring", t_frac=0.5)
    assert app.ax_vel.get_ylabel() and app.ax_dep.get_ylabel()  # both coffee-ring panels say what they plot
    # hand: [1 - 0.5^(3/4)]^(4/3) = (1 - 0.59460)^(4/3) = 0.40540^(4/3) = 0.2999
    assert app.values["deposit_fraction"] == pytest.approx(0.2999, abs=2e-4)
    t = app.dep_line.get_xdata()
    np.testing.assert_allclose(app.dep_line.get_ydata(), applications.coffee_ring_deposit(t, 1.0), rtol=1e-12)
    r = app.flux_line.get_xdata()
    np.testing.assert_allclose(app.flux_line.get_ydata(), applications.coffee_ring_flux(r, 1.0), rtol=1e-12)
    before = app.vel_line.get_ydata().copy()
    app.update(t_frac=0.9)  # v ~ 1/(t_f - t): from 0.5 to 0.1 left, five times faster everywhere
    np.testing.assert_allclose(app.vel_line.get_ydata(), 5 * before, rtol=1e-12)
    assert app.dep_marker.get_xdata()[0] == 0.9

    app.update(view="nodal flow", U_um_s=10.0, L_um=50.0, D=1e-10)
    # hand: Pe = 1e-5 * 5e-5 / 1e-10 = 5
    assert app.values["peclet"] == pytest.approx(5.0, rel=1e-12)
    assert "flow wins" in app.readout.value
    app.update(D=1e-9, U_um_s=1.0, L_um=10.0)  # Pe = 1e-6 * 1e-5 / 1e-9 = 0.01
    assert app.values["peclet"] == pytest.approx(0.01, rel=1e-12) and "diffusion wins" in app.readout.value
    D = app.pe_line.get_xdata()
    np.testing.assert_allclose(app.pe_line.get_ydata(), applications.nodal_peclet(1e-6, 1e-5, D), rtol=1e-12)


def test_applications_app_nodal_profile_matches_physics():
    from flowkit import applications

    app = apps.applications_app(view="nodal flow", U_um_s=10.0, L_um=50.0, D=1e-10)
    assert app.ax_pe.get_visible() and app.ax_prof.get_visible() and not app.ax_sw.get_visible()
    # the plotted profile is nodal_profile at x = (x/L) * L for these U, L, D
    xL = app.prof_line.get_xdata()
    assert xL[0] == 0.0 and xL[-1] == 1.0
    expected = applications.nodal_profile(xL * 50e-6, 10e-6, 50e-6, 1e-10)
    np.testing.assert_allclose(app.prof_line.get_ydata(), expected, rtol=1e-12)
    # hand, Pe = 5: c(0)/<c> = 5 / (1 - e^-5) = 5 / 0.993262 = 5.03392; c(L)/<c> = 5.03392 e^-5 = 0.033918
    assert app.prof_line.get_ydata()[0] == pytest.approx(5.03392, rel=1e-5)
    assert app.prof_line.get_ydata()[-1] == pytest.approx(0.033918, rel=1e-4)
    # left/right ratio e^5 = 148.41 (readout, 3 figures) and its log10 = 5 / ln 10 = 2.171472
    assert app.values["log10_left_right_ratio"] == pytest.approx(2.171472, rel=1e-6)
    assert "= 148 (" in app.readout.value and "Pe</b> = 5.00" in app.readout.value
    # the frame fits the profile: the top of the log axis (10, 1e4 or 1e7) is the first above 1.5 c(0) = 7.55
    assert app.ax_prof.get_ylim()[1] == pytest.approx(10.0)

    before = app.prof_line.get_ydata().copy()
    line = app.prof_line
    app.update(D=1e-9, U_um_s=1.0, L_um=10.0)  # Pe = 0.01: almost flat, c = 1 + Pe (1/2 - x/L) to O(Pe^2)
    assert app.prof_line is line  # updated in place, not re-plotted
    assert not np.allclose(app.prof_line.get_ydata(), before)
    np.testing.assert_allclose(app.prof_line.get_ydata(), 1 + 0.01 * (0.5 - xL), atol=2e-5)  # Pe^2/12 ~ 1e-5
    # e^0.01 = 1.01005: three figures
    assert "= 1.01 (" in app.readout.value

    app.update(D=1e-14, U_um_s=50.0, L_um=200.0)  # Pe = 5e-5 * 2e-4 / 1e-14 = 1e6: e^Pe overflows a float
    # hand: log10(e^1e6) = 1e6 / ln 10 = 434294.48; 10^0.48190 = 3.0332
    assert app.values["log10_left_right_ratio"] == pytest.approx(434294.4819, rel=1e-9)
    assert "3.03\u00d710<sup>434294</sup>" in app.readout.value
    np.testing.assert_allclose(
        app.prof_line.get_ydata(), applications.nodal_profile(xL * 2e-4, 5e-5, 2e-4, 1e-14), rtol=1e-12
    )
    assert app.prof_line.get_ydata()[0] == pytest.approx(1e6, rel=1e-12)  # Pe / (1 - e^-Pe) = Pe
    assert app.ax_prof.get_ylim()[1] == pytest.approx(1e7)  # 1.5 c(0) = 1.5e6
    app.update(D=1e-11, U_um_s=10.0, L_um=50.0)  # Pe = 50: 1.5 c(0) = 75, first rung above is 1e4
    assert app.ax_prof.get_ylim()[1] == pytest.approx(1e4)
    curves = app.curves
    np.testing.assert_array_equal(curves["x_over_L"], xL)
    np.testing.assert_array_equal(curves["concentration_over_mean"], app.prof_line.get_ydata())


# --------------------------------------------------------------------------- the cached static layer
def test_fast_redraw_matches_a_full_draw(app):
    """After a slider move, the blitted canvas (static layer pasted + moving artists) looks like a
    complete draw: at most 0.5 % of pixels differ (a line may cover a spine by a pixel)."""
    app.layers.repaint()
    name, widget = next((k, w) for k, w in app.controls.items() if control_range(w) is not None)
    low, high = control_range(widget)
    app.update(**{name: low + 0.37 * (high - low)})
    app.layers.repaint()
    fast_before = app.layers.fast_draws
    app.update(**{name: low + 0.41 * (high - low)})
    app.layers.repaint()
    fast = np.asarray(app.figure.canvas.buffer_rgba()).copy()
    buf = io.BytesIO()
    app.figure.savefig(buf, format="rgba", dpi=app.figure.dpi)  # savefig: always the ordinary full draw
    full = np.frombuffer(buf.getvalue(), np.uint8).reshape(fast.shape)
    differ = np.abs(fast.astype(int) - full.astype(int)).max(axis=-1) > 40
    assert differ.mean() < 0.005
    assert app.layers.full_draws >= 1 and app.layers.fast_draws >= fast_before
    # and a plain canvas.draw() (a resize, a zoom) shows the whole figure too
    app.figure.canvas.draw()
    again = np.asarray(app.figure.canvas.buffer_rgba())
    assert (np.abs(again.astype(int) - full.astype(int)).max(axis=-1) > 40).mean() < 0.005


def test_static_layer_uses_public_blitting_and_redraws_only_when_the_frame_changes():
    app = apps.flux_app()
    # public API only: the moving artists are animated, the static layer is kept on draw_event
    assert all(line.get_animated() for ax in app.figure.axes for line in ax.lines)
    assert not any(ax.get_animated() for ax in app.figure.axes)
    app.layers.repaint()
    full = app.layers.full_draws
    assert full == 1 and app.layers.background is not None
    for beta in (0.1, 0.2, 0.3):
        app.update(beta=beta)
        assert not app.figure.stale  # moving only animated artists does not ask for a full draw
        app.layers.repaint()
    assert app.layers.full_draws == full and app.layers.fast_draws >= 3
    app.ax_four.set_ylim(-9, 9)  # a new frame: ticks change, the static layer is redrawn
    app.layers.repaint()
    assert app.layers.full_draws == full + 1
    app.layers.invalidate()
    app.layers.repaint()
    assert app.layers.full_draws == full + 2
    # savefig draws everything itself and leaves the kept layer to be rebuilt
    app.figure.savefig(io.BytesIO(), format="png")
    app.layers.repaint()
    assert app.layers.full_draws == full + 3


def test_static_layer_image_fallback_blits_after_the_first_frame():
    app = apps.walk_app(steps=20)
    image = next(w for w in _descendants(app.widget) if isinstance(w, widgets.Image))
    full = app.layers.full_draws
    # the limits stay on their ladder for these: x to +-15 (4 sqrt(p t) = 12.6-13.6), y to 0.2
    # (1.1 x the peak 1/sqrt(pi t) = 0.196 at t = 20, less later)
    for steps in (21, 22, 23):
        app.update(steps=steps)
    assert app.layers.full_draws == full and app.layers.fast_draws >= 3
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_nice_upper_ladder():
    from flowkit.apps._base import nice_upper

    assert nice_upper(0.047) == pytest.approx(0.05)
    assert nice_upper(1.0) == 1.0 and nice_upper(1.01) == 1.5 and nice_upper(7.2) == 10.0
    assert nice_upper(0.0) == 1.0


def test_kernels_run_on_one_thread_during_a_redraw_and_threads_are_restored():
    numba = pytest.importorskip("numba")
    before = numba.get_num_threads()
    app = apps.walk_app(steps=10)
    seen = []
    original = app._redraw
    app._redraw = lambda p: seen.append(numba.get_num_threads()) or original(p)
    app.update(steps=12)
    assert seen == [1] and numba.get_num_threads() == before


def test_static_layer_can_be_switched_off():
    app = apps.flux_app()
    app.layers.enabled = False
    app.update(beta=0.2)
    app.layers.repaint()
    app.update(beta=0.3)
    app.layers.repaint()
    assert app.layers.fast_draws == 0 and app.layers.full_draws == 2 and app.ax_four.axison


def test_static_layer_redraws_an_axes_that_was_switched_off():
    app = apps.applications_app(view="coffee ring")
    app.layers.repaint()
    full = app.layers.full_draws
    app.ax_vel.set_axis_off()
    app.update(t_frac=0.3)
    app.layers.repaint()
    assert app.layers.full_draws == full + 1  # the frame changed: not pasted from the old layer
    app.update(t_frac=0.4)
    app.layers.repaint()
    assert app.layers.full_draws == full + 1 and not app.ax_vel.axison and app.ax_dep.axison


# ipympl's own Toolbar construction warns under current traitlets; not ours to fix.
@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_ipympl_canvas_knows_its_size_before_it_is_displayed():
    """Embedded in a box, an ipympl canvas must carry its pixel size from the start.

    Otherwise the browser can size its views from a stale (0, 0) and the figure
    never shows (see ``ipympl_private_state``). The expected size is the one the
    kernel itself sends once the browser says "initialized": the figure bbox in
    CSS pixels.
    """
    backend = mpl.get_backend()  # before importing ipympl's backend module, which selects itself
    from ipympl.backend_nbagg import Canvas

    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        app = apps.flux_app()
        canvas = app.figure.canvas
        assert isinstance(canvas, Canvas)
        _, _, width, height = app.figure.bbox.bounds
        assert tuple(canvas._size) == pytest.approx(
            (width / canvas.device_pixel_ratio, height / canvas.device_pixel_ratio), rel=1e-12
        )
        assert canvas._size[0] > 100 and canvas._size[1] > 100
    finally:
        plt.switch_backend(backend)
        assert mpl.get_backend() == backend  # later tests build their apps under Agg again


@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_ipympl_private_state_is_set_in_one_place_and_fails_loudly():
    """The private ipympl traits flowkit sets exist in the installed ipympl; if one is renamed,
    the one function that sets them raises instead of leaving a blank figure."""
    backend = mpl.get_backend()  # before importing ipympl's backend module, which selects itself
    from ipympl.backend_nbagg import Canvas

    from flowkit.apps._base import IPYMPL_PRIVATE_TRAITS, ipympl_private_state

    assert all(Canvas.class_traits().get(name) is not None for name in IPYMPL_PRIVATE_TRAITS)
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        app = apps.flux_app()
        canvas = app.figure.canvas
        ipympl_private_state(canvas, data_url=True)
        assert canvas._data_url.startswith("data:image/png;base64,iVBORw0KGgo")  # a PNG signature

        class Renamed:
            figure = app.figure

            def has_trait(self, name):
                return name != "_data_url"

        with pytest.raises(RuntimeError, match="has no Canvas trait _data_url"):
            ipympl_private_state(Renamed())
    finally:
        plt.switch_backend(backend)
        assert mpl.get_backend() == backend  # later tests build their apps under Agg again


@pytest.mark.parametrize("factory", [c.app for c in chapters.app_chapters()])
def test_controls_of_a_hidden_view_are_hidden_and_come_back(factory):
    """A control that does nothing in the view on screen is hidden with its view (02: the ink
    sliders beside the Arrhenius panel; 05: the electron sliders beside momentum and ink)."""
    app = getattr(apps, factory)()
    if app.view_control is None:
        assert all(w.layout.display in (None, "") for w in app.controls.values())
        return
    views = list(app.view_controls)
    assert views == list(app.controls[app.view_control].options)  # every view is declared
    for view in [*views, views[0]]:
        app.update(**{app.view_control: view})
        for name, widget in app.controls.items():
            own = [v for v, names in app.view_controls.items() if name in names]
            shown = widget.layout.display != "none"
            assert shown == (not own or view in own), (view, name)


def test_fick_ink_sliders_hide_with_the_arrhenius_panel_and_wait_for_release_in_2d():
    app = apps.fick_app()
    ink = [app.controls["D_ink"], app.controls["t_ink"]]
    assert all(w.layout.display == "none" for w in ink)  # the Arrhenius panel is on screen
    assert app.controls["T"].layout.display != "none"  # T feeds the couple, always shown
    app.update(panel="ink 2D")
    assert all(w.layout.display != "none" and not w.continuous_update for w in ink)
    app.controls["panel"].value = "ink 1D"  # the toggle itself, as a click would
    assert all(w.layout.display != "none" and w.continuous_update for w in ink)
