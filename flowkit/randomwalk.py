"""Random walks on a lattice: from single hopping walkers to a billion particles.

Every walker sits on a 1D lattice of spacing ``ell`` (m). Once per time step
``tau`` (s) it hops one site to the left with probability ``p/2``, one site to
the right with probability ``p/2``, and stays put with probability ``1 - p``.
The mean squared displacement after ``t`` steps is exactly ``p t`` sites²,
i.e. ``2 D t tau`` with ``D = p ell² / (2 tau)``: Fick's law from coin flips.

Three levels of description live here, each checked against the others in
the tests:

* :func:`walk`, :func:`msd` - individual walkers, really stepped hop by hop
  (lattice units, O(n_walkers) memory, never an n_walkers x steps array);
* :func:`lattice_gas` - occupation numbers: each step every site splits its
  count into stay/left/right with two binomial draws, so the cost is
  O(sites x steps) however many particles there are;
* :func:`master_equation` - the deterministic average of the same walk (an
  explicit diffusion step with ``r = D tau / ell² = p/2``).

:func:`sample_final_displacements` and :func:`sample_final_histogram` are
*direct sampling*: they draw the end state from its exact distribution without
stepping, for when only the final histogram or spread is wanted.

Randomness and reproducibility
------------------------------
Every stochastic function takes ``seed`` (an int, a
:class:`numpy.random.Generator`, or None for fresh entropy). The walker
kernels split the walkers into a fixed number of chunks (:data:`N_CHUNKS`);
each chunk gets its own seed from ``numpy.random.SeedSequence(seed).spawn``
and runs a SplitMix64 generator inside the kernel. The lattice-gas kernels
hash one SeedSequence key with the (site, step) index, so every site and step
has its own stream. Either way the division of work never depends on the
number of threads, and the same seed gives the same result on any machine,
serial or parallel. Without numba (``flowkit._jit.HAVE_NUMBA`` false, e.g. in
the browser) the same functions run a NumPy path vectorised over walkers or
sites; it is statistically identical but draws a different stream, so its
results differ from the numba path for the same seed.

Speed: the first numba call in a process costs about half a second (numba
initialising itself, even with every kernel cached on disk); :func:`warm_up`
pays that, and loads each kernel, before a slider is touched.
"""

import os

import numpy as np

from flowkit import _validate
from flowkit._jit import HAVE_NUMBA, jit, prange

__all__ = [
    "N_CHUNKS",
    "diffusion_coefficient",
    "gate_flux",
    "walk",
    "msd",
    "lattice_gas",
    "master_equation",
    "walk_2d",
    "lattice_gas_2d",
    "sample_final_displacements",
    "sample_final_histogram",
    "exact_displacement_pmf",
    "warm_up",
]

#: Fixed number of independent random streams a kernel's work is split into.
#: It is part of the definition of a seeded result, so it never follows the
#: thread count.
N_CHUNKS = 64

_BCS = ("noflux", "periodic")

# SplitMix64 (Steele, Lea & Flood 2014): a Weyl sequence through a bijective
# mixer. One add on the critical path per draw lets the CPU overlap draws, which
# is what makes it several times faster than calling back into NumPy.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_LO32 = np.uint64(0xFFFFFFFF)
_TWO_POW_32 = 4294967296.0
_INV_2_53 = 1.0 / 9007199254740992.0

# log(k!) minus its Stirling approximation, for k = 0..9 (Hormann 1993, as used
# by TensorFlow's binomial sampler); larger k use the asymptotic series.
_STIRLING_TAIL = np.array(
    [
        0.0810614667953272,
        0.0413406959554092,
        0.0276779256849983,
        0.02079067210376509,
        0.0166446911898211,
        0.0138761288230707,
        0.0118967099458917,
        0.0104112652619720,
        0.00925546218271273,
        0.00833056343336287,
    ]
)


# ----------------------------------------------------------------------------
# closed forms
# ----------------------------------------------------------------------------


