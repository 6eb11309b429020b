"""Timing and memory of the random-walk engine against naive NumPy.

Run as ``python benchmarks/bench_randomwalk.py``. Every case runs in its own
fresh Python process, so that its peak resident memory can be read from
``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the number reported is the peak
RSS reached during the timed calls minus the peak reached before them (after
imports and one warm-up call), i.e. the extra memory the computation needed,
NumPy arrays and numba-allocated buffers alike. Ratios compare cases measured
in this same run, one after the other, on a shared machine.

Cases
-----
* walk and msd, N = 1e5 walkers, 1000 steps, p = 0.5: the numba kernels vs the
  naive NumPy walk (an N x steps array of hops, cumsum along time). The naive
  version takes seconds and ~1.6 GB, so it runs once; its final column gives
  ``walk`` and the column means of its square give ``msd``.
  Target: >= 20x faster, O(N) memory.
* lattice_gas, 1e9 particles spread over all 2001 sites, 1000 steps, p = 0.5:
  the numba kernel vs a NumPy loop over steps with two binomial draws per site.
  Target: >= 2x faster.
* direct sampling (no stepping): sample_final_displacements for N = 1e5 and
  sample_final_histogram for N = 1e5 and 1e9.
* first call in a fresh process with numba's on-disk cache warm, with and
  without ``randomwalk.warm_up()``: what a slider waits for when it first moves.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

N_WALKERS = 100_000
STEPS = 1000
P = 0.5
SITES = 2001
PARTICLES = 10**9
REPEATS = 5


def _peak_rss_bytes():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _median_time(func, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------------------
# the baselines
# ---------------------------------------------------------------------------


def naive_walk_paths(n, steps, p, rng):
    """The textbook version: all hops at once, positions by cumsum (N x steps)."""
    u = rng.random((n, steps))
    hops = (u >= 1.0 - 0.5 * p).astype(np.int8) - (u < 0.5 * p).astype(np.int8)
    del u
    return np.cumsum(hops, axis=1, dtype=np.int64)


def numpy_lattice_gas(counts, steps, p, rng):
    """NumPy loop over steps, two binomial draws per site per step (no flux)."""
    c = counts.copy()
    for _ in range(steps):
        moving = rng.binomial(c, p)
        left = rng.binomial(moving, 0.5)
        right = moving - left
        left[0] = 0
        right[-1] = 0
        c -= left + right
        c[1:] += right[:-1]
        c[:-1] += left[1:]
    return c


# ---------------------------------------------------------------------------
# one case per process
# ---------------------------------------------------------------------------


def run_case(name):
    from flowkit import randomwalk as rw

    counts = np.full(SITES, PARTICLES // SITES, dtype=np.int64)
    if name == "naive_walk_msd":
        rng = np.random.default_rng(0)
        base = _peak_rss_bytes()
        start = time.perf_counter()
        paths = naive_walk_paths(N_WALKERS, STEPS, P, rng)
        final = paths[:, -1].copy()
        t_walk = time.perf_counter() - start
        msd = np.concatenate(([0.0], np.mean(paths.astype(np.float64) ** 2, axis=0)))
        t_msd = time.perf_counter() - start
        del paths
        return {
            "walk_s": t_walk,
            "msd_s": t_msd,
            "rss_bytes": _peak_rss_bytes() - base,
            "check": float(np.mean(final.astype(float) ** 2)),
            "msd_last": float(msd[-1]),
        }
    if name == "numpy_lattice_gas":
        rng = np.random.default_rng(0)
        numpy_lattice_gas(counts, 2, P, rng)
        base = _peak_rss_bytes()
        t = _median_time(lambda: numpy_lattice_gas(counts, STEPS, P, rng), repeats=3)
        return {"time_s": t, "rss_bytes": _peak_rss_bytes() - base}
    calls = {
        "walk": lambda: rw.walk(N_WALKERS, STEPS, P, seed=1),
        "msd": lambda: rw.msd(N_WALKERS, STEPS, P, seed=1),
        "walk_p1": lambda: rw.walk(N_WALKERS, STEPS, 1.0, seed=1),
        "lattice_gas": lambda: rw.lattice_gas(counts, STEPS, P, seed=1),
        "sample_final_displacements": lambda: rw.sample_final_displacements(N_WALKERS, STEPS, P, seed=1),
        "sample_final_histogram": lambda: rw.sample_final_histogram(N_WALKERS, STEPS, P, seed=1),
        "sample_final_histogram_1e9": lambda: rw.sample_final_histogram(10**9, STEPS, P, seed=1),
    }
    if name.endswith("_forced"):
        # Skip the wrapper's load check: always the parallel kernel.
        from flowkit import _jit

        _jit.cores_idle = lambda: True
        name = name[: -len("_forced")]
    func = calls[name]
    func()  # compile or load from cache, and fault in the code pages
    base = _peak_rss_bytes()
    t = _median_time(func)
    return {"time_s": t, "rss_bytes": _peak_rss_bytes() - base}


FIRST_CALL = r"""
import sys, time, json
t0 = time.perf_counter()
import numpy as np
from flowkit import randomwalk as rw
out = {"import flowkit.randomwalk": time.perf_counter() - t0}
if sys.argv[1] == "warm":
    out["warm_up()"] = rw.warm_up()
