"""Tests of flowkit.limits: one memory limit, checked before anything is allocated.

Each refused call runs under tracemalloc (which sees NumPy's buffers and numba's
allocations) and must peak below 4 MiB, while what it would have needed is at
least a GiB: the refusal comes before the allocation, not from NumPy failing it.
"""

import math
import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import flowkit.randomwalk.lattice  # noqa: F401  (imported up front: a module's first import allocates)
import flowkit.randomwalk.walkers  # noqa: F401
from flowkit import analogies, diffusion, limits
from flowkit import randomwalk as rw

PEAK_MAX = 4 * 2**20
BIG = 10**12

# (call, argument named in the message, function named in the message)
HUGE = [
    (lambda: rw.walk(BIG, 10, 0.5), "n_walkers", "walk"),
    (lambda: rw.msd(BIG, 10, 0.5), "n_walkers", "msd"),
    (lambda: rw.walk_2d(BIG, 10, 0.5), "n_walkers", "walk_2d"),
    (lambda: rw.sample_final_displacements(BIG, 10, 0.5), "n_walkers", "sample_final_displacements"),
    (lambda: rw.msd(10, BIG, 0.5), "steps", "msd"),
    (lambda: rw.lattice_gas(np.full(10, 5), BIG, 0.5, gate=3), "steps", "lattice_gas"),
    (lambda: rw.exact_displacement_pmf(BIG, 0.5), "steps", "exact_displacement_pmf"),
    (lambda: rw.sample_final_histogram(10, BIG, 0.5), "steps", "sample_final_histogram"),
    (
        lambda: analogies.couette_startup_numerical(1.0, 1.0, 1e-6, h=1e-3, cells=BIG),
        "cells",
        "couette_startup_numerical",
    ),
    (
        lambda: analogies.couette_startup_numerical(1.0, 1.0, 1e-6, h=1e-3, steps=BIG),
        "steps",
        "couette_startup_numerical",
    ),
]

# Arrays the caller already holds (so they cannot be huge in a test): refused under a
# 1 MiB limit, each needing a few MiB.
GRID_1D = np.ones(100_000)
GRID_2D = np.ones((300, 400))
COUNTS_1D = np.full(100_000, 7)
COUNTS_2D = np.full((300, 400), 7)
SMALL_LIMIT = [
    (lambda: diffusion.ftcs(GRID_1D, 1.0, 1.0, 0.25, 10), "c0", "ftcs"),
    (lambda: diffusion.crank_nicolson(GRID_1D, 1.0, 1.0, 0.25, 10), "c0", "crank_nicolson"),
    (lambda: diffusion.diffuse_2d(GRID_2D, 1.0, 1.0, 0.2, 10), "c0", "diffuse_2d"),
    (lambda: rw.master_equation(GRID_1D, 10, 0.5), "prob", "master_equation"),
    (lambda: rw.lattice_gas(COUNTS_1D, 10, 0.5), "counts", "lattice_gas"),
    (lambda: rw.lattice_gas_2d(COUNTS_2D, 10, 0.5), "counts", "lattice_gas_2d"),
    (lambda: rw.walk(200_000, 10, 0.5), "n_walkers", "walk"),
    (lambda: rw.msd(10, 100_000, 0.5), "steps", "msd"),
    (
        lambda: analogies.couette_startup_numerical(1.0, 1.0, 1e-6, h=1e-3, cells=20_000),
        "cells",
        "couette_startup_numerical",
    ),
]


def _refused_without_allocating(call, argument, function):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as err:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(err.value)
    assert message.startswith(f"{argument} = "), message
    assert f"would make {function}() need about " in message, message
    assert f"more than flowkit's limit of {limits.format_size(limits.memory_limit())}" in message, message
    assert "flowkit.limits.allow(memory=" in message, message
    assert peak < PEAK_MAX, f"{function} allocated {peak} bytes before refusing"
    return message


@pytest.mark.parametrize("call, argument, function", HUGE)
def test_huge_sizes_are_refused_before_allocating(call, argument, function):
    message = _refused_without_allocating(call, argument, function)
    assert "TiB of memory" in message  # the estimate, in a unit a person reads


@pytest.mark.parametrize("call, argument, function", SMALL_LIMIT)
def test_a_lowered_limit_refuses_and_a_raised_one_lets_through(call, argument, function):
    with limits.allow(memory="1 MiB"):
        message = _refused_without_allocating(call, argument, function)
        assert "limit of 1 MiB" in message
        with limits.allow(memory="64 MiB"):
            call()  # the same call fits under the raised limit
    assert limits.memory_limit() == limits.DEFAULT_MEMORY or "FLOWKIT_MEMORY_LIMIT" in os.environ


def test_lattice_gas_without_a_gate_allocates_no_crossings():
    # 10**6 steps on one site: with a gate the crossings alone would be 8 MB
    # (refused under 1 MiB); without one nothing per step is stored.
    with limits.allow(memory="1 MiB"):
        _refused_without_allocating(
            lambda: rw.lattice_gas([1000], 10**6, 0.5, gate=0, bc="periodic"), "steps", "lattice_gas"
        )
        tracemalloc.start()
        try:
            out = rw.lattice_gas([1000], 10**6, 0.5, seed=1)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert out.tolist() == [1000]  # blocked hops on a single site: nothing moves
    assert peak < PEAK_MAX


def test_default_leaves_room_on_a_two_gib_binder():
    if "FLOWKIT_MEMORY_LIMIT" in os.environ:
        pytest.skip("the environment sets its own limit")
    assert limits.memory_limit() == limits.DEFAULT_MEMORY == 2**30


def test_set_memory_limit_returns_the_previous_one_and_allow_restores_on_error():
    before = limits.memory_limit()
    previous = limits.set_memory_limit("3 GiB")
    try:
        assert previous == before and limits.memory_limit() == 3 * 2**30
        with pytest.raises(RuntimeError), limits.allow(memory="unlimited"):
            assert limits.memory_limit() == math.inf
            raise RuntimeError("boom")
        assert limits.memory_limit() == 3 * 2**30
    finally:
        limits.set_memory_limit(before)


def test_environment_variable_sets_the_default():
    code = "from flowkit import limits; print(limits.memory_limit())"
    env = dict(os.environ, FLOWKIT_MEMORY_LIMIT="4 GiB")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert int(res.stdout) == 4 * 2**30


@pytest.mark.parametrize(
    "text, nbytes",
    [("8 GiB", 8 * 2**30), ("500 MB", 500 * 10**6), ("1.5GiB", 3 * 2**29), ("2e3", 2000), (4096, 4096), (1e9, 10**9)],
)
def test_parse_size(text, nbytes):
    assert limits.parse_size(text) == nbytes


@pytest.mark.parametrize("bad", ["eight GiB", "8 parsecs", "-1 GiB", "0", 0, -5, float("nan"), ""])
def test_parse_size_rejects_nonsense(bad):
    with pytest.raises(ValueError, match="^memory must be"):
        limits.allow(memory=bad).__enter__()


@pytest.mark.parametrize("bad", [True, None, [1], 2j])
def test_parse_size_rejects_wrong_types(bad):
    with pytest.raises(TypeError, match="^memory must be"):
        limits.set_memory_limit(bad)


def test_the_spelling_a_notebook_uses():
    # `import flowkit` then `flowkit.limits.allow(...)`: the one mechanism, reached lazily.
    import flowkit

    assert flowkit.limits is limits
    with flowkit.limits.allow(memory="8 GiB"):
        assert flowkit.limits.memory_limit() == 8 * 2**30
        x = rw.walk(10, 5, 0.5, seed=1)
    assert x.shape == (10,)
