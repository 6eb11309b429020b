"""Binder check: in a fresh kernel, the first slider move does not wait for numba.

Builds what Binder builds, in a temporary folder, then times each app in fresh
Python processes (a fresh process is what a fresh kernel is):

1. copy the package sources (``flowkit/``, ``pyproject.toml``, ``binder/``, ...)
   into a temporary folder, so numba's cache (written next to the sources)
   starts empty and nothing is shared with the development tree;
2. ``python -m venv`` there, ``pip install -r binder/requirements.txt``
   (pip's own download cache makes a second run quick);
3. run ``binder/postBuild`` from the copy, as Binder does (editable install,
   then ``binder/warm_cache.py`` fills numba's on-disk cache);
4. for each app, in a fresh process: import, build the app (``app = x_app()``,
   the notebook cell that shows it), then the first ``update`` of each control
   (the first move of each slider). Once with the cache postBuild wrote
   (*warm*), once with ``NUMBA_CACHE_DIR`` pointing at an empty folder
   (*cold*: numba compiles on first use, what a student would wait for
   without the warm-up).

Prints one table; the warm column is what a Binder user meets. The first move
is "not waiting for a compile" when its warm time is far below its cold time
and close to a steady-state move (also printed, the second move of the same
control).

Usage::

    python benchmarks/bench_binder_first_move.py            # build, run, clean up
    python benchmarks/bench_binder_first_move.py --keep     # keep the temporary folder
    python benchmarks/bench_binder_first_move.py --reuse DIR  # skip the build, reuse DIR

It installs a full environment once (a few minutes on a shared machine); it
is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def app_factories():
    """Every chapter's app factory, from the one chapter registry (flowkit.chapters)."""
    sys.path.insert(0, str(REPO))  # the registry imports nothing heavy: read it from this tree
    from flowkit.chapters import app_chapters

    return [chapter.app for chapter in app_chapters()]


COPY = ("flowkit", "binder", "pyproject.toml", "README.md", "LICENSE")

# Runs in the fresh environment, one process per app and cache state; prints JSON.
CHILD = r'''
import json, math, sys, time
t_start = time.perf_counter()
import matplotlib
matplotlib.use("Agg")
import ipywidgets as widgets
import flowkit.apps as apps
from flowkit import _jit

def next_value(w):
    """A value one slider step away (towards the far end), or the next option."""
    if isinstance(w, widgets.FloatLogSlider):
        e = math.log(w.value, w.base)
        e = e + w.step if e + w.step <= w.max else e - w.step
        return w.base ** e
    if isinstance(w, (widgets.IntSlider, widgets.FloatSlider)):
        return w.value + w.step if w.value + w.step <= w.max else w.value - w.step
    options = getattr(w, "_options_values", None) or getattr(w, "options", None)
    if options:
        options = list(options)
        return options[(options.index(w.value) + 1) % len(options)]
    if isinstance(w, widgets.Checkbox):
        return not w.value
    return None

name = sys.argv[1]
t_import = time.perf_counter()
factory = getattr(apps, name)
app = factory()
t_built = time.perf_counter()
first, second = {}, {}
for key, w in app.controls.items():
    new = next_value(w)
    if new is None:
        continue
    t0 = time.perf_counter(); app.update(**{key: new}); first[key] = time.perf_counter() - t0
    new = next_value(w)
    t0 = time.perf_counter(); app.update(**{key: new}); second[key] = time.perf_counter() - t0
# "The first slider move": the first control that is a slider (a view toggle may come first).
sliders = [k for k in first if isinstance(app.controls[k], widgets.widget_float._Float)
           or isinstance(app.controls[k], widgets.widget_int._Int)]
first_control = sliders[0] if sliders else next(iter(first))
print(json.dumps({
    "have_numba": _jit.HAVE_NUMBA,
    "import_s": t_import - t_start,
    "build_s": t_built - t_import,
    "first_control": first_control,
    "first_move_s": first[first_control],
    "worst_first_move_s": max(first.values()),
    "worst_control": max(first, key=first.get),
    "steady_move_s": sorted(second.values())[len(second) // 2],
}))
'''