calls = [
    ("walk 2000 x 200", lambda: rw.walk(2000, 200, 0.5, seed=1)),
    ("msd 2000 x 200", lambda: rw.msd(2000, 200, 0.5, seed=1)),
    ("walk 1e5 x 1000 (auto)", lambda: rw.walk(100_000, 1000, 0.5, seed=1)),
    ("lattice_gas 201 sites x 200", lambda: rw.lattice_gas(np.full(201, 10**6), 200, 0.5, seed=1)),
    ("lattice_gas gate", lambda: rw.lattice_gas(np.full(201, 10**6), 200, 0.5, seed=1, gate=100)),
    ("lattice_gas 2001 x 1000 (auto)", lambda: rw.lattice_gas(np.full(2001, 10**6), 1000, 0.5, seed=1)),
    ("walk_2d 2000 x 200", lambda: rw.walk_2d(2000, 200, 0.5, seed=1)),
    ("lattice_gas_2d 64x64 x 50", lambda: rw.lattice_gas_2d(np.full((64, 64), 1000), 50, 0.5, seed=1)),
    ("master_equation 201 x 200", lambda: rw.master_equation(np.ones(201), 200, 0.5)),
    ("sample_final_histogram", lambda: rw.sample_final_histogram(2000, 200, 0.5, seed=1)),
]
for name, f in calls:
    t = time.perf_counter(); f(); first = time.perf_counter() - t
    t = time.perf_counter(); f(); second = time.perf_counter() - t
    out[name] = [first, second]
