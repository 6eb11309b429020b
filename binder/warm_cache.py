"""Compile every numba kernel of flowkit once, into numba's on-disk cache.

Run by ``binder/postBuild`` (and by a JupyterHub image build). Each kernel is
decorated with ``numba.njit(cache=True)`` and every public wrapper casts its
inputs to float64/int64, so one call per kernel and boundary condition writes
the machine code a student's first slider move will load. Building every app
and moving each control once catches any kernel an app reaches by a path not
listed here.

Prints the time taken and exits non-zero if numba is missing or a call fails.
"""

import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402


def warm_physics():
    from flowkit import _jit, diffusion, randomwalk

    if not _jit.HAVE_NUMBA:
        raise SystemExit("numba is not importable: nothing to warm")
    c = np.zeros(16)
    c[8] = 1.0
    for bc in ("noflux", "fixed", "periodic"):
        diffusion.ftcs(c, 1.0, 1.0, 0.25, 3, bc=bc)
        diffusion.crank_nicolson(c, 1.0, 1.0, 1.0, 3, bc=bc)
        diffusion.diffuse_2d(np.outer(c, c), 1.0, 1.0, 0.2, 3, bc=bc)
    # Both the serial and the parallel variant of every walk kernel (the
    # wrappers choose by job size; a cold parallel compile takes seconds).
    randomwalk.warm_up()
    randomwalk.sample_final_displacements(64, 10, 0.5, seed=0)
    counts = np.full(11, 1000)
    for bc in ("noflux", "periodic"):
        randomwalk.lattice_gas(counts, 5, 0.5, seed=0, bc=bc)
        randomwalk.lattice_gas(counts, 5, 0.5, seed=0, bc=bc, gate=5)
        randomwalk.master_equation(counts / counts.sum(), 5, 0.5, bc=bc)


def app_factories():
    """Every chapter's app factory, from the one chapter registry (flowkit.chapters)."""
    from flowkit.chapters import app_chapters

    return [chapter.app for chapter in app_chapters()]


def warm_apps():
    import flowkit.apps as apps
    from flowkit.apps._base import control_range

    for name in app_factories():
        app = getattr(apps, name)()
        for control, widget in app.controls.items():
            # Sliders at both ends (a log slider's min/max are exponents, hence
            # control_range); toggles and dropdowns through every option.
            options = getattr(widget, "options", None)
            values = (
                control_range(widget) if options is None else [o[1] if isinstance(o, tuple) else o for o in options]
            )
            for value in values or ():
                app.update(**{control: value})
        app.figure.canvas.draw()


def main():
    start = time.perf_counter()
    warm_physics()
    mid = time.perf_counter()
    warm_apps()
    end = time.perf_counter()
    print(f"numba cache warmed: kernels {mid - start:.1f} s, apps {end - mid:.1f} s")


if __name__ == "__main__":
    main()
