"""Grid solvers for the diffusion equation dc/dt = D d^2c/dx^2 (ink in water).

Grids are cell-centred: ``c[i]`` is the mean concentration of the cell whose
centre sits at ``(i + 1/2) * dx``. Three boundary conditions are offered:

``"noflux"``
    A sealed wall. The ghost cell beyond each end copies the end cell, so the
    gradient, and with it the flux, vanishes on the outer face. ``sum(c) * dx``
    is then conserved to round-off, and one explicit step is exactly one step
    of a lattice walk in which a hop into the wall is blocked and the walker
    stays put.
``"fixed"``
    Reservoirs: ``c[0]`` and ``c[-1]`` (in 2D the whole outer ring of cells)
    keep their initial values.
``"periodic"``
    The last cell touches the first (a ring).

Solvers
-------
:func:`ftcs`
    Forward in time, centred in space. Cheap, explicit, stable only for
    r = D dt / dx^2 <= 1/2.
:func:`crank_nicolson`
    Implicit, second order in dt and dx, stable for every dt. A tridiagonal
    (Thomas) solve each step; for ``"periodic"`` a cyclic solve via
    Sherman-Morrison.
:func:`diffuse_2d`
    Explicit five-point scheme on a square grid (the ink drop), r <= 1/4.

Every solver returns a new float64 array and leaves ``c0`` untouched. Memory is
O(cells): the kernels keep two buffers and swap them each step.
"""

import math

import numpy as np

from . import _validate as _v
from ._jit import HAVE_NUMBA, jit

__all__ = ["ftcs", "crank_nicolson", "stable_dt", "diffuse_2d", "gaussian"]

_BCS = ("noflux", "fixed", "periodic")
# Integer codes so one compiled kernel serves all three conditions.
_NOFLUX, _FIXED, _PERIODIC = 0, 1, 2
_BC_CODE = {"noflux": _NOFLUX, "fixed": _FIXED, "periodic": _PERIODIC}

# Relative slack on the stability limit: r exactly 1/2 (a walker that always hops) must pass
# even after dt was computed as dx**2 / (2 D) in floating point.
_SLACK = 1e-12


# ---------------------------------------------------------------------------
# Public helpers
# ---------------------------------------------------------------------------


def stable_dt(D, dx, dim=1):
    """Largest time step for which the explicit (FTCS) scheme is stable.

    Parameters
    ----------
    D : float
        Diffusion coefficient, m^2/s (>= 0).
    dx : float
        Cell width, m (> 0).
    dim : int
        Number of space dimensions (1, 2 or 3); the limit is
        r = D dt / dx^2 <= 1 / (2 dim).

    Returns
    -------
    float
        dt_max = dx^2 / (2 dim D), in s. ``math.inf`` when D = 0 (nothing moves).
    """
    D = _v.nonnegative("D", D, "a diffusion coefficient in m^2/s")
    dx = _v.positive("dx", dx, "a cell width in m")
    dim = _v.count("dim", dim, "the number of space dimensions, 1 to 3", minimum=1)
    if dim > 3:
        raise ValueError(f"dim must be 1, 2 or 3 (space dimensions); got {dim!r}")
    if np.ndim(D) or np.ndim(dx):
        with np.errstate(divide="ignore"):  # D = 0 entries: any dt is stable -> inf
            return dx**2 / (2.0 * dim * np.asarray(D))
    if D == 0.0:
        return math.inf
    return dx**2 / (2.0 * dim * D)


def gaussian(x, t, D, N=1, x0=0):
    """Concentration spreading from a point source on an infinite line.

    c(x, t) = N / sqrt(4 pi D t) * exp(-(x - x0)^2 / (4 D t)).

    Parameters
    ----------
    x : float or array_like
        Position, m.
    t : float
        Time since release, s (> 0).
    D : float
        Diffusion coefficient, m^2/s (> 0).
    N : float
        Amount released (particles, or particles per m^2 for a plane source), >= 0.
    x0 : float
        Release point, m.

    Returns
    -------
    float or ndarray
        Concentration, N per m (float64, shaped like ``x``).
    """
    x = _v.finite("x", x, "a position in m")
    t = _v.positive("t", t, "a time in s since the release")
    D = _v.positive("D", D, "a diffusion coefficient in m^2/s")
    N = _v.nonnegative("N", N, "the amount released")
    x0 = _v.finite("x0", x0, "the release point in m")
    spread = 4.0 * D * t
    return N / np.sqrt(np.pi * spread) * np.exp(-((x - x0) ** 2) / spread)


