"""Walkers stepped hop by hop: :func:`walk`, :func:`msd` (1D) and :func:`walk_2d`.

Memory is O(n_walkers): only the current positions are kept, never an
n_walkers x steps array. The walkers are split into
:data:`~flowkit.randomwalk.N_CHUNKS` chunks with one SplitMix64 stream each
(from ``SeedSequence(seed).spawn``); a walker's draws follow on from those of
the walker before it in its chunk. Because a SplitMix64 state can jump to any
draw in one multiply, a kernel call can start any walker at any step: long
runs go in pieces of about 0.1 s (see :mod:`flowkit._chunks`), so Ctrl-C stops
them, and the same seed gives the same walk on one thread or many, in one
piece or a thousand.
"""

import numpy as np

from flowkit import _chunks, _jit, _validate, limits
from flowkit._jit import jit, prange

from ._inputs import chunk_keys, generator, walk_args
from .rng import GAMMA, hop_threshold, mix, popcount

__all__ = ["walk", "msd", "walk_2d"]

_S32 = np.uint64(32)
_ONE = np.uint64(1)
_LO32 = np.uint64(0xFFFFFFFF)

# Hops per kernel call (about 0.05 s at 0.3-0.5 ns per hop, a few times that on a
# busy machine): the longest Ctrl-C waits.
# The kernels write into arrays they are given and return nothing: boxing a
# returned array runs Python code (numba unpickles its dtype), and a Ctrl-C
# landing there would surface as a SystemError instead of KeyboardInterrupt.
_HOPS_PER_CALL = 1 << 27
# msd keeps one int64 sum per chunk and step of a piece: at most 64 x 8192 x 8 bytes = 4 MiB.
_MSD_SPAN = 1 << 13


@jit
def _chunk_of(w, n, n_chunks):
    """The chunk that holds walker ``w``: chunk c holds walkers c n // n_chunks up to (c + 1) n // n_chunks."""
    c = (w * n_chunks) // n
    while (c + 1) * n // n_chunks <= w:
        c += 1
    return c


