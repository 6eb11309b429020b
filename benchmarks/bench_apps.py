"""Slider latency, first-update cost and memory of the chapter apps.

Run:  python benchmarks/bench_apps.py  [--moves 30]

1. Latency: for every app, each control is dragged across its range in
   ``--moves`` steps (log spacing on log sliders), and each move is timed as
   ``app.update(name=value)`` plus ``app.layers.repaint()`` (Agg), i.e. the
   redraw a student waits for (the apps keep axes, ticks and labels as a
   static layer, matplotlib's blitting recipe, and repaint them only when a
   limit changes; ``--no-static-layer`` measures a full ``canvas.draw()`` on
   every move instead).
   Median and 95th percentile per app
   against the budget (median <= 50 ms, p95 <= 100 ms). Controls marked
   ``continuous_update=False`` (they fire on release only) are reported in a
   separate row: the budget is for what follows the pointer.
2. Baselines in the same run: the flux app with a full redraw on every move, and
   rebuilt from scratch on every move
   (new figure, new artists, draw) against the in-place update: a ratio.
3. First update, cold vs warm: a fresh process builds a kernel chapter's app
   and moves a slider, once with an empty numba cache (``NUMBA_CACHE_DIR`` in
   a temporary directory) and once more with the cache that run left behind
   (what a student sees after Binder's postBuild warmed it).
4. Memory: in a fresh process per chapter, import matplotlib (Agg) and
   ipywidgets, build the app, update once, report the peak RSS in MiB and
   whether numba was loaded (target < 300 MiB; kernel-free chapters must not
   load numba). Peak RSS is read from ``/proc/self/status`` (VmHWM):
   ``ru_maxrss`` keeps the parent's peak across fork + exec on Linux.

The machine is shared: the load average is printed with the results.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

BUDGET_MEDIAN = 0.050
BUDGET_P95 = 0.100
RSS_TARGET_MIB = 300.0


def chapters():
    """The chapters with an app, from the one chapter registry (flowkit.chapters)."""
    from flowkit.chapters import app_chapters

    return app_chapters()


def factory(name):
    from flowkit import apps

    return getattr(apps, name)


def drag_plan(app):
    """``[(view or None, [control, ...]), ...]``: each control is dragged in a view that shows it.

    The app says which controls belong to which view (``view_control``, ``view_controls``);
    the controls of no particular view are dragged in the first one.
    """
    if app.view_control is None:
        return [(None, list(app.controls))]
    own = {name for names in app.view_controls.values() for name in names}
    common = [k for k in app.controls if k != app.view_control and k not in own]
    plan = []
    for i, (view, names) in enumerate(app.view_controls.items()):
        plan.append((view, (common if i == 0 else []) + list(names)))
    return plan


def sweep_values(widget, moves):
    import ipywidgets as widgets

    from flowkit.apps._base import control_range

    low, high = control_range(widget)
    if isinstance(widget, widgets.FloatLogSlider):
        values = np.logspace(np.log10(low), np.log10(high), moves)
    else:
        values = np.linspace(low, high, moves)
    if isinstance(widget, widgets.IntSlider):
        values = np.unique(np.round(values).astype(int))
    return [v.item() for v in values]


def percentile(data, q):
    return float(np.percentile(np.asarray(data), q))


def drag(app, name, moves):
    times = []
    widget = app.controls[name]
    for value in sweep_values(widget, moves):
        t0 = time.perf_counter()
        app.update(**{name: value})
        app.layers.repaint()
        times.append(time.perf_counter() - t0)
    return times


def latency(moves, static_layer=True):
    rows = []
    for chapter in chapters():
        app = factory(chapter.app)()
        app.layers.enabled = static_layer  # False: every repaint draws axes, ticks and labels too
        app.layers.repaint()
        fast, slow, per_view = [], [], {}
        for view, names in drag_plan(app):
            if view is not None:
                app.update(**{app.view_control: view})
                app.layers.repaint()
            for name in names:
                t = drag(app, name, moves)
                (fast if app.controls[name].continuous_update else slow).extend(t)
                if view is not None:
                    per_view.setdefault(view, []).extend(t)
        rows.append((chapter.app, fast, slow, per_view))
        app.close()
    return rows


def rebuild_ratio(moves):
    """Flux app, same values: in-place update (static layer), in place with a full redraw,
    and a new figure per move; the medians."""
    from flowkit.apps import flux_app  # the baseline is one fixed app, not a chapter-wide list

    values = sweep_values(flux_app().controls["beta"], moves)
    plt.close("all")
    medians = []
    for static_layer in (True, False):
        app = flux_app()
        app.layers.enabled = static_layer
        app.layers.repaint()
        times = []
        for v in values:
            t0 = time.perf_counter()
            app.update(beta=v)
            app.layers.repaint()
            times.append(time.perf_counter() - t0)
        app.close()
        medians.append(statistics.median(times))
    rebuild = []
    old = None
    for v in values:
        t0 = time.perf_counter()
        if old is not None:
            old.close()
        old = flux_app(beta=v)
        old.figure.canvas.draw()
        rebuild.append(time.perf_counter() - t0)
    old.close()
    return medians[0], medians[1], statistics.median(rebuild)


_FIRST_UPDATE = r"""
import json, os, sys, time
t0 = time.perf_counter()
import matplotlib
matplotlib.use("Agg")
import ipywidgets
t1 = time.perf_counter()
from flowkit import apps
app = getattr(apps, sys.argv[1])()
t2 = time.perf_counter()
move = json.loads(sys.argv[2])
if not move:  # a chapter without an entry in FIRST_MOVE: its first slider to the top of its range
    from flowkit.apps._base import control_range
    name, widget = next((k, w) for k, w in app.controls.items() if control_range(w) is not None)
    move = {name: control_range(widget)[1]}