# ---------------------------------------------------------------------------
# Input checks shared by the solvers
# ---------------------------------------------------------------------------


def _check_common(c0, D, dx, dt, steps, bc, ndim):
    arr = _v.finite("c0", c0, "initial concentrations")
    arr = np.array(arr, dtype=np.float64, order="C")  # always a fresh C-ordered copy (one kernel signature)
    if arr.ndim != ndim:
        raise ValueError(f"c0 must be a {ndim}D array of cell values; got an array of shape {arr.shape}")
    if min(arr.shape) < 3:
        raise ValueError(f"c0 must have at least 3 cells along each axis; got an array of shape {arr.shape}")
    D = float(_v.nonnegative("D", D, "a diffusion coefficient in m^2/s"))
    dx = float(_v.positive("dx", dx, "a cell width in m"))
    dt = float(_v.positive("dt", dt, "a time step in s"))
    steps = _v.count("steps", steps, "the number of time steps")
    bc = _v.choice("bc", bc, _BCS)
    return arr, D, dx, dt, steps, bc


def _check_stable(D, dx, dt, dim):
    r = D * dt / dx**2
    limit = 0.5 / dim
    if r > limit * (1.0 + _SLACK):
        best = dx**2 / (2.0 * dim * D)
        raise ValueError(
            f"dt = {dt!r} s is beyond the explicit stability limit: r = D dt / dx^2 = {r:.6g} "
            f"must be <= {limit:g} in {dim}D; the largest stable dt is {best!r} s "
            f"(or use crank_nicolson, which is stable for any dt)"
        )
    return r


# ---------------------------------------------------------------------------
# Kernels (numba when present; plain Python otherwise)
# ---------------------------------------------------------------------------


@jit
def _explicit_step(a, b, r, bc):
    """b = (I + r L) a for the 1D Laplacian L with boundary code ``bc``."""
    n = a.shape[0]
    for i in range(1, n - 1):
        b[i] = a[i] + r * (a[i - 1] - 2.0 * a[i] + a[i + 1])
    if bc == 0:  # noflux: ghost equals the end cell
        b[0] = a[0] + r * (a[1] - a[0])
        b[n - 1] = a[n - 1] + r * (a[n - 2] - a[n - 1])
    elif bc == 1:  # fixed
        b[0] = a[0]
        b[n - 1] = a[n - 1]
    else:  # periodic
        b[0] = a[0] + r * (a[n - 1] - 2.0 * a[0] + a[1])
        b[n - 1] = a[n - 1] + r * (a[n - 2] - 2.0 * a[n - 1] + a[0])


@jit
def _ftcs_kernel(c, r, steps, bc):
    a = c.copy()
    b = np.empty_like(a)
    for _ in range(steps):
        _explicit_step(a, b, r, bc)
        a, b = b, a
    return a


@jit
def _cn_matrix(n, h, bc):
    """Bands of A = I - h L (h = r/2) and the cyclic corner data.

    Returns ``lower, diag, upper, gamma, alpha, beta``. For ``periodic`` the
    bands are already modified for Sherman-Morrison (A = A' + u v^T with
    u = (gamma, 0, ..., 0, alpha), v = (1, 0, ..., 0, beta / gamma)).
    """
    lower = np.full(n, -h)
    diag = np.full(n, 1.0 + 2.0 * h)
    upper = np.full(n, -h)
    lower[0] = 0.0
    upper[n - 1] = 0.0
    gamma = 1.0
    alpha = 0.0
    beta = 0.0
    if bc == 0:
        diag[0] = 1.0 + h
        diag[n - 1] = 1.0 + h
    elif bc == 1:
        diag[0] = 1.0
        upper[0] = 0.0
        diag[n - 1] = 1.0
        lower[n - 1] = 0.0
    else:
        alpha = -h  # A[n-1, 0]
        beta = -h  # A[0, n-1]
        gamma = -diag[0]
        diag[0] = diag[0] - gamma
        diag[n - 1] = diag[n - 1] - alpha * beta / gamma
    return lower, diag, upper, gamma, alpha, beta


