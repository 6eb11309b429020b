"""Input handling shared by the random-walk functions: seeds, counts, walk arguments.

Imports NumPy only (no numba), so the closed forms can use it in the browser.
"""

import functools

import numpy as np

from flowkit import _validate

#: Fixed number of independent random streams a kernel's work is split into.
#: It is part of the definition of a seeded result, so it never follows the
#: thread count.
N_CHUNKS = 64

_INT64_MAX = 2**63 - 1

#: Boundary conditions of the lattice walks.
BCS = ("noflux", "periodic")


def seed_sequence(seed):
    """A :class:`numpy.random.SeedSequence` from an int, a Generator, a SeedSequence or None."""
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed) if seed is None else seed
    if isinstance(seed, np.random.Generator):
        # Drawing the entropy from the Generator advances it, so two calls with
        # the same Generator give two different (but reproducible) walks.
        return np.random.SeedSequence(seed.integers(0, 2**63, size=4, dtype=np.int64).tolist())
    return np.random.SeedSequence(_validate.seed("seed", seed))


def chunk_keys(seed, n_chunks=N_CHUNKS):
    """One 64-bit starting state per chunk, from SeedSequence(seed).spawn."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)) and seed >= 0:
        # Spawning 64 SeedSequences costs ~0.5 ms, most of a slider-sized walk:
        # an int seed always gives the same keys, so they are kept.
        return _int_seed_keys(int(seed), n_chunks).copy()
    ss = seed_sequence(seed)
    return np.array([c.generate_state(1, np.uint64)[0] for c in ss.spawn(n_chunks)], dtype=np.uint64)


@functools.lru_cache(maxsize=64)
def _int_seed_keys(seed, n_chunks):
    ss = np.random.SeedSequence(seed)
    return np.array([c.generate_state(1, np.uint64)[0] for c in ss.spawn(n_chunks)], dtype=np.uint64)


def site_key(seed):
    """The one 64-bit key of the counter-based lattice-gas streams."""
    return seed_sequence(seed).generate_state(1, np.uint64)[0]


def generator(seed):
    """A :class:`numpy.random.Generator` (the seed's own, if it is one)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_sequence(seed))


def walk_args(n_walkers, steps, p):
    """Validated ``(n_walkers, steps, p)`` of a walker function."""
    # int64 bounds: the kernels and NumPy's binomial and multinomial count in int64
    n = _validate.count("n_walkers", n_walkers, "number of walkers", minimum=0, maximum=_INT64_MAX)
    t = _validate.count("steps", steps, "number of time steps", minimum=0, maximum=_INT64_MAX)
    p = _validate.probability("p", p, "hop probability per step", scalar=True)
    return n, t, p


def counts_1d(name, counts):
    """Whole particle numbers per site as a fresh int64 array (1D, non-empty)."""
    arr = np.asarray(counts)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1D array of particle numbers; got shape {arr.shape}")
    if arr.dtype.kind in "iu":
        if np.any(arr < 0) or np.any(arr >= 2**62):
            raise ValueError(f"{name} must hold particle numbers in [0, 2**62); got {_validate.show(arr)}")
        return arr.astype(np.int64)
    vals = _validate.nonnegative(name, arr, "particle numbers per site")
    if np.any(vals != np.floor(vals)) or np.any(vals >= 2.0**62):
        raise ValueError(f"{name} must hold whole particle numbers (integers >= 0); got {_validate.show(arr)}")
    return vals.astype(np.int64)