app.update(**move)
app.layers.repaint()
t3 = time.perf_counter()
# VmHWM: this process's peak RSS. (ru_maxrss would carry over the parent's
# peak across fork + exec on Linux.)
with open("/proc/self/status") as fh:
    rss = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024.0
print(json.dumps({"imports": t1 - t0, "build": t2 - t1, "first_update": t3 - t2,
                  "rss_mib": rss, "numba": "numba" in sys.modules}))
"""

# the first move per chapter; it runs the chapter's kernels if it has any (the fick
# app builds on its Arrhenius panel, so its first move opens the ink drop)
# (a chapter not listed here moves its first slider to the top of its range)
FIRST_MOVE = {
    "flux_app": {"beta": 0.9},
    "fick_app": {"panel": "ink 1D", "t_ink": 500.0},
    "walk_app": {"p": 0.7},
    "entropy_app": {"L12": 0.5},
    "analogies_app": {"t": 20.0},
    "applications_app": {"n_cm3": 20.0},
}


def run_fresh(chapter, env):
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_UPDATE, chapter, json.dumps(FIRST_MOVE.get(chapter, {}))],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_run(runs):
    return {k: statistics.median(r[k] for r in runs) for k in ("imports", "build", "first_update")}


def cold_warm(repeats=3):
    """Median of ``repeats`` fresh processes: each cold one gets an empty cache directory,
    the warm ones reuse a directory that a first run filled."""
    rows = []
    for chapter in (c.app for c in chapters() if c.uses_numba):
        cold = []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as cache:
                cold.append(run_fresh(chapter, dict(os.environ, MPLBACKEND="Agg", NUMBA_CACHE_DIR=cache)))
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, MPLBACKEND="Agg", NUMBA_CACHE_DIR=cache)
            run_fresh(chapter, env)  # fills the cache, as Binder's postBuild does
            warm = [run_fresh(chapter, env) for _ in range(repeats)]
        rows.append((chapter, _median_run(cold), _median_run(warm)))
    return rows


def memory():
    rows = []
    env = dict(os.environ, MPLBACKEND="Agg")
    base = subprocess.run(
        [
            sys.executable,
            "-c",
            "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot, ipywidgets\n"
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024.0)",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    baseline = float(base.stdout.strip())
    for chapter in chapters():
        rows.append((chapter, run_fresh(chapter.app, env)))
    return baseline, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=30, help="positions per control (default 30)")
    parser.add_argument(
        "--no-static-layer",
        action="store_true",
        help="switch off the cached static layer (for comparison: full repaint on every draw)",
    )
    parser.add_argument("--sections", default="1234", help="parts to run, e.g. 34 (1 and 2 run together; default 1234)")
    args = parser.parse_args()
    if "1" in args.sections or "2" in args.sections:
        run_latency(args)
    if "3" in args.sections:
        run_cold_warm()
    if "4" in args.sections:
        run_memory()
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


def run_latency(args):
    """Sections 1 and 2 (they share one process)."""
    print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine shared with other jobs)")
    print(f"\n1. slider latency: update + repaint (Agg; blitted over the static layer), {args.moves} moves per control")
    print(f"{'app':<17}{'moves':>6}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}  budget (50/100 ms)")
    all_ok = True
    if args.no_static_layer:
        print("   (static layer switched off: every draw repaints the whole figure)")
    for chapter, fast, slow, per_view in latency(args.moves, static_layer=not args.no_static_layer):
        med, p95 = statistics.median(fast), percentile(fast, 95)
        ok = med <= BUDGET_MEDIAN and p95 <= BUDGET_P95
        all_ok &= ok
        print(
            f"{chapter:<17}{len(fast):>6}{1e3 * med:>11.1f}{1e3 * p95:>9.1f}{1e3 * max(fast):>9.1f}  "
            f"{'ok' if ok else 'OVER'}"
        )
        if slow:
            print(
                f"{'  (release)':<17}{len(slow):>6}{1e3 * statistics.median(slow):>11.1f}"
                f"{1e3 * percentile(slow, 95):>9.1f}{1e3 * max(slow):>9.1f}  continuous_update=False controls"
            )
        for view, t in per_view.items():
            print(
                f"{'   ' + view:<24} median {1e3 * statistics.median(t):6.1f} ms, p95 {1e3 * percentile(t, 95):6.1f} ms"
            )

    print("all apps within the slider budget" if all_ok else "some app is over the slider budget (see above)")
    inplace, full, rebuild = rebuild_ratio(args.moves)
    print("\n2. baselines, flux app, same run: update in place (static layer) vs a full redraw vs a rebuild")
    print(
        f"   in place {1e3 * inplace:.1f} ms, full redraw {1e3 * full:.1f} ms, rebuild {1e3 * rebuild:.1f} ms: "
        f"full redraw / in place = {full / inplace:.2f}x, rebuild / in place = {rebuild / inplace:.2f}x"
    )


def run_cold_warm():
    print(
        "\n3. first update in a fresh process (import + build, then one slider move), numba cache cold vs warm,"
        " median of 3"
    )
    print(f"{'app':<17}{'cache':>6}{'imports s':>11}{'build s':>9}{'1st update s':>14}")
    for chapter, cold, warm in cold_warm():
        for label, r in (("cold", cold), ("warm", warm)):
            print(f"{chapter:<17}{label:>6}{r['imports']:>11.2f}{r['build']:>9.2f}{r['first_update']:>14.3f}")


def run_memory():
    baseline, rows = memory()
    print(f"\n4. peak RSS per chapter (fresh process; matplotlib + ipywidgets alone: {baseline:.0f} MiB)")
    print(f"{'app':<17}{'RSS MiB':>9}  numba loaded  target < {RSS_TARGET_MIB:.0f} MiB")
    for chapter, r in rows:
        # a chapter without kernels must not have loaded numba
        ok = r["rss_mib"] < RSS_TARGET_MIB and (chapter.uses_numba or not r["numba"])
        print(f"{chapter.app:<17}{r['rss_mib']:>9.0f}  {str(r['numba']):<12}  {'ok' if ok else 'CHECK'}")


if __name__ == "__main__":
    main()