@jit
def _thomas_factor(lower, diag, upper):
    """LU factors of a tridiagonal matrix: reciprocal pivots and scaled upper band."""
    n = diag.shape[0]
    inv_pivot = np.empty(n)
    scaled_upper = np.empty(n)
    inv_pivot[0] = 1.0 / diag[0]
    scaled_upper[0] = upper[0] * inv_pivot[0]
    for i in range(1, n):
        inv_pivot[i] = 1.0 / (diag[i] - lower[i] * scaled_upper[i - 1])
        scaled_upper[i] = upper[i] * inv_pivot[i]
    return inv_pivot, scaled_upper


@jit
def _thomas_solve(lower, inv_pivot, scaled_upper, rhs, x):
    """Solve with the factors from :func:`_thomas_factor`; ``x`` may be ``rhs``."""
    n = rhs.shape[0]
    x[0] = rhs[0] * inv_pivot[0]
    for i in range(1, n):
        x[i] = (rhs[i] - lower[i] * x[i - 1]) * inv_pivot[i]
    for i in range(n - 2, -1, -1):
        x[i] -= scaled_upper[i] * x[i + 1]


@jit
def _cn_kernel(c, r, steps, bc):
    n = c.shape[0]
    h = 0.5 * r
    lower, diag, upper, gamma, alpha, beta = _cn_matrix(n, h, bc)
    # The matrix never changes, so factor it once and only substitute each step.
    inv_pivot, scaled_upper = _thomas_factor(lower, diag, upper)
    z = np.zeros(n)
    denom = 1.0
    if bc == 2:
        u = np.zeros(n)
        u[0] = gamma
        u[n - 1] = alpha
        _thomas_solve(lower, inv_pivot, scaled_upper, u, z)
        denom = 1.0 + z[0] + beta * z[n - 1] / gamma
    a = c.copy()
    b = np.empty_like(a)
    for _ in range(steps):
        _explicit_step(a, b, h, bc)  # right-hand side (I + h L) a
        _thomas_solve(lower, inv_pivot, scaled_upper, b, b)
        if bc == 2:
            fact = (b[0] + beta * b[n - 1] / gamma) / denom
            for i in range(n):
                b[i] -= fact * z[i]
        a, b = b, a
    return a


@jit
def _explicit_step_2d(a, b, r, bc):
    """b = (I + r L) a for the 5-point Laplacian L with boundary code ``bc``."""
    ny, nx = a.shape
    centre = 1.0 - 4.0 * r
    if bc == 1:  # fixed: the outer ring keeps its values
        for j in range(nx):
            b[0, j] = a[0, j]
            b[ny - 1, j] = a[ny - 1, j]
        first, last = 1, ny - 1
    else:
        first, last = 0, ny
    # Ghost columns/rows: the end cell itself for a sealed wall, the far end for a ring.
    jl = 0 if bc == 0 else nx - 1
    jr = nx - 1 if bc == 0 else 0
    for i in range(first, last):
        im = i - 1 if i > 0 else (0 if bc == 0 else ny - 1)
        ip = i + 1 if i < ny - 1 else (ny - 1 if bc == 0 else 0)
        # Row by row with the neighbour rows named up front: a branch-free inner loop that
        # the compiler turns into SIMD code. Written as centre*c + r*(sum of 4) to save flops.
        for j in range(1, nx - 1):
            b[i, j] = centre * a[i, j] + r * ((a[im, j] + a[ip, j]) + (a[i, j - 1] + a[i, j + 1]))
        if bc == 1:
            b[i, 0] = a[i, 0]
            b[i, nx - 1] = a[i, nx - 1]
        else:
            b[i, 0] = centre * a[i, 0] + r * ((a[im, 0] + a[ip, 0]) + (a[i, jl] + a[i, 1]))
            b[i, nx - 1] = centre * a[i, nx - 1] + r * ((a[im, nx - 1] + a[ip, nx - 1]) + (a[i, nx - 2] + a[i, jr]))


@jit
def _ftcs_2d_kernel(c, r, steps, bc):
    a = c.copy()
    b = np.empty_like(a)
    for _ in range(steps):
        _explicit_step_2d(a, b, r, bc)
        a, b = b, a
    return a


# ---------------------------------------------------------------------------
# NumPy paths for when numba is absent (Pyodide, FLOWKIT_DISABLE_NUMBA=1).
# They are also the baselines the benchmark compares against.
# ---------------------------------------------------------------------------


def _padded(a, bc):
    """``a`` with one ghost cell on every side, per the boundary code."""
    mode = "edge" if bc == _NOFLUX else "wrap"
    return np.pad(a, 1, mode=mode)