def diffusion_coefficient(p, ell, tau):
    """Diffusion coefficient of the lazy lattice walk, ``D = p ell² / (2 tau)``.

    Parameters
    ----------
    p : float or array_like
        Probability (dimensionless, 0..1) of hopping in one step; left and
        right are equally likely.
    ell : float or array_like
        Lattice spacing (hop length) in m.
    tau : float or array_like
        Time per step in s.

    Returns
    -------
    float or ndarray
        D in m²/s.
    """
    p = _validate.probability("p", p, "hop probability per step")
    ell = _validate.positive("ell", ell, "lattice spacing in m")
    tau = _validate.positive("tau", tau, "time step in s")
    return p * ell**2 / (2.0 * tau)


def gate_flux(count_left, count_right, p, tau, area):
    """Mean net particle flux through a gate between two neighbouring sites.

    Each of the ``count_left`` particles in the left site crosses to the right
    with probability ``p/2`` per step, and each of the ``count_right`` crosses
    back with the same probability, so the mean net number per step is
    ``(p/2)(count_left - count_right)``. Dividing by ``tau`` and the gate area
    gives a flux; with ``count = C * area * ell`` it is Fick's law
    ``J = -D dC/dx`` for ``D = p ell² / (2 tau)``.

    Parameters
    ----------
    count_left, count_right : float or array_like
        Particle numbers (not densities) in the site left and right of the gate.
    p : float or array_like
        Hop probability per step (dimensionless, 0..1).
    tau : float or array_like
        Time per step in s.
    area : float or array_like
        Gate cross-section in m².

    Returns
    -------
    float or ndarray
        Net flux from left to right in particles / (m² s).
    """
    count_left = _validate.nonnegative("count_left", count_left, "particles in the left site")
    count_right = _validate.nonnegative("count_right", count_right, "particles in the right site")
    p = _validate.probability("p", p, "hop probability per step")
    tau = _validate.positive("tau", tau, "time step in s")
    area = _validate.positive("area", area, "gate area in m^2")
    return 0.5 * p * (count_left - count_right) / (tau * area)


# ----------------------------------------------------------------------------
# input handling shared by the wrappers
# ----------------------------------------------------------------------------


def _seed_sequence(seed):
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed) if seed is None else seed
    if isinstance(seed, np.random.Generator):
        # Drawing the entropy from the Generator advances it, so two calls with
        # the same Generator give two different (but reproducible) walks.
        return np.random.SeedSequence(seed.integers(0, 2**63, size=4, dtype=np.int64).tolist())
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, a numpy.random.Generator or None; got {seed!r}")
    return np.random.SeedSequence(int(seed))


def _chunk_keys(seed, n_chunks=N_CHUNKS):
    """One 64-bit starting state per chunk, from SeedSequence(seed).spawn."""
    ss = _seed_sequence(seed)
    return np.array([c.generate_state(1, np.uint64)[0] for c in ss.spawn(n_chunks)], dtype=np.uint64)