def _walk_piece(lo, hi, start, stop, steps, thr, keys, out):
    """Advance walkers ``lo:hi`` of ``out`` from step ``start`` to ``stop`` (multiples of 64, or ``steps``).

    Walker w of chunk c (the j-th of its chunk) uses draws j D + 1, j D + 2, ...
    of the chunk's stream, D = draws per walker: for p < 1, 33 per 64 steps
    (one for the 64 directions, 32 for two 32-bit hop decisions each) and one
    per step of the tail; for p = 1 one per 64 steps and one for the tail.
    """
    n = out.shape[0]
    n_chunks = keys.shape[0]
    always = thr >= np.uint64(4294967296)
    n_blocks = steps // 64
    rest = steps - 64 * n_blocks
    if always:
        per_walker = n_blocks + (1 if rest > 0 else 0)
        before = start // 64
    else:
        per_walker = 33 * n_blocks + rest
        before = 33 * (start // 64)
    tail = rest if stop == steps else 0
    for w in prange(lo, hi):
        ch = _chunk_of(w, n, n_chunks)
        j = w - ch * n // n_chunks
        s = keys[ch] + GAMMA * (np.uint64(j) * np.uint64(per_walker) + np.uint64(before))
        x = out[w]
        if always:
            # p = 1: every step is a hop, so each random bit is one hop's
            # direction; 64 hops per draw, summed with a bit count.
            for _ in range(start // 64, stop // 64):
                s = s + GAMMA
                x += 2 * popcount(mix(s)) - 64
            if tail > 0:
                s = s + GAMMA
                mask = (_ONE << np.uint64(tail)) - _ONE
                x += 2 * popcount(mix(s) & mask) - tail
        else:
            for _ in range(start // 64, stop // 64):
                # 64 steps: one draw gives the 64 directions, 32 draws give
                # two 32-bit hop decisions each (u < thr, branch-free).
                s = s + GAMMA
                d = mix(s)
                for b in range(32):
                    s = s + GAMMA
                    r = mix(s)
                    m1 = np.int64((r & _LO32) < thr)
                    m2 = np.int64((r >> _S32) < thr)
                    b1 = np.int64((d >> np.uint64(2 * b)) & _ONE)
                    b2 = np.int64((d >> np.uint64(2 * b + 1)) & _ONE)
                    x += m1 * (2 * b1 - 1) + m2 * (2 * b2 - 1)
            for _ in range(tail):
                s = s + GAMMA
                r = mix(s)
                x += np.int64((r >> _S32) < thr) * (2 * np.int64(r & _ONE) - 1)
        out[w] = x


# One source for both compilations (cached apart, see flowkit._jit).
_walk_serial = jit(_walk_piece)
_walk_parallel = jit(_walk_piece, parallel=True)


@jit
def _msd_chunk(ch, n, lo, hi, start, stop, steps, thr, keys, xs, sq):
    """Advance the walkers of chunk ``ch`` within ``lo:hi`` from step ``start`` to ``stop``.

    Positions live in ``xs``; the sum of x² over these walkers after step
    ``start + i + 1`` is added to ``sq[ch, i]``. Walker w uses the same draws
    as in :func:`_walk_piece` (draw k of the j-th walker of a chunk is
    mix(key + gamma (j D + k))), but here the loop over walkers is innermost:
    all walkers advance one step together, so the x² sum of a step is a plain
    (SIMD) reduction.
    """
    n_chunks = keys.shape[0]
    n_blocks = steps // 64
    rest = steps - 64 * n_blocks
    per_walker = np.uint64(33 * n_blocks + rest)
    first = ch * n // n_chunks
    w0 = max(first, lo)
    w1 = min((ch + 1) * n // n_chunks, hi)
    if w1 <= w0:
        return
    nw = w1 - w0
    j0 = np.uint64(w0 - first)
    key = keys[ch]
    acc = sq[ch]
    ds = np.empty(nw, dtype=np.uint64)
    # A local copy of the positions: the compiler then knows that no other
    # array aliases them and vectorises the walker loops (15x faster).
    loc = xs[w0:w1].copy()
    t = 0
    for blk in range(start // 64, stop // 64):
        off = np.uint64(33 * blk + 1)
        for i in range(nw):
            ds[i] = mix(key + GAMMA * ((j0 + np.uint64(i)) * per_walker + off))
        for b in range(32):
            o = off + np.uint64(b + 1)
            sh1 = np.uint64(2 * b)
            sh2 = np.uint64(2 * b + 1)
            sum1 = np.int64(0)
            sum2 = np.int64(0)
            for i in range(nw):
                r = mix(key + GAMMA * ((j0 + np.uint64(i)) * per_walker + o))
                d = ds[i]
                m1 = np.int64((r & _LO32) < thr)
                m2 = np.int64((r >> _S32) < thr)
                b1 = np.int64((d >> sh1) & _ONE)
                b2 = np.int64((d >> sh2) & _ONE)
                x = loc[i] + m1 * (2 * b1 - 1)
                sum1 += x * x
                x += m2 * (2 * b2 - 1)
                sum2 += x * x
                loc[i] = x
            acc[t] += sum1
            acc[t + 1] += sum2
            t += 2
    if stop == steps:
        for k in range(rest):
            o = np.uint64(33 * n_blocks + 1 + k)
            sum1 = np.int64(0)
            for i in range(nw):
                r = mix(key + GAMMA * ((j0 + np.uint64(i)) * per_walker + o))
                x = loc[i] + np.int64((r >> _S32) < thr) * (2 * np.int64(r & _ONE) - 1)
                sum1 += x * x
                loc[i] = x
            acc[t] += sum1
            t += 1
    xs[w0:w1] = loc


def _msd_piece(n, lo, hi, start, stop, steps, thr, keys, xs, sq):
    for ch in prange(keys.shape[0]):
        _msd_chunk(ch, n, lo, hi, start, stop, steps, thr, keys, xs, sq)


# One source for both compilations (cached apart, see flowkit._jit).
_msd_serial = jit(_msd_piece)
_msd_parallel = jit(_msd_piece, parallel=True)


def _numpy_hops(rng, n, p):
    # One uniform per walker: [0, p/2) left, [1 - p/2, 1) right, else stay.
    u = rng.random(n)
    return (u >= 1.0 - 0.5 * p).astype(np.int64) - (u < 0.5 * p).astype(np.int64)


# Bytes per walker: the positions (int64 each, two in 2D), plus, without numba,
# the NumPy path's per-step temporaries (a float64 uniform and two int64 masks).
def _per_walker_bytes(coordinates):
    return 8 * coordinates + (0 if _jit.HAVE_NUMBA else 24 * coordinates)


def _run(kernel_parallel, kernel_serial, n, t, desc, cost=1, span=None, align=64):
    """Pieces ``(kernel, lo, hi, start, stop)`` of an n-walker, t-step job, with progress.

    ``cost`` is the price of one walker-step in 1D hops; each piece gets the
    serial or the parallel kernel by its own size.
    """
    _jit.load_once(warm_up)
    with _chunks.Progress(n * t, desc, "step") as bar:
        for lo, hi, start, stop in _chunks.pieces(n, t, _HOPS_PER_CALL // cost, align=align, max_span=span):
            work = (hi - lo) * (stop - start)
            yield _jit.pick(kernel_parallel, kernel_serial, cost * work), lo, hi, start, stop
            bar.update(work)


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

    Raises
    ------
    ValueError
        For bad input, or when ``n_walkers`` needs more memory than
        :func:`flowkit.limits.memory_limit` allows (8 bytes per walker).

    Notes
    -----
    Long runs go in pieces of about 0.1 s, so Ctrl-C stops them; a progress
    bar appears after 2 s. The pieces do not change the numbers.

    Examples
    --------
    >>> x = walk(5, 1000, 0.5, seed=42)
    >>> x.dtype, x.shape, bool(abs(x).max() <= 1000)
    (dtype('int64'), (5,), True)
    >>> bool((walk(5, 1000, 0.5, seed=42) == x).all())  # the same seed, the same walk
    True
    """
    n, t, p = walk_args(n_walkers, steps, p)
    limits.check_memory("walk", [("n_walkers", n_walkers, _per_walker_bytes(1) * n, "the walkers' positions")])
    if not _jit.HAVE_NUMBA:
        rng = generator(seed)
        x = np.zeros(n, dtype=np.int64)
        with _chunks.Progress(t, "walk", "step") as bar:
            for _ in range(t):
                x += _numpy_hops(rng, n, p)
                bar.update(1)
        return x
    keys = chunk_keys(seed)
    out = np.zeros(n, dtype=np.int64)
    if p == 0.0:
        return out
    thr = hop_threshold(p)
    for kernel, lo, hi, start, stop in _run(_walk_parallel, _walk_serial, n, t, "walk"):
        kernel(lo, hi, start, stop, t, thr, keys, out)
    return out


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
    Memory is 16 bytes per walker (positions and a buffer of draws) plus 24
    bytes per step (the exact int64 sum of x² and the result); the call is
    refused beforehand when that exceeds :func:`flowkit.limits.memory_limit`.
    ``msd(...)[-1]`` equals the mean of ``walk(...)**2`` for the same
    arguments when p < 1 (same walkers, same draws). Long runs go in pieces
    that Ctrl-C can stop, with a progress bar after 2 s.

    Examples
    --------
    >>> m = msd(20_000, 100, 0.5, seed=1)
    >>> float(m[0]), bool(abs(m[100] - 50) < 2)  # theory: p t = 50 sites^2
    (0.0, True)
    """
    n = _validate.count("n_walkers", n_walkers, "number of walkers", minimum=1)
    _, t, p = walk_args(n, steps, p)
    limits.check_memory(
        "msd",
        [
            ("n_walkers", n_walkers, (_per_walker_bytes(1) + 8) * n, "positions and draws of the walkers"),
            ("steps", steps, 24 * (t + 1), "the exact sum of x^2 and the mean after every step"),
        ],
    )
    if not _jit.HAVE_NUMBA:
        rng = generator(seed)
        x = np.zeros(n, dtype=np.int64)
        out = np.zeros(t + 1)
        with _chunks.Progress(t, "msd", "step") as bar:
            for k in range(t):
                x += _numpy_hops(rng, n, p)
                out[k + 1] = np.dot(x, x) / n
                bar.update(1)
        return out
    keys = chunk_keys(seed)
    # Integer sums are exact, so the result depends neither on summation order nor on the pieces.
    total = np.zeros(t + 1, dtype=np.int64)
    if p > 0.0:
        thr = hop_threshold(p)
        xs = np.zeros(n, dtype=np.int64)
        sq = np.zeros((keys.shape[0], min(t, _MSD_SPAN)), dtype=np.int64)
        for kernel, lo, hi, start, stop in _run(_msd_parallel, _msd_serial, n, t, "msd", span=_MSD_SPAN):
            kernel(n, lo, hi, start, stop, t, thr, keys, xs, sq)
            total[start + 1 : stop + 1] += sq[:, : stop - start].sum(axis=0)
            sq[:] = 0
    return total / float(n)


def _walk_2d_piece(lo, hi, start, stop, steps, thr, keys, out):
    """Advance walkers ``lo:hi`` from step ``start`` to ``stop``; one draw per walker and step."""
    n = out.shape[0]
    n_chunks = keys.shape[0]
    for w in prange(lo, hi):
        ch = _chunk_of(w, n, n_chunks)
        j = w - ch * n // n_chunks
        s = keys[ch] + GAMMA * (np.uint64(j) * np.uint64(steps) + np.uint64(start))
        x = out[w, 0]
        y = out[w, 1]
        for _ in range(start, stop):
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


# One source for both compilations (cached apart, see flowkit._jit).
_walk_2d_serial = jit(_walk_2d_piece)
_walk_2d_parallel = jit(_walk_2d_piece, parallel=True)


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

    Examples
    --------
    >>> pos = walk_2d(3, 10, 1.0, seed=0)
    >>> pos.shape, bool((abs(pos).sum(axis=1) <= 10).all())
    ((3, 2), True)
    """
    n, t, p = walk_args(n_walkers, steps, p)
    limits.check_memory(
        "walk_2d", [("n_walkers", n_walkers, _per_walker_bytes(2) * n, "the walkers' (x, y) positions")]
    )
    if not _jit.HAVE_NUMBA:
        rng = generator(seed)
        pos = np.zeros((n, 2), dtype=np.int64)
        with _chunks.Progress(t, "walk_2d", "step") as bar:
            for _ in range(t):
                u = rng.random(n)
                hop = (u < p).astype(np.int64)
                # Within [0, p) the four quarters are the four directions.
                quarter = np.minimum((4.0 * u / p).astype(np.int64), 3) if p > 0 else np.zeros(n, np.int64)
                sign = 2 * (quarter % 2) - 1
                pos[:, 0] += hop * (quarter < 2) * sign
                pos[:, 1] += hop * (quarter >= 2) * sign
                bar.update(1)
        return pos
    keys = chunk_keys(seed)
    out = np.zeros((n, 2), dtype=np.int64)
    if p == 0.0:
        return out
    thr = hop_threshold(p)
    # A 2D step costs about twice a 1D one (one draw per step, not 33 per 64).
    for kernel, lo, hi, start, stop in _run(_walk_2d_parallel, _walk_2d_serial, n, t, "walk_2d", cost=2, align=1):
        kernel(lo, hi, start, stop, t, thr, keys, out)
    return out


def warm_up():
    """Load the serial and the parallel variant of each walker kernel at a tiny size."""
    if not _jit.HAVE_NUMBA:
        return
    # Both variants, since the wrappers choose between them by the size of the job.
    keys = chunk_keys(0)
    for thr in (hop_threshold(0.5), hop_threshold(1.0)):
        for kernel in (_walk_serial, _walk_parallel):
            kernel(0, 4, 0, 70, 70, thr, keys, np.zeros(4, np.int64))
    sq = np.zeros((keys.size, 70), np.int64)
    for kernel in (_msd_serial, _msd_parallel):
        kernel(4, 0, 4, 0, 70, 70, hop_threshold(0.5), keys, np.zeros(4, np.int64), sq)
    for kernel in (_walk_2d_serial, _walk_2d_parallel):
        kernel(0, 4, 0, 3, 3, hop_threshold(0.5), keys, np.zeros((4, 2), np.int64))
