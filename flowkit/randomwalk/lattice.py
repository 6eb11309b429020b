"""Occupation numbers: the lattice gas (1D, 2D) and its deterministic mean.

Instead of following particles, each site keeps a count; every step a site's
particles split into stayers and movers with exact binomial draws. The cost is
O(sites x steps) whatever the number of particles, so a billion particles are
as cheap as a thousand. The draws of site i at step k come from their own
counter-based stream (mix(key + gamma (k n_sites + i)), see
:mod:`flowkit.randomwalk.rng`), so the result does not depend on how the
lattice is cut into parallel tiles.

:func:`master_equation` is the average of the same walk, computed by the
explicit diffusion solver :func:`flowkit.diffusion.ftcs` with r = p/2.
"""

import numpy as np

from flowkit import _chunks, _jit, _validate, diffusion, limits
from flowkit._jit import jit, prange

from ._inputs import BCS, counts_1d, generator, site_key
from .rng import GAMMA, binomial, mix

__all__ = ["lattice_gas", "lattice_gas_2d", "master_equation"]

# Site-steps per kernel call, 0.1-0.2 s each (~100-200 ns per site-step in
# 1D, ~250 ns in 2D): the longest a Ctrl-C waits.
_SITE_STEPS_PER_CALL = 1 << 20
_SITE_STEPS_PER_CALL_2D = 1 << 18
# Bytes per site (peaks measured with tracemalloc, rounded up). 1D: the int64
# counts (validated copy, and the kernel's two buffers) and the per-tile scratch
# (copy, movers, left, right, stream state), 72; the NumPy path's temporaries
# take about as much. 2D: the counts (validated copy and the kernel's buffer)
# and four int64 move counts, 56; the NumPy path holds about ten int64 arrays.
_SITE_BYTES = 80
_SITE_BYTES_2D = 64
_SITE_BYTES_2D_NUMPY = 80


@jit
def _gas_tile_block(tile, n_tiles, k0, n_steps, cur, nxt, p, periodic, gate, key, crossings):
    """Advance one tile (plus halo) of the 1D lattice gas by ``n_steps`` steps.

    Random numbers are counter-based: the draws of site i at step k start
    from mix(key + gamma (k n_sites + i)), so every (site, step) has its own
    stream and the result cannot depend on how the work is divided.

    That freedom pays for parallelism with few synchronisations (overlapped
    tiling): the lattice is cut into ``n_tiles`` tiles; for each block of
    steps every tile copies itself plus a halo of ``n_steps`` sites on each
    side and advances the copy alone. The halo's outer sites go wrong (they
    miss hops from beyond the copy) but the damage travels one site per step,
    so after the block the tile itself is exact. Reads ``cur``, writes the
    tile's sites of ``nxt``.
    """
    n = cur.shape[0]
    single = n_tiles == 1
    halo = 0 if single else n_steps
    lo = tile * n // n_tiles
    hi = (tile + 1) * n // n_tiles
    if periodic:
        elo = lo - halo
        ehi = hi + halo
    else:
        elo = max(lo - halo, 0)
        ehi = min(hi + halo, n)
    w = ehi - elo
    loc = np.empty(w, dtype=np.int64)
    left = np.empty(w, dtype=np.int64)
    right = np.empty(w, dtype=np.int64)
    moving = np.empty(w, dtype=np.int64)
    states = np.empty(w, dtype=np.uint64)
    first = elo % n  # global index of loc[0] (Python modulo: never negative)
    site = first
    for j in range(w):
        loc[j] = cur[site]
        site = site + 1 if site < n - 1 else 0
    for step in range(n_steps):
        k = k0 + step
        base = np.uint64(k) * np.uint64(n)
        # Two passes (all movers, then all left/right splits) so that the
        # draws in one loop are independent and the CPU can overlap them.
        site = first
        for j in range(w):
            s = mix(key + GAMMA * (base + np.uint64(site)))
            moving[j], states[j] = binomial(loc[j], p, s)
            site = site + 1 if site < n - 1 else 0
        for j in range(w):
            n_left, s = binomial(moving[j], 0.5, states[j])
            left[j] = n_left
            right[j] = moving[j] - n_left
        if not periodic:
            # No flux: a hop into the wall is a hop that stays put.
            if elo == 0:
                left[0] = 0
            if ehi == n:
                right[w - 1] = 0
        if gate >= 0 and lo <= gate < hi:
            jg = gate - elo
            crossings[k] = right[jg] - left[(jg + 1) % w]
        for j in range(w):
            inflow = np.int64(0)
            if j > 0:
                inflow += right[j - 1]
            elif single and periodic:
                inflow += right[w - 1]
            if j < w - 1:
                inflow += left[j + 1]
            elif single and periodic:
                inflow += left[0]
            loc[j] += inflow - left[j] - right[j]
    for i in range(lo, hi):
        nxt[i] = loc[i - elo]