def _generator(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(_seed_sequence(seed))


def _hop_threshold(p):
    # A hop happens when a uniform 32-bit integer u satisfies u < round(p 2^32):
    # p is honoured to 2^-32 and no float is drawn. p = 1 gives 2^32 (always).
    return np.uint64(round(p * _TWO_POW_32))


def _check_walk_args(n_walkers, steps, p):
    n = _validate.count("n_walkers", n_walkers, "number of walkers", minimum=0)
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = float(_validate.probability("p", p, "hop probability per step"))
    return n, t, p


def _check_counts(name, counts):
    arr = np.asarray(counts)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1D array of particle numbers; got shape {arr.shape}")
    if arr.dtype.kind in "iu":
        if np.any(arr < 0) or np.any(arr >= 2**62):
            raise ValueError(f"{name} must hold particle numbers in [0, 2**62); got {_validate._show(arr)}")
        return arr.astype(np.int64)
    vals = _validate.nonnegative(name, arr, "particle numbers per site")
    if np.any(vals != np.floor(vals)) or np.any(vals >= 2.0**62):
        raise ValueError(f"{name} must hold whole particle numbers (integers >= 0); got {_validate._show(arr)}")
    return vals.astype(np.int64)


# ----------------------------------------------------------------------------
# in-kernel random numbers
# ----------------------------------------------------------------------------


@jit
def _mix(z):
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@jit
def _uniform(s):
    """Advance state ``s``; return (new state, uniform float in the open (0, 1))."""
    s = s + _GAMMA
    return s, (np.float64(_mix(s) >> _S11) + 0.5) * _INV_2_53


@jit
def _stirling_tail(k):
    if k <= 9.0:
        return _STIRLING_TAIL[int(k)]
    # 1/(12 x) - 1/(360 x^3) + 1/(1260 x^5) with x = k + 1, one division.
    x = 1.0 / (k + 1.0)
    x2 = x * x
    return x * (1.0 / 12.0 - x2 * (1.0 / 360.0 - x2 * (1.0 / 1260.0)))


@jit
def _binomial_inversion(n, p, s):
    """Binomial(n, p) by sequential inversion; fast when n p < 10 (p <= 1/2)."""
    q = 1.0 - p
    qn = np.exp(n * np.log1p(-p))
    mean = n * p
    bound = min(float(n), mean + 10.0 * np.sqrt(mean * q + 1.0))
    s, u = _uniform(s)
    k = 0
    px = qn
    while u > px:
        k += 1
        if k > bound:
            # Round-off left a sliver of probability unassigned: start again.
            k = 0
            px = qn
            s, u = _uniform(s)
        else:
            u -= px
            px = ((n - k + 1) * p * px) / (k * q)
    return k, s


@jit
def _binomial_btrd(n, p, s):
    """Binomial(n, p) by transformed rejection with decomposition (BTRD).

    Hormann (1993), "The generation of binomial random variates", J. Statist.
    Comput. Simul. 46, 101-110. Exact for p <= 1/2 and (n + 1) p >= 11. About
    four draws in five come from one uniform with no test at all; most of the
    rest are settled by a ratio recursion (|k - m| <= 15) or by a squeeze
    around the Gaussian log-ratio, so the Stirling-series test with its
    logarithms is rare, whatever n is.
    """
    nf = float(n)
    q = 1.0 - p
    r = p / q
    nr = (nf + 1.0) * r
    npq = nf * p * q
    spq = np.sqrt(npq)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = nf * p + 0.5
    v_r = 0.92 - 4.2 / b
    m = np.floor((nf + 1.0) * p)
    while True:
        s, v = _uniform(s)
        if v <= 0.86 * v_r:
            # The box |u| <= 0.43, v <= v_r is accepted whole, so v alone
            # carries a uniform u there.
            u = v / v_r - 0.43
            return np.int64(np.floor((2.0 * a / (0.5 - abs(u)) + b) * u + c)), s
        if v >= v_r:
            s, u = _uniform(s)
            u -= 0.5
        else:
            u = v / v_r - 0.93
            u = (0.5 if u >= 0.0 else -0.5) - u
            s, v = _uniform(s)
            v *= v_r
        us = 0.5 - abs(u)
        k = np.floor((2.0 * a / us + b) * u + c)
        if k < 0.0 or k > nf:
            continue
        v = v * (2.83 + 5.1 / b) * spq / (a / (us * us) + b)
        km = abs(k - m)
        if km <= 15.0:
            # f(k)/f(m) by the pmf ratio recursion f(i)/f(i-1) = nr/i - r.
            f = 1.0
            if m < k:
                i = m
                while i < k:
                    i += 1.0
                    f *= nr / i - r
            elif m > k:
                i = k
                while i < m:
                    i += 1.0
                    v *= nr / i - r
            if v <= f:
                return np.int64(k), s
            continue
        v = np.log(v)
        # Squeeze: log f(k)/f(m) lies within rho of the Gaussian -km²/(2npq).
        rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5)
        t = -km * km / (2.0 * npq)
        if v < t - rho:
            return np.int64(k), s
        if v > t + rho:
            continue
        # Exact test, log-factorials from Stirling's series.
        nm = nf - m + 1.0
        h = (m + 0.5) * np.log((m + 1.0) / (r * nm)) + _stirling_tail(m) + _stirling_tail(nf - m)
        nk = nf - k + 1.0
        bound = (
            h
            + (nf + 1.0) * np.log(nm / nk)
            + (k + 0.5) * np.log(nk * r / (k + 1.0))
            - _stirling_tail(k)
            - _stirling_tail(nf - k)
        )
        if v <= bound:
            return np.int64(k), s