def _explicit_step_numpy(a, b, r, bc):
    """Vectorised twin of :func:`_explicit_step`: b = (I + r L) a."""
    b[1:-1] = a[1:-1] + r * (a[:-2] - 2.0 * a[1:-1] + a[2:])
    if bc == _NOFLUX:
        b[0] = a[0] + r * (a[1] - a[0])
        b[-1] = a[-1] + r * (a[-2] - a[-1])
    elif bc == _FIXED:
        b[0] = a[0]
        b[-1] = a[-1]
    else:
        b[0] = a[0] + r * (a[-1] - 2.0 * a[0] + a[1])
        b[-1] = a[-1] + r * (a[-2] - 2.0 * a[-1] + a[0])


def _ftcs_numpy(c, r, steps, bc):
    a = c.copy()
    b = np.empty_like(a)
    for _ in range(steps):
        _explicit_step_numpy(a, b, r, bc)
        a, b = b, a
    return a


def _ftcs_2d_numpy(c, r, steps, bc):
    a = c.copy()
    centre = 1.0 - 4.0 * r
    for _ in range(steps):
        if bc == _FIXED:
            b = a.copy()
            b[1:-1, 1:-1] = centre * a[1:-1, 1:-1] + r * ((a[:-2, 1:-1] + a[2:, 1:-1]) + (a[1:-1, :-2] + a[1:-1, 2:]))
        else:
            p = _padded(a, bc)
            b = centre * a + r * ((p[:-2, 1:-1] + p[2:, 1:-1]) + (p[1:-1, :-2] + p[1:-1, 2:]))
        a = b
    return a


def _cn_banded(c, r, steps, bc):
    """Crank-Nicolson with :func:`scipy.linalg.solve_banded` every step."""
    from scipy.linalg import solve_banded

    n = c.shape[0]
    h = 0.5 * r
    lower, diag, upper, gamma, alpha, beta = _cn_matrix(n, h, bc)
    ab = np.zeros((3, n))
    ab[0, 1:] = upper[:-1]
    ab[1] = diag
    ab[2, :-1] = lower[1:]
    if bc == _PERIODIC:
        u = np.zeros(n)
        u[0] = gamma
        u[-1] = alpha
        z = solve_banded((1, 1), ab, u)
        denom = 1.0 + z[0] + beta * z[-1] / gamma
    a = c.copy()
    rhs = np.empty_like(a)
    for _ in range(steps):
        _explicit_step_numpy(a, rhs, h, bc)  # explicit half of the step
        a = solve_banded((1, 1), ab, rhs)
        if bc == _PERIODIC:
            a -= (a[0] + beta * a[-1] / gamma) / denom * z
    return a


# ---------------------------------------------------------------------------
# Public solvers
# ---------------------------------------------------------------------------


def ftcs(c0, D, dx, dt, steps, bc="noflux"):
    """Advance a 1D concentration profile with the explicit FTCS scheme.

    c_i <- c_i + r (c_{i-1} - 2 c_i + c_{i+1}),  r = D dt / dx^2.

    Parameters
    ----------
    c0 : array_like, shape (n,)
        Initial concentration in each cell (any unit, e.g. particles/m), n >= 3.
    D : float
        Diffusion coefficient, m^2/s (>= 0; 0 leaves the profile unchanged).
    dx : float
        Cell width, m (> 0).
    dt : float
        Time step, s (> 0). Must satisfy r <= 1/2, i.e. dt <= :func:`stable_dt`.
    steps : int
        Number of steps (>= 0). The profile is returned at time ``steps * dt``.
    bc : {"noflux", "fixed", "periodic"}
        Boundary condition (see the module docstring).

    Returns
    -------
    ndarray, shape (n,)
        Concentration after ``steps`` steps, same unit as ``c0`` (a new float64 array).

    Raises
    ------
    ValueError
        For bad input, or when dt is beyond the stability limit (the message
        names the largest stable dt).
    """
    c, D, dx, dt, steps, bc = _check_common(c0, D, dx, dt, steps, bc, 1)
    r = _check_stable(D, dx, dt, 1)
    if r == 0.0 or steps == 0:
        return c
    if HAVE_NUMBA:
        return _ftcs_kernel(c, r, np.int64(steps), np.int64(_BC_CODE[bc]))
    return _ftcs_numpy(c, r, steps, _BC_CODE[bc])