def run(cmd, check=True, **kw):
    """Run ``cmd``, echo its output without pip's index-location chatter; return the exit code."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    noise = ("is ignored: it is neither", "Looking in indexes", "Looking in links")
    for line in out.stdout.splitlines():
        if not any(n in line for n in noise):
            print("   ", line)
    if check and out.returncode:
        raise SystemExit(f"failed ({out.returncode}): {' '.join(str(c) for c in cmd)}")
    return out.returncode


def build(root: Path) -> Path:
    """Copy the sources, make the venv, install requirements, run postBuild."""
    src = root / "repo"
    src.mkdir()
    for name in COPY:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(
                path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc", "*.egg-info")
            )
        elif path.exists():
            shutil.copy2(path, src / name)
    venv = root / "venv"
    t0 = time.perf_counter()
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    run(pip + ["install", "-r", str(src / "binder" / "requirements.txt")], cwd=src)
    t1 = time.perf_counter()
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NUMBA_CACHE_DIR", None)
    env.pop("FLOWKIT_DISABLE_NUMBA", None)
    post = src / "binder" / "postBuild"
    if post.exists():
        code = run(["bash", str(post)], cwd=src, env=env, check=False)
    else:  # what postBuild is specified to do, if it is missing
        run(pip + ["install", "--no-deps", "-e", "."], cwd=src, env=env)
        code = run([str(venv / "bin" / "python"), "binder/warm_cache.py"], cwd=src, env=env, check=False)
    t2 = time.perf_counter()
    print(f"venv + requirements {t1 - t0:.0f} s, postBuild {t2 - t1:.0f} s", flush=True)
    if code:
        # Binder would refuse this image; measure anyway, with whatever the cache holds.
        (root / "POSTBUILD_FAILED").write_text(str(code))
    return venv


def measure(venv: Path, app: str, cache_dir: str | None, cwd: Path) -> dict:
    env = dict(os.environ)
    env.pop("FLOWKIT_DISABLE_NUMBA", None)
    env.pop("MPLBACKEND", None)
    if cache_dir is None:
        env.pop("NUMBA_CACHE_DIR", None)
    else:
        env["NUMBA_CACHE_DIR"] = cache_dir
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", CHILD, app], env=env, cwd=cwd, capture_output=True, text=True
    )
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--reuse", type=Path, help="a folder from an earlier --keep run")
    args = parser.parse_args(argv)

    root = args.reuse or Path(tempfile.mkdtemp(prefix="flowkit-binder-"))
    try:
        venv = root / "venv" if args.reuse else build(root)
        # Run from a neutral folder, so the copy is imported through the editable install.
        cwd = root
        rows = []
        for app in app_factories():
            warm = measure(venv, app, None, cwd)
            with tempfile.TemporaryDirectory(prefix="numba-cold-") as empty:
                cold = measure(venv, app, empty, cwd)
                compiled = sum(len(files) for _, _, files in os.walk(empty))
            rows.append((app, warm, cold, compiled))

        ms = lambda r, k: f"{1e3 * r[k]:9.1f}" if k in r else f"{'-':>9}"  # noqa: E731
        print("\nFresh process per cell; times in ms. warm = cache from postBuild, cold = NUMBA_CACHE_DIR empty.")
        print(
            f"{'app':18} {'build warm':>10} {'build cold':>10} {'1st move warm':>13} "
            f"{'1st move cold':>13} {'worst 1st warm':>14} {'worst 1st cold':>14} "
            f"{'steady move':>11}  cold cache files"
        )
        for app, warm, cold, compiled in rows:
            if "error" in warm or "error" in cold:
                print(f"{app:18} error: {warm.get('error') or cold.get('error')}")
                continue
            print(
                f"{app:18} {ms(warm, 'build_s'):>10} {ms(cold, 'build_s'):>10} "
                f"{ms(warm, 'first_move_s'):>13} {ms(cold, 'first_move_s'):>13} "
                f"{ms(warm, 'worst_first_move_s'):>14} {ms(cold, 'worst_first_move_s'):>14} "
                f"{ms(warm, 'steady_move_s'):>11}  {compiled}"
                f"   (first: {warm['first_control']}, worst: {warm['worst_control']}/"
                f"{cold['worst_control']}; numba={warm['have_numba']})"
            )
        if (root / "POSTBUILD_FAILED").exists():
            print(
                "\nWARNING: binder/postBuild FAILED (see its output above): Binder would not "
                "build; 'warm' is whatever it cached before failing."
            )
        print(
            "\nThe first move with the warm cache should be close to the steady move; the cold "
            "column is the compile a student would wait for without postBuild's warm-up."
        )
    finally:
        if args.keep or args.reuse:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
