"""Walkers stepped hop by hop: :func:`walk`, :func:`msd` (1D) and :func:`walk_2d`.

Memory is O(n_walkers): only the current positions are kept, never an
n_walkers x steps array. The walkers are split into
:data:`~flowkit.randomwalk.N_CHUNKS` chunks with one SplitMix64 stream each
(from ``SeedSequence(seed).spawn``); a walker's draws follow on from those of
the walker before it in its chunk, so the same seed gives the same walk on one
thread or many.
"""

import numpy as np

from flowkit import _jit, _validate
from flowkit._jit import jit, prange

from ._inputs import chunk_keys, generator, walk_args
from .rng import GAMMA, hop_threshold, mix, popcount

__all__ = ["walk", "msd", "walk_2d"]

_S32 = np.uint64(32)
_ONE = np.uint64(1)
_LO32 = np.uint64(0xFFFFFFFF)


@jit
def _walk_chunk(ch, steps, thr, keys, out):
    n = out.shape[0]
    n_chunks = keys.shape[0]
    always = thr >= np.uint64(4294967296)
    n_blocks = steps // 64
    rest = steps - 64 * n_blocks
    s = keys[ch]
    for w in range(ch * n // n_chunks, (ch + 1) * n // n_chunks):
        x = np.int64(0)
        if always:
            # p = 1: every step is a hop, so each random bit is one hop's
            # direction; 64 hops per draw, summed with a bit count.
            for _ in range(n_blocks):
                s = s + GAMMA
                x += 2 * popcount(mix(s)) - 64
            if rest > 0:
                s = s + GAMMA
                mask = (_ONE << np.uint64(rest)) - _ONE
                x += 2 * popcount(mix(s) & mask) - rest
        else:
            for _ in range(n_blocks):
                # 64 steps: one draw gives the 64 directions, 32 draws give
                # two 32-bit hop decisions each (u < thr, branch-free).
                s = s + GAMMA
                d = mix(s)
                for j in range(32):
                    s = s + GAMMA
                    r = mix(s)
                    m1 = np.int64((r & _LO32) < thr)
                    m2 = np.int64((r >> _S32) < thr)
                    b1 = np.int64((d >> np.uint64(2 * j)) & _ONE)
                    b2 = np.int64((d >> np.uint64(2 * j + 1)) & _ONE)
                    x += m1 * (2 * b1 - 1) + m2 * (2 * b2 - 1)
            for _ in range(rest):
                s = s + GAMMA
                r = mix(s)
                x += np.int64((r >> _S32) < thr) * (2 * np.int64(r & _ONE) - 1)
        out[w] = x


def _walk_all(steps, thr, keys, out):
    # One source for both compilations below (see flowkit._jit: cached apart).
    for ch in prange(keys.shape[0]):
        _walk_chunk(ch, steps, thr, keys, out)
    return out


_walk_serial = jit(_walk_all)
_walk_parallel = jit(_walk_all, parallel=True)


@jit
def _msd_chunk(ch, n, steps, thr, keys, sq):
    """Add x² of chunk ``ch``'s walkers after every step into sq[ch, t].

    Walker w of a chunk uses the same draws as in :func:`_walk_chunk` (draw j
    of walker w is mix(key + gamma (w D + j)), D draws per walker), but here
    the loop over walkers is innermost: all walkers of a chunk advance one
    step together, so the x² sum of a step is a plain (SIMD) reduction.
    """
    n_chunks = keys.shape[0]
    n_blocks = steps // 64
    rest = steps - 64 * n_blocks
    per_walker = np.uint64(33 * n_blocks + rest)
    lo = ch * n // n_chunks
    nw = (ch + 1) * n // n_chunks - lo
    key = keys[ch]
    acc = sq[ch]
    xs = np.zeros(nw, dtype=np.int64)
    ds = np.empty(nw, dtype=np.uint64)
    t = 0
    for blk in range(n_blocks):
        off = np.uint64(33 * blk + 1)
        for w in range(nw):
            ds[w] = mix(key + GAMMA * (np.uint64(w) * per_walker + off))
        for j in range(32):
            o = off + np.uint64(j + 1)
            sh1 = np.uint64(2 * j)
            sh2 = np.uint64(2 * j + 1)
            sum1 = np.int64(0)
            sum2 = np.int64(0)
            for w in range(nw):
                r = mix(key + GAMMA * (np.uint64(w) * per_walker + o))
                d = ds[w]
                m1 = np.int64((r & _LO32) < thr)
                m2 = np.int64((r >> _S32) < thr)
                b1 = np.int64((d >> sh1) & _ONE)
                b2 = np.int64((d >> sh2) & _ONE)
                x = xs[w] + m1 * (2 * b1 - 1)
                sum1 += x * x
                x += m2 * (2 * b2 - 1)
                sum2 += x * x
                xs[w] = x
            acc[t + 1] += sum1
            acc[t + 2] += sum2
            t += 2
    for i in range(rest):
        o = np.uint64(33 * n_blocks + 1 + i)
        sum1 = np.int64(0)
        for w in range(nw):
            r = mix(key + GAMMA * (np.uint64(w) * per_walker + o))
            x = xs[w] + np.int64((r >> _S32) < thr) * (2 * np.int64(r & _ONE) - 1)
            sum1 += x * x
            xs[w] = x
        t += 1
        acc[t] += sum1


def _msd_all(n, steps, thr, keys, sq):
    # One source for both compilations below (see flowkit._jit: cached apart).
    for ch in prange(keys.shape[0]):
        _msd_chunk(ch, n, steps, thr, keys, sq)
    return sq


_msd_serial = jit(_msd_all)
_msd_parallel = jit(_msd_all, parallel=True)


def _numpy_hops(rng, n, p):
    # One uniform per walker: [0, p/2) left, [1 - p/2, 1) right, else stay.
    u = rng.random(n)
    return (u >= 1.0 - 0.5 * p).astype(np.int64) - (u < 0.5 * p).astype(np.int64)


def walk(n_walkers, steps, p, seed=None):
    """Final displacements of independent lazy random walkers, hop by hop.

    Each walker starts at site 0 and, at each of ``steps`` steps, hops left
    with probability ``p/2``, right with ``p/2``, or stays. Only the current
    positions are kept (O(n_walkers) memory).

    Parameters
    ----------
    n_walkers : int
        Number of walkers (>= 0).
    steps : int
        Number of time steps (>= 0); one step lasts tau seconds.
    p : float
        Hop probability per step (dimensionless, 0..1).
    seed : int, numpy.random.Generator or None
        Source of randomness; the same int gives the same walk every time.

    Returns
    -------
    ndarray of int64, shape (n_walkers,)
        Displacement of each walker in lattice units (sites; multiply by ell
        for metres).
    """
    n, t, p = walk_args(n_walkers, steps, p)
    if not _jit.HAVE_NUMBA:
        rng = generator(seed)
        x = np.zeros(n, dtype=np.int64)
        for _ in range(t):
            x += _numpy_hops(rng, n, p)
        return x
    keys = chunk_keys(seed)
    out = np.empty(n, dtype=np.int64)
    if n == 0 or t == 0 or p == 0.0:
        out[:] = 0
        return out
    kernel = _jit.pick(_walk_parallel, _walk_serial, n * t)
    return kernel(np.int64(t), hop_threshold(p), keys, out)


def msd(n_walkers, steps, p, seed=None):
    """Mean squared displacement of lazy random walkers after every step.

    The walkers are stepped exactly as in :func:`walk`; after each step the
    mean of x² over all walkers is recorded. Theory: ``msd[t] = p t``.

    Parameters
    ----------
    n_walkers : int
        Number of walkers (>= 1).
    steps : int
        Number of time steps (>= 0).
    p : float
        Hop probability per step (dimensionless, 0..1).
    seed : int, numpy.random.Generator or None
        Source of randomness (reproducible for a given int).

    Returns
    -------
    ndarray of float64, shape (steps + 1,)
        Mean squared displacement in sites² (``msd[0] == 0``); multiply by
        ell² for m².

    Notes
    -----
    Memory is O(n_walkers) for the positions plus one exact int64 sum of x²
    per step and per chunk (:data:`N_CHUNKS` x (steps + 1) x 8 bytes, 0.5 MB
    for 1000 steps). ``msd(...)[-1]`` equals the mean of ``walk(...)**2`` for
    the same arguments when p < 1 (same walkers, same draws).
    """
    n = _validate.count("n_walkers", n_walkers, "number of walkers", minimum=1)
    _, t, p = walk_args(n, steps, p)
    if not _jit.HAVE_NUMBA:
        rng = generator(seed)
        x = np.zeros(n, dtype=np.int64)
        out = np.zeros(t + 1)
        for k in range(t):
            x += _numpy_hops(rng, n, p)
            out[k + 1] = np.dot(x, x) / n
        return out
    keys = chunk_keys(seed)
    # Integer sums are exact, so the result does not depend on summation order.
    sq = np.zeros((keys.shape[0], t + 1), dtype=np.int64)
    if t > 0 and p > 0.0:
        kernel = _jit.pick(_msd_parallel, _msd_serial, n * t)
        kernel(np.int64(n), np.int64(t), hop_threshold(p), keys, sq)
    return sq.sum(axis=0) / float(n)


@jit
def _walk_2d_chunk(ch, steps, thr, keys, out):
    n = out.shape[0]
    n_chunks = keys.shape[0]
    s = keys[ch]
    for w in range(ch * n // n_chunks, (ch + 1) * n // n_chunks):
        x = np.int64(0)
        y = np.int64(0)
        for _ in range(steps):
            # Hop if the top 32 bits fall below thr; bit 0 picks the axis,
            # bit 1 the direction (branch-free).
            s = s + GAMMA
            r = mix(s)
            move = np.int64((r >> _S32) < thr)
            sign = 2 * np.int64((r >> _ONE) & _ONE) - 1
            horizontal = np.int64(r & _ONE)
            x += move * horizontal * sign
            y += move * (1 - horizontal) * sign
        out[w, 0] = x
        out[w, 1] = y


def _walk_2d_all(steps, thr, keys, out):
    # One source for both compilations below (see flowkit._jit: cached apart).
    for ch in prange(keys.shape[0]):
        _walk_2d_chunk(ch, steps, thr, keys, out)
    return out


_walk_2d_serial = jit(_walk_2d_all)
_walk_2d_parallel = jit(_walk_2d_all, parallel=True)


def walk_2d(n_walkers, steps, p, seed=None):
    """Final positions of lazy random walkers on a square lattice.

    Each step a walker hops with probability ``p`` to one of its four
    neighbours (``p/4`` each) and otherwise stays. The mean squared distance
    after t steps is ``p t`` sites², so ``D = p ell² / (4 tau)`` in 2D; each
    coordinate alone is a 1D lazy walk with hop probability ``p/2``.

    Parameters
    ----------
    n_walkers : int
        Number of walkers (>= 0).
    steps : int
        Number of time steps (>= 0).
    p : float
        Hop probability per step (dimensionless, 0..1).
    seed : int, numpy.random.Generator or None
        Source of randomness (reproducible for a given int).

    Returns
    -------
    ndarray of int64, shape (n_walkers, 2)
        (x, y) displacement of each walker in lattice units (sites).
    """
    n, t, p = walk_args(n_walkers, steps, p)
    if not _jit.HAVE_NUMBA:
        rng = generator(seed)
        pos = np.zeros((n, 2), dtype=np.int64)
        for _ in range(t):
            u = rng.random(n)
            hop = (u < p).astype(np.int64)
            # Within [0, p) the four quarters are the four directions.
            quarter = np.minimum((4.0 * u / p).astype(np.int64), 3) if p > 0 else np.zeros(n, np.int64)
            sign = 2 * (quarter % 2) - 1
            pos[:, 0] += hop * (quarter < 2) * sign
            pos[:, 1] += hop * (quarter >= 2) * sign
        return pos
    keys = chunk_keys(seed)
    out = np.zeros((n, 2), dtype=np.int64)
    if n == 0 or t == 0 or p == 0.0:
        return out
    kernel = _jit.pick(_walk_2d_parallel, _walk_2d_serial, 2 * n * t)
    return kernel(np.int64(t), hop_threshold(p), keys, out)


def warm_up():
    """Load the serial and the parallel variant of each walker kernel at a tiny size."""
    if not _jit.HAVE_NUMBA:
        return
    # Both variants, since the wrappers choose between them by the size of the job.
    keys = chunk_keys(0)
    for thr in (hop_threshold(0.5), hop_threshold(1.0)):
        for kernel in (_walk_serial, _walk_parallel):
            kernel(np.int64(70), thr, keys, np.zeros(4, np.int64))
    for kernel in (_msd_serial, _msd_parallel):
        kernel(np.int64(4), np.int64(70), hop_threshold(0.5), keys, np.zeros((keys.size, 71), np.int64))
    for kernel in (_walk_2d_serial, _walk_2d_parallel):
        kernel(np.int64(3), hop_threshold(0.5), keys, np.zeros((4, 2), np.int64))