def _lattice_gas_all(counts, k_start, k_stop, p, periodic, gate, key, crossings, n_tiles, block):
    """Advance ``counts`` in place through steps ``k_start`` to ``k_stop`` (global step numbers).

    One parallel region per block of steps. One source for the serial and the
    parallel compilation (cached apart, see :mod:`flowkit._jit`). Returns
    nothing, like every kernel that a long run calls repeatedly (see
    :mod:`flowkit._chunks`).
    """
    cur = counts.copy()
    nxt = counts.copy()
    k0 = k_start
    while k0 < k_stop:
        n_steps = min(block, k_stop - k0)
        for tile in prange(n_tiles):
            _gas_tile_block(tile, n_tiles, k0, n_steps, cur, nxt, p, periodic, gate, key, crossings)
        cur, nxt = nxt, cur
        k0 += n_steps
    counts[:] = cur


_lattice_gas_serial = jit(_lattice_gas_all)
_lattice_gas_parallel = jit(_lattice_gas_all, parallel=True)


def _gas_tiles(first, last, n_tiles, k, cur, nxt, p, periodic, gate, key, crossings):
    """Step ``k`` of tiles ``first:last`` (of ``n_tiles``): reads ``cur``, writes their sites of ``nxt``."""
    for tile in prange(first, last):
        _gas_tile_block(tile, n_tiles, k, 1, cur, nxt, p, periodic, gate, key, crossings)


# One source for both compilations (cached apart, see flowkit._jit).
_gas_tiles_serial = jit(_gas_tiles)
_gas_tiles_parallel = jit(_gas_tiles, parallel=True)