print(json.dumps(out))
"""


def _subprocess(args, env=None):
    res = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=1200)
    if res.returncode:
        raise RuntimeError(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _case(name, threads=None):
    env = dict(os.environ)
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    return _subprocess([__file__, "--case", name], env=env)


def _mib(nbytes):
    return f"{nbytes / 2**20:8.1f} MiB"


def main():
    print(__doc__.split("Cases")[0].strip().splitlines()[0])
    print(f"N = {N_WALKERS}, steps = {STEPS}, p = {P}; lattice gas {PARTICLES:.0e} particles on {SITES} sites")
    # Warm numba's on-disk cache first (compiles on the very first run only).
    for name in ("walk", "msd", "walk_p1", "lattice_gas"):
        _case(name)

    load_before = os.getloadavg()[0]
    naive = _case("naive_walk_msd")
    results = {name: _case(name) for name in ("walk", "walk_p1", "msd", "lattice_gas")}
    forced = {name: _case(name + "_forced") for name in ("walk", "msd", "lattice_gas")}
    serial = {name: _case(name, threads=1) for name in ("walk", "msd", "lattice_gas")}
    np_gas = _case("numpy_lattice_gas")
    direct = {
        name: _case(name)
        for name in ("sample_final_displacements", "sample_final_histogram", "sample_final_histogram_1e9")
    }
    load_after = os.getloadavg()[0]

    print(f"\n1-minute load average {load_before:.1f} before, {load_after:.1f} after ({os.cpu_count()} cores)")
    print(f"{'case':44s} {'time':>10s} {'vs baseline':>12s} {'peak extra RSS':>15s}")
    rows = [
        ("naive NumPy walk (N x steps + cumsum), once", naive["walk_s"], None, naive["rss_bytes"]),
        ("naive NumPy msd (same array, squared mean)", naive["msd_s"], None, naive["rss_bytes"]),
        (
            "walk (auto: parallel if cores idle)",
            results["walk"]["time_s"],
            naive["walk_s"],
            results["walk"]["rss_bytes"],
        ),
        ("walk (parallel kernel, 2 threads)", forced["walk"]["time_s"], naive["walk_s"], forced["walk"]["rss_bytes"]),
        ("walk (1 thread)", serial["walk"]["time_s"], naive["walk_s"], serial["walk"]["rss_bytes"]),
        ("walk p = 1 (bit-count path)", results["walk_p1"]["time_s"], naive["walk_s"], results["walk_p1"]["rss_bytes"]),
        ("msd (auto)", results["msd"]["time_s"], naive["msd_s"], results["msd"]["rss_bytes"]),
        ("msd (parallel kernel, 2 threads)", forced["msd"]["time_s"], naive["msd_s"], forced["msd"]["rss_bytes"]),
        ("msd (1 thread)", serial["msd"]["time_s"], naive["msd_s"], serial["msd"]["rss_bytes"]),
        ("NumPy lattice gas (2 binomials/site/step)", np_gas["time_s"], None, np_gas["rss_bytes"]),
        ("lattice_gas (auto)", results["lattice_gas"]["time_s"], np_gas["time_s"], results["lattice_gas"]["rss_bytes"]),
        (
            "lattice_gas (parallel tiles, 2 threads)",
            forced["lattice_gas"]["time_s"],
            np_gas["time_s"],
            forced["lattice_gas"]["rss_bytes"],
        ),
        (
            "lattice_gas (1 thread)",
            serial["lattice_gas"]["time_s"],
            np_gas["time_s"],
            serial["lattice_gas"]["rss_bytes"],
        ),
    ]
    for name, value in direct.items():
        rows.append((f"{name} (direct sampling)", value["time_s"], naive["walk_s"], value["rss_bytes"]))
    for label, t, ref, mem in rows:
        ratio = f"{ref / t:10.1f}x" if ref else f"{'(baseline)':>11s}"
        print(f"{label:44s} {t * 1e3:8.1f} ms {ratio:>12s} {_mib(mem):>15s}")
    print(
        "\nRatios are baseline time / kernel time (bigger is faster). Targets: walk and msd"
        " >= 20x, lattice_gas >= 2x (2 threads). The parallel kernels pay only when both"
        " cores are free; 'auto' is what the public functions choose at this load."
    )

    for mode, title in (
        ("cold", "Fresh process, warm numba disk cache, no warm_up (the first call pays numba's start-up):"),
        ("warm", "Fresh process, warm numba disk cache, after rw.warm_up() (what an app does when built):"),
    ):
        first = _subprocess(["-c", FIRST_CALL, mode])
        print("\n" + title)
        for name, value in first.items():
            if isinstance(value, list):
                print(f"  {name:36s} first call {value[0] * 1e3:7.1f} ms, second call {value[1] * 1e3:7.1f} ms")
            else:
                print(f"  {name:36s} {value * 1e3:7.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2])))
    else:
        main()
