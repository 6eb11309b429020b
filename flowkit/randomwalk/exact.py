"""Closed forms, exact distributions and direct sampling of the lazy lattice walk.

Nothing here steps a walker, and nothing here imports numba: this module loads
in the browser (Pyodide) and in a homework notebook in milliseconds. The
public functions are re-exported by :mod:`flowkit.randomwalk`, e.g.

>>> from flowkit import randomwalk
>>> f"{randomwalk.diffusion_coefficient(0.5, 1e-9, 1e-12):.3g} m^2/s"
'2.5e-07 m^2/s'

To add a closed form: write it here with a numpydoc docstring and a doctest,
list it in ``__all__`` below and in ``_EXACT`` of
``flowkit/randomwalk/__init__.py``, and test it in ``tests/test_randomwalk.py``
against a value worked out independently.
"""

import numpy as np

from flowkit import _validate, limits

from ._inputs import generator, walk_args

# Peak bytes per displacement (2 steps + 1 of them) and per walker, measured with
# tracemalloc and rounded up: the FFT's buffers and the pmf's clean-up copies
# (25), plus the multinomial counts (32); three int64 arrays per walker (24).
_PMF_BYTES = 32
_HISTOGRAM_BYTES = 40
_DRAW_BYTES = 32

__all__ = [
    "diffusion_coefficient",
    "msd_from_counts",
    "gate_crossings_sd",
    "gate_flux",
    "exact_displacement_pmf",
    "sample_final_displacements",
    "sample_final_histogram",
]


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

    Examples
    --------
    A walker that hops every step on a 1 nm lattice every picosecond:

    >>> f"{diffusion_coefficient(1.0, 1e-9, 1e-12):.3g} m^2/s"
    '5e-07 m^2/s'
    """
    p = _validate.probability("p", p, "hop probability per step")
    ell = _validate.positive("ell", ell, "lattice spacing in m")
    tau = _validate.positive("tau", tau, "time step in s")
    _validate.broadcast(p=p, ell=ell, tau=tau)
    D = np.asarray(p) * np.asarray(ell) ** 2 / (2.0 * np.asarray(tau))  # float64: an overflow is inf, then named
    return _validate.result(D, p=p, ell=ell, tau=tau)


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

    Examples
    --------
    1000 particles left of the gate, 400 right of it: 0.3 x 600 = 180 cross
    net per step.

    >>> float(gate_flux(1000, 400, 0.6, 1.0, 1.0))
    180.0
    """
    count_left = _validate.nonnegative("count_left", count_left, "particles in the left site")
    count_right = _validate.nonnegative("count_right", count_right, "particles in the right site")
    p = _validate.probability("p", p, "hop probability per step")
    tau = _validate.positive("tau", tau, "time step in s")
    area = _validate.positive("area", area, "gate area in m^2")
    inputs = dict(count_left=count_left, count_right=count_right, p=p, tau=tau, area=area)
    _validate.broadcast(**inputs)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # judged by result()
        J = 0.5 * np.asarray(p) * (np.asarray(count_left) - count_right) / (np.asarray(tau) * area)
    return _validate.result(J, **inputs)


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

    Examples
    --------
    One step with p = 0.5: stay with 1/2, left or right with 1/4 each.

    >>> x, pmf = exact_displacement_pmf(1, 0.5)
    >>> x.tolist(), pmf.round(12).tolist()
    ([-1, 0, 1], [0.25, 0.5, 0.25])
    """
    t = _validate.count("steps", steps, "number of time steps", minimum=0)
    p = _validate.probability("p", p, "hop probability per step", scalar=True)
    size = 2 * t + 1
    limits.check_memory(
        "exact_displacement_pmf",
        [("steps", steps, _PMF_BYTES * size, f"{_PMF_BYTES} bytes for each of the 2 steps + 1 displacements")],
    )
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

    Examples
    --------
    A billion steps cost no more than ten:

    >>> x = sample_final_displacements(5, 10**9, 0.5, seed=1)
    >>> x.shape, bool(abs(x).max() < 10**6)
    ((5,), True)
    """
    n, t, p = walk_args(n_walkers, steps, p)
    limits.check_memory(
        "sample_final_displacements",
        [("n_walkers", n_walkers, _DRAW_BYTES * n, "the moves, right moves and displacement of each walker")],
    )
    rng = generator(seed)
    moves = rng.binomial(t, p, size=n).astype(np.int64)
    rights = rng.binomial(moves, 0.5).astype(np.int64)
    return 2 * rights - moves


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

    Examples
    --------
    >>> x, counts = sample_final_histogram(10**9, 3, 0.5, seed=7)
    >>> x.tolist(), int(counts.sum())
    ([-3, -2, -1, 0, 1, 2, 3], 1000000000)
    """
    n, t, p = walk_args(n_walkers, steps, p)
    limits.check_memory(
        "sample_final_histogram",
        [
            (
                "steps",
                steps,
                _HISTOGRAM_BYTES * (2 * t + 1),
                "the exact law and the counts of the 2 steps + 1 displacements",
            )
        ],
    )
    x, pmf = exact_displacement_pmf(t, p)
    rng = generator(seed)
    return x, rng.multinomial(n, pmf).astype(np.int64)


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