def _huge_lattice_gas(counts, steps, p, periodic, gate, key, crossings, bar):
    """A lattice too big for one step per call: each step goes tile by tile.

    The tiles (about 2^16 sites each, a halo of one site) are the parallel
    layout of :func:`_gas_tile_block`, so the numbers are the same; a call
    covers about :data:`_SITE_STEPS_PER_CALL` sites, so Ctrl-C waits ~0.1 s.
    """
    n = counts.size
    n_tiles = max(2, n >> 16)
    per_call = max(1, n_tiles * _SITE_STEPS_PER_CALL // n)
    cur = counts
    nxt = counts.copy()
    for k in range(steps):
        for first in range(0, n_tiles, per_call):
            last = min(first + per_call, n_tiles)
            kernel = _jit.pick(_gas_tiles_parallel, _gas_tiles_serial, 10 * (last - first) * (n // n_tiles))
            kernel(first, last, n_tiles, k, cur, nxt, p, periodic, gate, key, crossings)
        cur, nxt = nxt, cur
        bar.update(1)
    if cur is not counts:
        counts[:] = cur


def _tiling(n_sites, steps, periodic):
    """(parallel?, tiles, block length) for the lattice gas (speed only)."""
    threads = _jit.num_threads()
    # Each tile needs some width for its halo to be cheap; ~10 operations per site-step.
    if n_sites < 256 * threads or not _jit.use_threads(10 * n_sites * steps):
        return False, 1, 1 << 62
    width = n_sites // threads
    # Halo work costs 2 block / width extra; 32 steps per block keeps that
    # small and the number of parallel regions (steps / block) low.
    block = max(1, min(32, width // 8))
    if periodic:
        block = min(block, (n_sites - width - 1) // 2)
    return True, threads, block


def _numpy_lattice_gas(counts, steps, p, periodic, gate, rng, crossings, bar):
    c = counts.copy()
    for k in range(steps):
        bar.update(1)
        moving = rng.binomial(c, p)
        n_left = rng.binomial(moving, 0.5)
        n_right = moving - n_left
        if not periodic:
            n_left[0] = 0
            n_right[-1] = 0
        if gate >= 0:
            crossings[k] = n_right[gate] - n_left[(gate + 1) % c.size]
        c -= n_left + n_right
        if periodic:
            c += np.roll(n_right, 1) + np.roll(n_left, -1)
        else:
            c[1:] += n_right[:-1]
            c[:-1] += n_left[1:]
    return c


def lattice_gas(counts, steps, p, seed=None, bc="noflux", gate=None):
    """Occupation-number random walk of many independent particles.

    Every step, each site's ``n`` particles split into movers
    ``m ~ Binomial(n, p)`` and stayers; the movers split into
    ``Binomial(m, 1/2)`` going left and the rest going right. This is exactly
    the walk of :func:`walk` for every particle, but the cost is
    O(sites x steps) whatever the particle number, so 1e9 particles are fine.
    The total particle number is conserved exactly (integers).

    Parameters
    ----------
    counts : array_like of int, shape (n_sites,)
        Initial number of particles on each site (whole numbers >= 0).
    steps : int
        Number of time steps (>= 0).
    p : float
        Hop probability per step (dimensionless, 0..1).
    seed : int, numpy.random.Generator or None
        Source of randomness (reproducible for a given int).
    bc : {"noflux", "periodic"}
        ``"noflux"``: a hop off either end is blocked and the particle stays;
        ``"periodic"``: the ends are neighbours.
    gate : int or None
        If given, also count the net number of particles crossing from site
        ``gate`` to site ``gate + 1`` (wrapping to site 0 when periodic) at
        each step.

    Returns
    -------
    counts : ndarray of int64, shape (n_sites,)
        Final particle numbers per site.
    net_crossings : ndarray of int64, shape (steps,)
        Only when ``gate`` is given: net rightward crossings through the gate
        during each step (particles per step; divide by tau and the gate area
        for a flux, compare with :func:`gate_flux`).

    Notes
    -----
    The binomial draws are exact: sequential inversion when the mean is
    small, Hormann's BTRD transformed rejection otherwise (constant cost in
    the count). Large lattices run in parallel tiles when a second core is
    idle and on one thread otherwise; both give the same numbers.

    Memory is about 80 bytes per site, plus 8 per step when ``gate`` is given
    (no per-step array otherwise); a call beyond
    :func:`flowkit.limits.memory_limit` is refused before it starts. Long runs
    go in pieces of about 0.1 s that Ctrl-C stops, with a progress bar after
    2 s; the pieces do not change the numbers.

    Examples
    --------
    A million particles on the middle site of 41, ten steps: all of them are
    still there, spread out, and none has got further than ten sites.

    >>> counts = np.zeros(41, dtype=np.int64)
    >>> counts[20] = 10**6
    >>> out = lattice_gas(counts, 10, 0.5, seed=3)
    >>> int(out.sum()), bool(out[20] < 10**6), int(out[:10].sum() + out[31:].sum())
    (1000000, True, 0)
    """
    c0 = counts_1d("counts", counts)
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = _validate.probability("p", p, "hop probability per step", scalar=True)
    bc = _validate.choice("bc", bc, BCS)
    periodic = bc == "periodic"
    if gate is None:
        g = -1
    else:
        top = c0.size - 1 if periodic else c0.size - 2
        g = _validate.count("gate", gate, "index of the site left of the gate", minimum=0)
        if g > top:
            raise ValueError(
                f"gate must be an integer in [0, {top}] (a gate lies between sites gate and "
                f"gate + 1 of {c0.size} sites, bc={bc!r}); got {gate!r}"
            )
    limits.check_memory(
        "lattice_gas",
        [
            (
                "counts",
                c0.shape,
                _SITE_BYTES * c0.size,
                "the counts and the per-site draws of each step",
            ),
            ("steps", steps, 8 * t if gate is not None else 0, "one gate crossing count per step"),
        ],
    )
    if c0.sum(dtype=np.float64) >= 2.0**62:
        raise ValueError(f"counts must total fewer than 2**62 particles; got {c0.sum(dtype=np.float64):.3g}")
    # The crossings array exists only when a gate asks for it (one int64 per step).
    crossings = np.zeros(t if gate is not None else 1, dtype=np.int64)
    with _chunks.Progress(t, "lattice_gas", "step") as bar:
        if not _jit.HAVE_NUMBA:
            out = _numpy_lattice_gas(c0, t, p, periodic, g, generator(seed), crossings, bar)
        else:
            _jit.load_once(warm_up)
            key = site_key(seed)
            out = c0  # a fresh copy of the caller's counts, advanced in place
            if c0.size > _SITE_STEPS_PER_CALL:
                _huge_lattice_gas(out, t, p, periodic, g, key, crossings, bar)
            else:
                # Pieces of whole steps (the sites of one step are coupled), about 0.1 s each.
                for _, _, start, stop in _chunks.pieces(1, t, _SITE_STEPS_PER_CALL // c0.size):
                    parallel, tiles, block = _tiling(c0.size, stop - start, periodic)
                    kernel = _lattice_gas_parallel if parallel else _lattice_gas_serial
                    kernel(out, start, stop, p, periodic, g, key, crossings, tiles, block)
                    bar.update(stop - start)
    if gate is None:
        return out
    return out, crossings


def master_equation(prob, steps, p, bc="noflux"):
    """Deterministic average of the lattice walk (the master equation).

    One step maps ``P_i -> (1 - p) P_i + (p/2)(P_{i-1} + P_{i+1})``: an
    explicit (FTCS) diffusion step with ``r = D tau / ell² = p/2``, so this
    calls :func:`flowkit.diffusion.ftcs` (cells = sites, dx = tau = 1). With
    ``bc="noflux"`` a hop off an end stays put, so the sum is conserved.

    Parameters
    ----------
    prob : array_like of float, shape (n_sites,)
        Initial probabilities or mean occupation numbers per site (>= 0).
    steps : int
        Number of time steps (>= 0).
    p : float
        Hop probability per step (dimensionless, 0..1).
    bc : {"noflux", "periodic"}
        Boundary condition, as in :func:`lattice_gas`.

    Returns
    -------
    ndarray of float64, shape (n_sites,)
        The distribution after ``steps`` steps (same units as ``prob``).

    Examples
    --------
    >>> master_equation([0.0, 1.0, 0.0], 1, 0.5).tolist()
    [0.25, 0.5, 0.25]
    """
    # The solver's memory (32 bytes per site), checked before any copy is made.
    limits.check_memory(
        "master_equation",
        [("prob", np.shape(prob), 32 * np.size(prob), "the grid and its buffers")],
    )
    P = np.array(
        _validate.nonnegative("prob", prob, "probabilities or mean counts per site"), dtype=np.float64, ndmin=1
    )
    if P.ndim != 1 or P.size == 0:
        raise ValueError(f"prob must be a non-empty 1D array; got shape {np.shape(prob)}")
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = _validate.probability("p", p, "hop probability per step", scalar=True)
    bc = _validate.choice("bc", bc, BCS)
    n = P.size
    if n < 3:
        # The grid solver needs 3 cells. A ring of 1 or 2 sites behaves exactly like
        # the same sites repeated around a longer ring, and a sealed lattice like the
        # ring of itself followed by its mirror image; both are periodic.
        period = P if bc == "periodic" else np.concatenate((P, P[::-1]))
        ring = np.tile(period, 3)
        return diffusion.ftcs(ring, 0.5 * p, 1.0, 1.0, t, bc="periodic")[:n]
    return diffusion.ftcs(P, 0.5 * p, 1.0, 1.0, t, bc=bc)


@jit
def _gas_2d_draw(c, moves, k, i0, i1, p, periodic, key):
    """Draw step ``k``'s moves (left, right, down, up) of the sites in rows ``i0:i1``."""
    ny, nx = c.shape
    base = np.uint64(k) * np.uint64(nx * ny)
    for i in range(i0, i1):
        for j in range(nx):
            s = mix(key + GAMMA * (base + np.uint64(i * nx + j)))
            moving, s = binomial(c[i, j], p, s)
            n_x, s = binomial(moving, 0.5, s)
            n_left, s = binomial(n_x, 0.5, s)
            n_down, s = binomial(moving - n_x, 0.5, s)
            n_right = n_x - n_left
            n_up = moving - n_x - n_down
            if not periodic:
                # Hops into a wall stay put.
                if j == 0:
                    n_left = 0
                if j == nx - 1:
                    n_right = 0
                if i == 0:
                    n_down = 0
                if i == ny - 1:
                    n_up = 0
            moves[0, i, j] = n_left
            moves[1, i, j] = n_right
            moves[2, i, j] = n_down
            moves[3, i, j] = n_up


@jit
def _gas_2d_apply(c, moves, periodic):
    """Move the drawn particles: every site loses its movers and gains its neighbours'."""
    ny, nx = c.shape
    for i in range(ny):
        down = i - 1 if i > 0 else ny - 1
        up = i + 1 if i < ny - 1 else 0
        for j in range(nx):
            west = j - 1 if j > 0 else nx - 1
            east = j + 1 if j < nx - 1 else 0
            inflow = np.int64(0)
            if j > 0 or periodic:
                inflow += moves[1, i, west]
            if j < nx - 1 or periodic:
                inflow += moves[0, i, east]
            if i > 0 or periodic:
                inflow += moves[3, down, j]
            if i < ny - 1 or periodic:
                inflow += moves[2, up, j]
            c[i, j] += inflow - moves[0, i, j] - moves[1, i, j] - moves[2, i, j] - moves[3, i, j]


@jit
def _lattice_gas_2d_kernel(c, moves, k_start, k_stop, p, periodic, key):
    """Advance ``c`` in place through steps ``k_start`` to ``k_stop``; counter-based draws per (site, step)."""
    for k in range(k_start, k_stop):
        _gas_2d_draw(c, moves, k, 0, c.shape[0], p, periodic, key)
        _gas_2d_apply(c, moves, periodic)


def lattice_gas_2d(counts, steps, p, seed=None, bc="noflux"):
    """Occupation-number random walk on a square lattice (an ink drop).

    Each step a site's ``n`` particles split into movers
    ``m ~ Binomial(n, p)``; movers split evenly at random between the x and
    y axes and then between the two directions (binomial draws with
    probability 1/2), so each neighbour receives ``p/4`` of a site on average.
    Particle number is conserved exactly.

    Parameters
    ----------
    counts : array_like of int, shape (ny, nx)
        Initial particle numbers (whole numbers >= 0); axis 0 is y.
    steps : int
        Number of time steps (>= 0).
    p : float
        Hop probability per step (dimensionless, 0..1).
    seed : int, numpy.random.Generator or None
        Source of randomness (reproducible for a given int).
    bc : {"noflux", "periodic"}
        Walls that reflect hops back into the site, or wrap-around edges.

    Returns
    -------
    ndarray of int64, shape (ny, nx)
        Final particle numbers per site.

    Notes
    -----
    Memory is about 64 bytes per site (refused beforehand beyond
    :func:`flowkit.limits.memory_limit`); long runs go in pieces that Ctrl-C
    stops, with a progress bar after 2 s, and the same numbers.

    Examples
    --------
    >>> drop = np.zeros((9, 9), dtype=np.int64)
    >>> drop[4, 4] = 10_000
    >>> int(lattice_gas_2d(drop, 20, 0.8, seed=1).sum())
    10000
    """
    arr = np.asarray(counts)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"counts must be a non-empty 2D array of particle numbers; got shape {arr.shape}")
    c0 = counts_1d("counts", arr.ravel()).reshape(arr.shape)
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = _validate.probability("p", p, "hop probability per step", scalar=True)
    bc = _validate.choice("bc", bc, BCS)
    periodic = bc == "periodic"
    per_site = _SITE_BYTES_2D if _jit.HAVE_NUMBA else _SITE_BYTES_2D_NUMPY
    limits.check_memory(
        "lattice_gas_2d",
        [("counts", arr.shape, per_site * c0.size, "the counts and the moves of each step")],
    )
    with _chunks.Progress(t, "lattice_gas_2d", "step") as bar:
        if _jit.HAVE_NUMBA:
            _jit.load_once(warm_up)
            key = site_key(seed)
            moves = np.zeros((4,) + c0.shape, dtype=np.int64)  # left, right, down, up of each site
            ny, nx = c0.shape
            if c0.size <= _SITE_STEPS_PER_CALL_2D:
                for _, _, start, stop in _chunks.pieces(1, t, _SITE_STEPS_PER_CALL_2D // c0.size):
                    _lattice_gas_2d_kernel(c0, moves, start, stop, p, periodic, key)  # in place: c0 is ours
                    bar.update(stop - start)
                return c0
            # A grid too big for one step per call: draw its moves in blocks of rows.
            rows = max(1, _SITE_STEPS_PER_CALL_2D // nx)
            for k in range(t):
                for i0 in range(0, ny, rows):
                    _gas_2d_draw(c0, moves, k, i0, min(i0 + rows, ny), p, periodic, key)
                _gas_2d_apply(c0, moves, periodic)
                bar.update(1)
            return c0
        return _numpy_lattice_gas_2d(c0, t, p, periodic, generator(seed), bar)


def _numpy_lattice_gas_2d(c0, t, p, periodic, rng, bar):
    c = c0.copy()
    for _ in range(t):
        bar.update(1)
        moving = rng.binomial(c, p)
        n_x = rng.binomial(moving, 0.5)
        n_left = rng.binomial(n_x, 0.5)
        n_down = rng.binomial(moving - n_x, 0.5)
        n_right = n_x - n_left
        n_up = moving - n_x - n_down
        if not periodic:
            n_left[:, 0] = 0
            n_right[:, -1] = 0
            n_down[0, :] = 0
            n_up[-1, :] = 0
        c -= n_left + n_right + n_down + n_up
        if periodic:
            c += np.roll(n_right, 1, axis=1) + np.roll(n_left, -1, axis=1)
            c += np.roll(n_up, 1, axis=0) + np.roll(n_down, -1, axis=0)
        else:
            c[:, 1:] += n_right[:, :-1]
            c[:, :-1] += n_left[:, 1:]
            c[1:, :] += n_up[:-1, :]
            c[:-1, :] += n_down[1:, :]
    return c


def warm_up():
    """Load the lattice-gas kernels (serial, parallel, tile by tile, 2D) and the solver behind the master equation."""
    if not _jit.HAVE_NUMBA:
        return
    counts = np.full(8, 10, dtype=np.int64)
    key = site_key(0)
    for kernel in (_lattice_gas_serial, _lattice_gas_parallel):
        kernel(counts, 0, 3, 0.5, False, 1, key, np.zeros(3, np.int64), 2, 2)
    lattice_gas_2d(np.full((3, 3), 10), 3, 0.5, seed=0)
    master_equation([0.0, 1.0, 0.0], 2, 0.5)  # the explicit solver's kernel
    nxt = counts.copy()
    for kernel in (_gas_tiles_serial, _gas_tiles_parallel):
        kernel(0, 2, 2, 0, counts, nxt, 0.5, False, 1, key, np.zeros(3, np.int64))
    # The row-block path of grids too big for one step per call.
    grid = np.full((3, 3), 10, dtype=np.int64)
    moves = np.zeros((4, 3, 3), dtype=np.int64)
    _gas_2d_draw(grid, moves, 0, 0, 3, 0.5, False, key)
    _gas_2d_apply(grid, moves, False)
