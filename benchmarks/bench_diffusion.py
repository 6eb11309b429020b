"""Timing of the diffusion solvers: numba kernels against plain NumPy baselines.

Run as ``python benchmarks/bench_diffusion.py``. Every kernel is called once
before timing (compilation, or loading numba's on-disk cache), then each case
is timed ``REPEATS`` times, numba and baseline alternating, and the medians
reported. Ratios compare runs made in this same process, interleaved, so a busy
machine slows both sides alike (though a loaded memory bus hurts the
allocation-heavy NumPy side more, which flatters the ratio).

Cases (the speed-up each must reach):

* FTCS 1D, 200 cells, 1000 steps: numba vs NumPy slicing (>= 10x)
* FTCS 2D, 256 x 256 cells, 200 steps: numba vs NumPy slicing (>= 15x)
* Crank-Nicolson 1D, 200 cells, 1000 steps: numba Thomas vs
  ``scipy.linalg.solve_banded`` every step (>= 10x)
"""

import statistics
import sys
import time

import numpy as np

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

from flowkit import _jit
from flowkit import diffusion as dif

REPEATS = 7


def _paired_medians(fast, slow, repeats=REPEATS):
    """Median times of two callables timed alternately, so both see the same machine load."""
    t_fast, t_slow = [], []
    for _ in range(repeats):
        for func, store in ((fast, t_fast), (slow, t_slow)):
            start = time.perf_counter()
            func()
            store.append(time.perf_counter() - start)
    return statistics.median(t_fast), statistics.median(t_slow)


def _advanced(kernel, c, *args):
    # The numba kernels advance their first argument in place (and return nothing).
    c = c.copy()
    kernel(c, *args)
    return c


def _cases():
    noflux = dif._BC_CODE["noflux"]
    rng = np.random.default_rng(0)
    c1 = rng.uniform(0.0, 1.0, 200)
    c2 = rng.uniform(0.0, 1.0, (256, 256))
    r1, r2, r_cn = 0.4, 0.2, 2.0
    steps1, steps2 = np.int64(1000), np.int64(200)
    bc = np.int64(noflux)
    # (label, numba call, baseline call, target ratio)
    return [
        (
            "FTCS 1D 200 cells x 1000 steps",
            lambda: _advanced(dif._ftcs_kernel, c1, r1, steps1, bc),
            lambda: dif._ftcs_numpy(c1, r1, 1000, noflux),
            10.0,
        ),
        (
            "FTCS 2D 256x256 x 200 steps",
            lambda: _advanced(dif._ftcs_2d_kernel, c2, r2, steps2, bc),
            lambda: dif._ftcs_2d_numpy(c2, r2, 200, noflux),
            15.0,
        ),
        (
            "Crank-Nicolson 200 cells x 1000 steps (vs solve_banded)",
            lambda: _advanced(dif._cn_kernel, c1, r_cn, steps1, bc),
            lambda: dif._cn_banded(c1, r_cn, 1000, noflux),
            10.0,
        ),
    ]


def main():
    if not _jit.HAVE_NUMBA:
        print("numba is not available (or FLOWKIT_DISABLE_NUMBA is set): nothing to compare.")
        return 1
    cases = _cases()
    for _, fast, slow, _ in cases:  # compile / load the cache, and check both paths agree
        a, b = fast(), slow()
        if not np.allclose(a, b, rtol=0, atol=1e-12):
            raise RuntimeError("numba kernel and NumPy baseline disagree")
    rows = []
    ok = True
    for label, fast, slow, target in cases:
        t_fast, t_slow = _paired_medians(fast, slow)
        ratio = t_slow / t_fast
        ok &= ratio >= target
        rows.append((label, t_fast * 1e3, t_slow * 1e3, ratio, target))
    width = max(len(r[0]) for r in rows)
    print(f"median of {REPEATS} runs each (numba {_jit._numba.__version__}, NumPy {np.__version__})")
    print(f"{'case':<{width}}  {'numba ms':>9}  {'NumPy ms':>9}  {'ratio':>7}  {'target':>6}")
    for label, tf, ts, ratio, target in rows:
        flag = "" if ratio >= target else "  BELOW TARGET"
        print(f"{label:<{width}}  {tf:9.3f}  {ts:9.3f}  {ratio:6.1f}x  {target:5.0f}x{flag}")
    if resource is not None:
        # ru_maxrss is KiB on Linux: numba itself dominates; the solvers add O(cells).
        print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