def crank_nicolson(c0, D, dx, dt, steps, bc="noflux"):
    """Advance a 1D concentration profile with the Crank-Nicolson scheme.

    (I - r/2 L) c^{k+1} = (I + r/2 L) c^k, r = D dt / dx^2, where L is the
    three-point Laplacian with the chosen boundary condition. Second order in
    dt and dx and stable for any dt (very large r damps the sharpest wiggles
    only slowly, so keep r modest when the start is a step).

    Parameters
    ----------
    c0 : array_like, shape (n,)
        Initial concentration in each cell (any unit), n >= 3.
    D : float
        Diffusion coefficient, m^2/s (>= 0).
    dx : float
        Cell width, m (> 0).
    dt : float
        Time step, s (> 0); no stability limit.
    steps : int
        Number of steps (>= 0).
    bc : {"noflux", "fixed", "periodic"}
        Boundary condition. ``"noflux"`` uses the same mirrored stencil as
        :func:`ftcs`, so ``sum(c) * dx`` is conserved to round-off.

    Returns
    -------
    ndarray, shape (n,)
        Concentration at time ``steps * dt``, same unit as ``c0`` (a new float64 array).
    """
    c, D, dx, dt, steps, bc = _check_common(c0, D, dx, dt, steps, bc, 1)
    r = D * dt / dx**2
    if not math.isfinite(r):
        raise ValueError(f"dt must make r = D dt / dx^2 finite; got dt = {dt!r} s, D = {D!r}, dx = {dx!r}")
    if r == 0.0 or steps == 0:
        return c
    if HAVE_NUMBA:
        return _cn_kernel(c, r, np.int64(steps), np.int64(_BC_CODE[bc]))
    return _cn_banded(c, r, steps, _BC_CODE[bc])


def diffuse_2d(c0, D, dx, dt, steps, bc="noflux"):
    """Advance a 2D concentration field (an ink drop) with the explicit scheme.

    Five-point stencil on square cells of side ``dx``; stable for
    r = D dt / dx^2 <= 1/4.

    Parameters
    ----------
    c0 : array_like, shape (ny, nx)
        Initial concentration in each cell (e.g. particles/m^2), at least 3 x 3.
    D : float
        Diffusion coefficient, m^2/s (>= 0).
    dx : float
        Cell side, m (> 0), the same along both axes.
    dt : float
        Time step, s (> 0), at most ``stable_dt(D, dx, dim=2)``.
    steps : int
        Number of steps (>= 0).
    bc : {"noflux", "fixed", "periodic"}
        Boundary condition on all four sides; ``"fixed"`` holds the outer ring of cells.

    Returns
    -------
    ndarray, shape (ny, nx)
        Concentration at time ``steps * dt`` (a new float64 array).
    """
    c, D, dx, dt, steps, bc = _check_common(c0, D, dx, dt, steps, bc, 2)
    r = _check_stable(D, dx, dt, 2)
    if r == 0.0 or steps == 0:
        return c
    if HAVE_NUMBA:
        return _ftcs_2d_kernel(c, r, np.int64(steps), np.int64(_BC_CODE[bc]))
    return _ftcs_2d_numpy(c, r, steps, _BC_CODE[bc])


def ftcs_steps(t, D, dx, dim=1):
    """The fewest equal explicit (FTCS) steps that reach time ``t`` stably.

    Parameters
    ----------
    t : float
        Time to reach, s (> 0).
    D : float
        Diffusion coefficient, m^2/s (>= 0).
    dx : float
        Cell width, m (> 0).
    dim : int
        Number of space dimensions (1, 2 or 3).

    Returns
    -------
    steps : int
        ceil(t / dt_max) (at least 1), dt_max = :func:`stable_dt` (D, dx, dim).
    dt : float
        t / steps, s: never above dt_max, and steps * dt = t.

    >>> ftcs_steps(5.0, 2e-6, 2e-4)   # dt_max = (2e-4)^2 / (2 * 2e-6) = 0.01 s
    (500, 0.01)
    """
    t = _v.positive("t", t, "a time in s")
    dt_max = stable_dt(D, dx, dim)
    if np.ndim(t) or np.ndim(dt_max):
        raise ValueError(f"t, D and dx must be single numbers here; got t={t!r}, D={D!r}, dx={dx!r}")
    steps = 1 if math.isinf(dt_max) else max(math.ceil(t / dt_max), 1)
    return steps, t / steps