@jit
def _binomial(n, p, s):
    """Exact Binomial(n, p) draw from SplitMix64 state ``s``; returns (k, s)."""
    if n <= 0 or p <= 0.0:
        return np.int64(0), s
    if p >= 1.0:
        return np.int64(n), s
    flip = p > 0.5
    q = 1.0 - p if flip else p
    if (n + 1) * q < 11.0:
        k, s = _binomial_inversion(n, q, s)
    else:
        k, s = _binomial_btrd(n, q, s)
    if flip:
        k = n - k
    return np.int64(k), s


@jit
def _binomial_many(n, p, key, out):
    """Fill ``out`` with Binomial(n, p) draws (used to test the sampler)."""
    s = key
    for i in range(out.shape[0]):
        out[i], s = _binomial(n, p, s)
    return out


# ----------------------------------------------------------------------------
# walkers: walk and msd
# ----------------------------------------------------------------------------


@jit
def _popcount(x):
    # SWAR bit count (Hacker's Delight 5-2).
    x = x - ((x >> _ONE) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


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
                s = s + _GAMMA
                x += 2 * _popcount(_mix(s)) - 64
            if rest > 0:
                s = s + _GAMMA
                mask = (_ONE << np.uint64(rest)) - _ONE
                x += 2 * _popcount(_mix(s) & mask) - rest
        else:
            for _ in range(n_blocks):
                # 64 steps: one draw gives the 64 directions, 32 draws give
                # two 32-bit hop decisions each (u < thr, branch-free).
                s = s + _GAMMA
                d = _mix(s)
                for j in range(32):
                    s = s + _GAMMA
                    r = _mix(s)
                    m1 = np.int64((r & _LO32) < thr)
                    m2 = np.int64((r >> _S32) < thr)
                    b1 = np.int64((d >> np.uint64(2 * j)) & _ONE)
                    b2 = np.int64((d >> np.uint64(2 * j + 1)) & _ONE)
                    x += m1 * (2 * b1 - 1) + m2 * (2 * b2 - 1)
            for _ in range(rest):
                s = s + _GAMMA
                r = _mix(s)
                x += np.int64((r >> _S32) < thr) * (2 * np.int64(r & _ONE) - 1)
        out[w] = x


@jit(parallel=True)
def _walk_parallel(steps, thr, keys, out):
    for ch in prange(keys.shape[0]):
        _walk_chunk(ch, steps, thr, keys, out)
    return out


@jit
def _walk_serial(steps, thr, keys, out):
    for ch in range(keys.shape[0]):
        _walk_chunk(ch, steps, thr, keys, out)
    return out


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
            ds[w] = _mix(key + _GAMMA * (np.uint64(w) * per_walker + off))
        for j in range(32):
            o = off + np.uint64(j + 1)
            sh1 = np.uint64(2 * j)
            sh2 = np.uint64(2 * j + 1)
            sum1 = np.int64(0)
            sum2 = np.int64(0)
            for w in range(nw):
                r = _mix(key + _GAMMA * (np.uint64(w) * per_walker + o))
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
            r = _mix(key + _GAMMA * (np.uint64(w) * per_walker + o))
            x = xs[w] + np.int64((r >> _S32) < thr) * (2 * np.int64(r & _ONE) - 1)
            sum1 += x * x
            xs[w] = x
        t += 1
        acc[t] += sum1


@jit(parallel=True)
def _msd_parallel(n, steps, thr, keys, sq):
    for ch in prange(keys.shape[0]):
        _msd_chunk(ch, n, steps, thr, keys, sq)
    return sq


@jit
def _msd_serial(n, steps, thr, keys, sq):
    for ch in range(keys.shape[0]):
        _msd_chunk(ch, n, steps, thr, keys, sq)
    return sq


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
    n, t, p = _check_walk_args(n_walkers, steps, p)
    if not HAVE_NUMBA:
        rng = _generator(seed)
        x = np.zeros(n, dtype=np.int64)
        for _ in range(t):
            x += _numpy_hops(rng, n, p)
        return x
    keys = _chunk_keys(seed)
    out = np.empty(n, dtype=np.int64)
    if n == 0 or t == 0 or p == 0.0:
        out[:] = 0
        return out
    kernel = _walker_kernel(_walk_parallel, _walk_serial, n * t)
    return kernel(np.int64(t), _hop_threshold(p), keys, out)


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
    _, t, p = _check_walk_args(n, steps, p)
    if not HAVE_NUMBA:
        rng = _generator(seed)
        x = np.zeros(n, dtype=np.int64)
        out = np.zeros(t + 1)
        for k in range(t):
            x += _numpy_hops(rng, n, p)
            out[k + 1] = np.dot(x, x) / n
        return out
    keys = _chunk_keys(seed)
    # Integer sums are exact, so the result does not depend on summation order.
    sq = np.zeros((keys.shape[0], t + 1), dtype=np.int64)
    if t > 0 and p > 0.0:
        kernel = _walker_kernel(_msd_parallel, _msd_serial, n * t)
        kernel(np.int64(n), np.int64(t), _hop_threshold(p), keys, sq)
    return sq.sum(axis=0) / float(n)


# ----------------------------------------------------------------------------
# occupation numbers: lattice gas
# ----------------------------------------------------------------------------


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
            s = _mix(key + _GAMMA * (base + np.uint64(site)))
            moving[j], states[j] = _binomial(loc[j], p, s)
            site = site + 1 if site < n - 1 else 0
        for j in range(w):
            n_left, s = _binomial(moving[j], 0.5, states[j])
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


@jit(parallel=True)
def _lattice_gas_parallel(counts, steps, p, periodic, gate, key, crossings, n_tiles, block):
    """Final counts after ``steps`` steps; one parallel region per block."""
    cur = counts.copy()
    nxt = counts.copy()
    k0 = 0
    while k0 < steps:
        n_steps = min(block, steps - k0)
        for tile in prange(n_tiles):
            _gas_tile_block(tile, n_tiles, k0, n_steps, cur, nxt, p, periodic, gate, key, crossings)
        cur, nxt = nxt, cur
        k0 += n_steps
    return cur


@jit
def _lattice_gas_serial(counts, steps, p, periodic, gate, key, crossings, n_tiles, block):
    """Same as :func:`_lattice_gas_parallel`, on one thread."""
    cur = counts.copy()
    nxt = counts.copy()
    k0 = 0
    while k0 < steps:
        n_steps = min(block, steps - k0)
        for tile in range(n_tiles):
            _gas_tile_block(tile, n_tiles, k0, n_steps, cur, nxt, p, periodic, gate, key, crossings)
        cur, nxt = nxt, cur
        k0 += n_steps
    return cur


#: Below this many elementary updates (hops, or site-steps x 10) a kernel runs
#: on one thread: waking a second thread costs up to ~10 ms on a busy machine,
#: more than the work. Results are identical either way.
_PARALLEL_WORK = 1 << 23


def _threads():
    from numba import get_num_threads

    return get_num_threads()


def _cores_idle():
    """True unless the machine is already busy (1-minute load >= cores - 0.5).

    A parallel region finishes only when its slowest thread does; on a shared
    machine whose cores are taken by other processes, the second thread waits
    for a time slice at every region and the parallel kernel runs slower than
    the serial one (measured here: 2-3x slower). Results do not depend on the
    choice.
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - platforms without loadavg
        return True
    return load < (os.cpu_count() or 1) - 0.5


def _tiling(n_sites, steps, periodic):
    """(parallel?, tiles, block length) for the lattice gas (speed only)."""
    threads = _threads()
    if threads < 2 or n_sites < 256 * threads or 10 * n_sites * steps < _PARALLEL_WORK or not _cores_idle():
        return False, 1, 1 << 62
    width = n_sites // threads
    # Halo work costs 2 block / width extra; 32 steps per block keeps that
    # small and the number of parallel regions (steps / block) low.
    block = max(1, min(32, width // 8))
    if periodic:
        block = min(block, (n_sites - width - 1) // 2)
    return True, threads, block


def _walker_kernel(parallel_kernel, serial_kernel, hops):
    if hops >= _PARALLEL_WORK and _threads() > 1 and _cores_idle():
        return parallel_kernel
    return serial_kernel


def _numpy_lattice_gas(counts, steps, p, periodic, gate, rng, crossings):
    c = counts.copy()
    for k in range(steps):
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
    """
    c0 = _check_counts("counts", counts)
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = float(_validate.probability("p", p, "hop probability per step"))
    bc = _validate.choice("bc", bc, _BCS)
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
    if c0.sum(dtype=np.float64) >= 2.0**62:
        raise ValueError(f"counts must total fewer than 2**62 particles; got {c0.sum(dtype=np.float64):.3g}")
    crossings = np.zeros(t, dtype=np.int64)
    if HAVE_NUMBA:
        key = _seed_sequence(seed).generate_state(1, np.uint64)[0]
        parallel, tiles, block = _tiling(c0.size, t, periodic)
        kernel = _lattice_gas_parallel if parallel else _lattice_gas_serial
        out = kernel(c0, np.int64(t), p, periodic, np.int64(g), key, crossings, np.int64(tiles), np.int64(block))
    else:
        out = _numpy_lattice_gas(c0, t, p, periodic, g, _generator(seed), crossings)
    if gate is None:
        return out
    return out, crossings


def master_equation(prob, steps, p, bc="noflux"):
    """Deterministic average of the lattice walk (the master equation).

    One step maps ``P_i -> (1 - p) P_i + (p/2)(P_{i-1} + P_{i+1})``: an
    explicit (FTCS) diffusion step with ``r = D tau / ell² = p/2``. With
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
    """
    P = np.array(
        _validate.nonnegative("prob", prob, "probabilities or mean counts per site"), dtype=np.float64, ndmin=1
    )
    if P.ndim != 1 or P.size == 0:
        raise ValueError(f"prob must be a non-empty 1D array; got shape {np.shape(prob)}")
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = float(_validate.probability("p", p, "hop probability per step"))
    bc = _validate.choice("bc", bc, _BCS)
    half = 0.5 * p
    for _ in range(t):
        if bc == "periodic":
            left_n = np.roll(P, 1)
            right_n = np.roll(P, -1)
        else:
            # Mirror ghost: the blocked hop returns the end cell's own share.
            left_n = np.concatenate((P[:1], P[:-1]))
            right_n = np.concatenate((P[1:], P[-1:]))
        P = (1.0 - p) * P + half * (left_n + right_n)
    return P


# ----------------------------------------------------------------------------
# two dimensions (pictures of spreading ink)
# ----------------------------------------------------------------------------


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
            s = s + _GAMMA
            r = _mix(s)
            move = np.int64((r >> _S32) < thr)
            sign = 2 * np.int64((r >> _ONE) & _ONE) - 1
            horizontal = np.int64(r & _ONE)
            x += move * horizontal * sign
            y += move * (1 - horizontal) * sign
        out[w, 0] = x
        out[w, 1] = y


@jit(parallel=True)
def _walk_2d_parallel(steps, thr, keys, out):
    for ch in prange(keys.shape[0]):
        _walk_2d_chunk(ch, steps, thr, keys, out)
    return out


@jit
def _walk_2d_serial(steps, thr, keys, out):
    for ch in range(keys.shape[0]):
        _walk_2d_chunk(ch, steps, thr, keys, out)
    return out


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
    n, t, p = _check_walk_args(n_walkers, steps, p)
    if not HAVE_NUMBA:
        rng = _generator(seed)
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
    keys = _chunk_keys(seed)
    out = np.zeros((n, 2), dtype=np.int64)
    if n == 0 or t == 0 or p == 0.0:
        return out
    kernel = _walker_kernel(_walk_2d_parallel, _walk_2d_serial, 2 * n * t)
    return kernel(np.int64(t), _hop_threshold(p), keys, out)


@jit
def _lattice_gas_2d_kernel(counts, steps, p, periodic, key):
    """Serial 2D lattice gas with counter-based draws per (site, step)."""
    ny, nx = counts.shape
    c = counts.copy()
    moves = np.zeros((4, ny, nx), dtype=np.int64)  # left, right, down, up
    for k in range(steps):
        base = np.uint64(k) * np.uint64(nx * ny)
        for i in range(ny):
            for j in range(nx):
                s = _mix(key + _GAMMA * (base + np.uint64(i * nx + j)))
                moving, s = _binomial(c[i, j], p, s)
                n_x, s = _binomial(moving, 0.5, s)
                n_left, s = _binomial(n_x, 0.5, s)
                n_down, s = _binomial(moving - n_x, 0.5, s)
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
    return c


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
    """
    arr = np.asarray(counts)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"counts must be a non-empty 2D array of particle numbers; got shape {arr.shape}")
    c0 = _check_counts("counts", arr.ravel()).reshape(arr.shape)
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = float(_validate.probability("p", p, "hop probability per step"))
    bc = _validate.choice("bc", bc, _BCS)
    periodic = bc == "periodic"
    if HAVE_NUMBA:
        key = _seed_sequence(seed).generate_state(1, np.uint64)[0]
        return _lattice_gas_2d_kernel(c0, np.int64(t), p, periodic, key)
    rng = _generator(seed)
    c = c0.copy()
    for _ in range(t):
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


# ----------------------------------------------------------------------------
# direct sampling of the end state (no stepping)
# ----------------------------------------------------------------------------


def sample_final_displacements(n_walkers, steps, p, seed=None):
    """Direct sampling of final displacements (no stepping).

    This does not simulate hops. It draws each walker's end state from its
    exact distribution: the number of moves ``M ~ Binomial(steps, p)``, of
    which ``R ~ Binomial(M, 1/2)`` go right, so the displacement is
    ``2 R - M``. The statistics are identical to :func:`walk`; the cost is
    O(n_walkers) whatever ``steps`` is.

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
    ndarray of int64, shape (n_walkers,)
        Displacements in lattice units (sites).
    """
    n, t, p = _check_walk_args(n_walkers, steps, p)
    rng = _generator(seed)
    moves = rng.binomial(t, p, size=n).astype(np.int64)
    rights = rng.binomial(moves, 0.5).astype(np.int64)
    return 2 * rights - moves


def exact_displacement_pmf(steps, p):
    """Exact probability of each displacement after ``steps`` lazy steps.

    Computed from the characteristic function ``(1 - p + p cos k)^steps`` by
    an inverse discrete Fourier transform on ``2 steps + 1`` points, which is
    exact because the displacement never exceeds ``steps``. Round-off is
    absolute, of order 1e-16 per entry; negative specks are set to zero.

    Parameters
    ----------
    steps : int
        Number of time steps (>= 0).
    p : float
        Hop probability per step (dimensionless, 0..1).

    Returns
    -------
    x : ndarray of int64, shape (2 steps + 1,)
        Displacements -steps..steps in sites.
    pmf : ndarray of float64, shape (2 steps + 1,)
        Their probabilities (sum 1; odd/even parity zeros when p = 1).
    """
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = float(_validate.probability("p", p, "hop probability per step"))
    size = 2 * t + 1
    k = 2.0 * np.pi * np.fft.rfftfreq(size)
    phi = (1.0 - p + p * np.cos(k)) ** t
    pmf = np.fft.irfft(phi, n=size)
    # irfft puts displacement x at index x mod size.
    pmf = np.roll(pmf, t)
    pmf[pmf < 1e-300] = 0.0
    pmf[np.abs(pmf) < 1e-15 * pmf.max()] = 0.0
    pmf = np.clip(pmf, 0.0, None)
    pmf /= pmf.sum()
    return np.arange(-t, t + 1, dtype=np.int64), pmf


def sample_final_histogram(n_walkers, steps, p, seed=None):
    """Direct sampling of the histogram of final displacements (no stepping).

    Draws the number of walkers at each displacement from one multinomial
    with the exact probabilities of :func:`exact_displacement_pmf`. The cost
    is O(steps log steps) whatever ``n_walkers`` is (a billion walkers cost
    the same as ten).

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
    x : ndarray of int64, shape (2 steps + 1,)
        Displacements -steps..steps in sites.
    counts : ndarray of int64, shape (2 steps + 1,)
        Number of walkers ending at each displacement (sum ``n_walkers``).
    """
    n, t, p = _check_walk_args(n_walkers, steps, p)
    x, pmf = exact_displacement_pmf(t, p)
    rng = _generator(seed)
    return x, rng.multinomial(n, pmf).astype(np.int64)


def warm_up():
    """Load every kernel once at a tiny size (compile on the first run ever).

    Call this when building an app, so the first slider move does not pay
    numba's start-up (about 0.5 s per process) or a kernel load. Returns the
    seconds it took. Without numba it returns at once.
    """
    import time

    start = time.perf_counter()
    if HAVE_NUMBA:
        # Both the one-thread and the parallel variant of each kernel, since
        # the wrappers choose between them by the size of the job.
        keys = _chunk_keys(0)
        for thr in (_hop_threshold(0.5), _hop_threshold(1.0)):
            for kernel in (_walk_serial, _walk_parallel):
                kernel(np.int64(70), thr, keys, np.zeros(4, np.int64))
        for kernel in (_msd_serial, _msd_parallel):
            kernel(np.int64(4), np.int64(70), _hop_threshold(0.5), keys, np.zeros((keys.size, 71), np.int64))
        for kernel in (_walk_2d_serial, _walk_2d_parallel):
            kernel(np.int64(3), _hop_threshold(0.5), keys, np.zeros((4, 2), np.int64))
        counts = np.full(8, 10, dtype=np.int64)
        for kernel in (_lattice_gas_serial, _lattice_gas_parallel):
            kernel(
                counts, np.int64(3), 0.5, False, np.int64(1), keys[0], np.zeros(3, np.int64), np.int64(2), np.int64(2)
            )
        lattice_gas_2d(np.full((3, 3), 10), 3, 0.5, seed=0)
    return time.perf_counter() - start


def msd_from_counts(positions, counts):
    """Mean squared displacement of particles counted on sites: sum x^2 n(x) / sum n(x).

    Parameters
    ----------
    positions : array_like of float
        Site positions x (in sites or m), measured from the start.
    counts : array_like of float
        Particles (or probability) on each site, >= 0, not all zero; same shape.

    Returns
    -------
    float
        <x^2>, in the square of the unit of ``positions``.

    >>> msd_from_counts([-1, 0, 1], [1, 2, 1])
    0.5
    """
    x = np.asarray(_validate.finite("positions", positions, "site positions"), dtype=float)
    n = np.asarray(_validate.nonnegative("counts", counts, "particle counts per site"), dtype=float)
    if x.shape != n.shape or x.ndim != 1:
        raise ValueError(f"positions and counts must be 1-D and of one shape; got {x.shape} and {n.shape}")
    total = n.sum()
    if not total > 0:
        raise ValueError(f"counts must hold at least one particle; got a total of {total!r}")
    return float(np.dot(x * x, n) / total)


def gate_crossings_sd(count_left, count_right, p):
    """Standard deviation of the net number of particles crossing a gate in one step.

    Of the ``count_left`` particles left of the gate, Binomial(count_left, p/2)
    cross to the right in one step; of the ``count_right`` on the right,
    Binomial(count_right, p/2) cross back, independently. The net number's mean
    is :func:`gate_flux` times tau and the area, ``(p/2)(count_left - count_right)``;
    its variance is the sum of the two binomial variances,

        sigma^2 = (p/2)(1 - p/2)(count_left + count_right).

    Use the counts *before* the step: the counts after it already hold the
    step's own crossings.

    Parameters
    ----------
    count_left, count_right : float or array_like
        Particle numbers in the sites left and right of the gate (>= 0).
    p : float or array_like
        Hop probability per step (dimensionless, 0..1).

    Returns
    -------
    float or ndarray
        sigma, in particles per step.

    >>> gate_crossings_sd(100, 0, 1.0)   # 100 fair coins: sd sqrt(100 / 4) = 5
    5.0
    """
    count_left = _validate.nonnegative("count_left", count_left, "particles in the left site")
    count_right = _validate.nonnegative("count_right", count_right, "particles in the right site")
    p = _validate.probability("p", p, "hop probability per step")
    half = 0.5 * np.asarray(p, dtype=float)
    sd = np.sqrt(half * (1.0 - half) * (np.asarray(count_left, dtype=float) + np.asarray(count_right, dtype=float)))
    return float(sd) if sd.ndim == 0 else sd
