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
import warnings

import numpy as np

from . import _chunks, _jit, limits
from . import _validate as _v
from ._jit import jit

__all__ = ["ftcs", "crank_nicolson", "stable_dt", "diffuse_2d", "gaussian", "OscillationWarning"]

_BCS = ("noflux", "fixed", "periodic")
# Integer codes so one compiled kernel serves all three conditions.
_NOFLUX, _FIXED, _PERIODIC = 0, 1, 2
_BC_CODE = {"noflux": _NOFLUX, "fixed": _FIXED, "periodic": _PERIODIC}

# Relative slack on the stability limit: r exactly 1/2 (a walker that always hops) must pass
# even after dt was computed as dx**2 / (2 D) in floating point.
_SLACK = 1e-12

# Cell-steps per kernel call, about 0.05-0.1 s each (FTCS ~0.25 ns, CN ~4.5 ns,
# 2D ~0.4 ns per cell-step): the longest a Ctrl-C waits.
_CELL_STEPS_PER_CALL = 1 << 28
_CELL_STEPS_PER_CALL_CN = 1 << 24
_CELL_STEPS_PER_CALL_2D = 1 << 27
# Bytes per cell: the validated copy of c0 (8, plus 8 when c0 had to be converted
# to float64) and the kernel's two buffers (16) for the explicit schemes; CN's
# bands, LU factors and Sherman-Morrison vectors add 56; the NumPy fallbacks
# hold a few temporaries more.
_CELL_BYTES = {"ftcs": 32, "crank_nicolson": 88, "diffuse_2d": 32}
_CELL_BYTES_NUMPY = {"ftcs": 48, "crank_nicolson": 120, "diffuse_2d": 72}

# Crank-Nicolson: above this r the steps are taken in the Laplacian's eigenbasis
# (a fast transform) instead of by a tridiagonal solve. With sealed or periodic
# ends the matrix I - (r/2) L tends to a singular one (L has the uniform vector
# in its kernel), so the solve's round-off grows like r eps: the total drifts
# by ~1e-12 relative at r = 1e4 and it divides by zero near r = 1e18. With
# fixed ends the matrix stays diagonally dominant and the solve stays accurate
# until 1 + r overflows.
_CN_SPECTRAL_R = {"noflux": 1e3, "periodic": 1e3, "fixed": 1e300}
# ... and above r = 1 its sharpest modes oscillate (amplification < -1/3 per
# step); warn when, at the end of the run, the part of the profile carried by
# the sign-flipping modes still exceeds this fraction of the range of c0.
_CN_WARN_R = 1.0
_CN_WARN_LEFT = 1e-2


class OscillationWarning(UserWarning):
    """Crank-Nicolson ran with r = D dt / dx^2 so large that grid-scale wiggles survive."""


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
        dt_max = dx^2 / (2 dim D), in s. ``math.inf`` when D = 0 (nothing moves), or
        when D is so small that dx^2 / (2 dim D) exceeds float64 (every dt is stable).
    """
    D = _v.nonnegative("D", D, "a diffusion coefficient in m^2/s")
    dx = _v.positive("dx", dx, "a cell width in m")
    dim = _v.count("dim", dim, "the number of space dimensions, 1 to 3", minimum=1)
    if dim > 3:
        raise ValueError(f"dim must be 1, 2 or 3 (space dimensions); got {dim!r}")
    # float64, not Python floats: a huge dx**2 is then inf instead of an OverflowError
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        dt_max = np.float64(dx) ** 2 / (2.0 * dim * np.asarray(D))
        # where dx^2 or 2 dim D overflowed: the same quotient, ordered to stay in range
        dt_max = np.where(np.isfinite(dt_max), dt_max, (np.float64(dx) / D) * (np.float64(dx) / (2.0 * dim)))
    dt_max = np.where(np.asarray(D) == 0, np.inf, dt_max)  # D = 0: any dt is stable (also for a subnormal dx)
    return dt_max if np.ndim(dt_max) else float(dt_max)


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
    inputs = dict(x=x, t=t, D=D, N=N, x0=x0)
    _v.broadcast(**inputs)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):  # judged by result()
        spread = 4.0 * np.asarray(D) * t
        c = N / np.sqrt(np.pi * spread) * np.exp(-((np.asarray(x) - x0) ** 2) / spread)
    return _v.result(c, **inputs)


# ---------------------------------------------------------------------------
# Input checks shared by the solvers
# ---------------------------------------------------------------------------


def _check_common(c0, D, dx, dt, steps, bc, ndim, solver):
    # The memory check comes first, before the validated copy is made.
    per_cell = (_CELL_BYTES if _jit.HAVE_NUMBA else _CELL_BYTES_NUMPY)[solver]
    limits.check_memory(solver, [("c0", np.shape(c0), per_cell * np.size(c0), "the grid and its work buffers")])
    arr = _v.finite("c0", c0, "initial concentrations")
    arr = np.array(arr, dtype=np.float64, order="C")  # always a fresh C-ordered copy (one kernel signature)
    if arr.ndim != ndim:
        raise ValueError(f"c0 must be a {ndim}D array of cell values; got an array of shape {arr.shape}")
    if min(arr.shape) < 3:
        raise ValueError(f"c0 must have at least 3 cells along each axis; got an array of shape {arr.shape}")
    D = _v.nonnegative("D", D, "a diffusion coefficient in m^2/s", scalar=True)
    dx = _v.positive("dx", dx, "a cell width in m", scalar=True)
    dt = _v.positive("dt", dt, "a time step in s", scalar=True)
    steps = _v.count("steps", steps, "the number of time steps")
    bc = _v.choice("bc", bc, _BCS)
    return arr, D, dx, dt, steps, bc


def _mesh_ratio(D, dx, dt):
    """r = D dt / dx^2, or a ValueError naming D, dt and dx when float64 cannot hold it."""
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        r = float(np.float64(D) * dt / np.float64(dx) ** 2)
        if not math.isfinite(r) or (r == 0.0 and D > 0):
            r = float(np.float64(D) / dx * (dt / np.float64(dx)))  # the same ratio, ordered to dodge over/underflow
    if not math.isfinite(r):
        raise ValueError(
            f"D, dt and dx must give a finite r = D dt / dx^2 in float64; got D = {D!r} m^2/s, dt = {dt!r} s, dx = {dx!r} m"
        )
    return r


def _check_stable(D, dx, dt, dim):
    r = _mesh_ratio(D, dx, dt)
    limit = 0.5 / dim
    if r > limit * (1.0 + _SLACK):
        best = stable_dt(D, dx, dim)
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
    """``steps`` explicit steps; advances ``c`` in place (see :func:`_in_pieces` for why)."""
    a = c.copy()
    b = np.empty_like(a)
    for _ in range(steps):
        _explicit_step(a, b, r, bc)
        a, b = b, a
    c[:] = a


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
    """``steps`` Crank-Nicolson steps; advances ``c`` in place."""
    n = c.shape[0]
    h = 0.5 * r
    lower, diag, upper, gamma, alpha, beta = _cn_matrix(n, h, bc)
    # The matrix never changes, so factor it once and only substitute each step.
    # (A run in pieces factors it once per piece: O(n), against >= 2^24 cell-steps of work.)
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
    c[:] = a


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
    """``steps`` explicit 2D steps; advances ``c`` in place."""
    a = c.copy()
    b = np.empty_like(a)
    for _ in range(steps):
        _explicit_step_2d(a, b, r, bc)
        a, b = b, a
    c[:, :] = a


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


def _cn_amplification(x):
    """Crank-Nicolson's factor per step, (1 - x) / (1 + x), for x = (r/2) lambda >= 0.

    Written as (1/x - 1) / (1/x + 1) for x > 1 so that x = inf (r near the
    float limit) still gives -1, never NaN.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        inv = 1.0 / x
        return np.where(x > 1.0, (inv - 1.0) / (inv + 1.0), (1.0 - x) / (1.0 + x))


def _cn_spectral(c, r, steps, bc, wiggles_only=False):
    """All ``steps`` Crank-Nicolson steps at once, in the eigenbasis of the grid Laplacian.

    The three-point Laplacian with each boundary condition is diagonalised by
    a fast transform: the DCT-II for ``noflux`` (the mirrored stencil), the
    real DFT for ``periodic`` and, after subtracting the straight line between
    the held end values (which L leaves alone), the DST-I of the interior for
    ``fixed``. Eigenvalue ``-lambda_k`` of L, ``lambda_k = 4 sin^2(theta_k/2)``,
    is multiplied by ``g_k^steps`` with ``g_k = (1 - r lambda_k/2) / (1 + r lambda_k/2)``.
    The same numbers as stepping, to round-off, but with no linear solve: it
    stays finite for any r, and the uniform mode (lambda_0 = 0, g_0 = 1
    exactly) keeps the total exactly as the transform's round-off allows.

    With ``wiggles_only`` it returns only the part carried by the modes that
    flip sign each step (g_k < 0): what the large-r warning measures.
    """
    from scipy import fft

    n = c.shape[0]
    h = 0.5 * r

    def evolve(coeffs, lam):
        g = _cn_amplification(h * lam)
        factor = np.abs(g) ** steps
        if steps % 2:
            factor = np.where(g < 0, -factor, factor)
        if wiggles_only:
            factor = np.where(g < 0, factor, 0.0)
        return coeffs * factor

    if bc == _NOFLUX:
        lam = 4.0 * np.sin(0.5 * np.pi * np.arange(n) / n) ** 2
        return fft.idct(evolve(fft.dct(c, type=2, norm="ortho"), lam), type=2, norm="ortho")
    if bc == _PERIODIC:
        lam = 4.0 * np.sin(np.pi * np.arange(n // 2 + 1) / n) ** 2
        return fft.irfft(evolve(fft.rfft(c), lam), n=n)
    m = n - 2
    line = c[0] + (c[-1] - c[0]) * (np.arange(n) / (n - 1))
    lam = 4.0 * np.sin(0.5 * np.pi * np.arange(1, m + 1) / (m + 1)) ** 2
    inner = fft.idst(evolve(fft.dst(c[1:-1] - line[1:-1], type=1, norm="ortho"), lam), type=1, norm="ortho")
    out = np.zeros(n) if wiggles_only else line
    out[1:-1] += inner
    if not wiggles_only:
        out[0], out[-1] = c[0], c[-1]
    return out


# ---------------------------------------------------------------------------
# Public solvers
# ---------------------------------------------------------------------------


def _in_pieces(kernel, c, r, steps, bc, per_call, name):
    """Run ``kernel(c, r, n, bc)`` for ``steps`` steps in pieces of about ``per_call`` cell-steps.

    Control returns to Python between pieces (so Ctrl-C works) and a progress
    bar appears after 2 s; each step depends only on the previous profile,
    so the pieces give the same numbers as one call. The numba kernels advance
    ``c`` in place and return nothing: numba boxes a returned array with
    Python code (it unpickles the dtype), and a Ctrl-C arriving there would
    come out as a SystemError instead of a KeyboardInterrupt. The NumPy paths
    return the new profile.
    """
    per_piece = max(1, per_call // c.size)
    with _chunks.Progress(steps, name, "step") as bar:
        for _, _, start, stop in _chunks.pieces(1, steps, per_piece):
            result = kernel(c, r, stop - start, bc)
            if result is not None:
                c = result
            bar.update(stop - start)
    return c


def _ignored(category):
    """True when the warning filters certainly drop ``category``.

    That is, when the first filter that could apply to it is an unconditional
    "ignore" (what ``warnings.simplefilter("ignore", category)`` installs). A
    caller that silences the large-r warning on purpose (the graded steps of
    :func:`flowkit.analogies.couette_startup_numerical`) then does not pay for
    the transform that measures the wiggles. Any other filter: let
    :func:`warnings.warn` decide.
    """
    for action, message, cat, module, lineno in warnings.filters:
        if issubclass(category, cat):
            return action == "ignore" and message is None and module is None and lineno == 0
    return False


def _warn_oscillations(c, r, steps, bc, dt, D, dx):
    """Warn when the modes that flip sign each step (r > 1) are still visible after the run."""
    if _ignored(OscillationWarning):
        return
    span = float(np.ptp(c))
    if span == 0.0:
        return
    left = float(np.max(np.abs(_cn_spectral(c, r, steps, bc, wiggles_only=True)))) / span
    if left > _CN_WARN_LEFT:
        warnings.warn(
            f"crank_nicolson: r = D dt / dx^2 = {r:.3g} > 1, so features of c0 narrower than about "
            f"sqrt(D dt) = {math.sqrt(D * dt):.3g} m flip sign every step instead of decaying; after "
            f"{steps} step(s) they still reach {100 * left:.3g} % of the range of c0. The total is conserved "
            f"and the values stay bounded, but this profile is not accurate: use dt <= dx^2 / D = "
            f"{dx**2 / D:.3g} s (r <= 1), or more, shorter steps.",
            OscillationWarning,
            stacklevel=3,
        )


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
        For bad input, when dt is beyond the stability limit (the message
        names the largest stable dt), or when the grid needs more memory than
        :func:`flowkit.limits.memory_limit` allows (about 32 bytes per cell).

    Notes
    -----
    Long runs go in pieces of about 0.1 s that Ctrl-C stops, with a progress
    bar after 2 s; the pieces do not change the numbers.

    Examples
    --------
    A sealed tube: the ink spreads and none is lost.

    >>> c = ftcs([0.0, 0.0, 1.0, 0.0, 0.0], 1.0, 1.0, 0.25, 8)
    >>> float(round(c.sum(), 12)), bool(c.max() < 0.5)
    (1.0, True)
    """
    c, D, dx, dt, steps, bc = _check_common(c0, D, dx, dt, steps, bc, 1, "ftcs")
    r = _check_stable(D, dx, dt, 1)
    if r == 0.0 or steps == 0:
        return c
    kernel = _ftcs_kernel if _jit.HAVE_NUMBA else _ftcs_numpy
    return _in_pieces(kernel, c, r, steps, _BC_CODE[bc], _CELL_STEPS_PER_CALL, "ftcs")


def crank_nicolson(c0, D, dx, dt, steps, bc="noflux"):
    """Advance a 1D concentration profile with the Crank-Nicolson scheme.

    (I - r/2 L) c^{k+1} = (I + r/2 L) c^k, r = D dt / dx^2, where L is the
    three-point Laplacian with the chosen boundary condition. Second order in
    dt and dx and stable for any dt.

    Where it is accurate: a Fourier mode of wavenumber k is multiplied each
    step by g = (1 - x) / (1 + x), x = 2 r sin^2(k dx / 2), while the exact
    factor is exp(-D k^2 dt). The two agree (to O((D k^2 dt)^3)) only while
    D k^2 dt is small, i.e. for features wider than sqrt(D dt). For r <= 1 no
    mode can oscillate (g > -1/3) and the scheme keeps a positive profile
    positive. For r > 1 the narrow features get g near -1: they flip sign
    every step and die away only slowly (at r = 1e5 a smooth bump comes back
    upside down after one step). The result then stays conservative and
    bounded (|g| <= 1 for every mode) but is not accurate, and an
    :class:`OscillationWarning` says so whenever the sign-flipping part of
    the result exceeds 1 % of the range of ``c0``. With ``"noflux"`` or
    ``"periodic"`` ends and r above 1e3 the steps are taken in the
    Laplacian's eigenbasis (a fast cosine or Fourier transform) instead of by
    a tridiagonal solve, whose round-off grows like r there: the total then
    stays conserved to round-off and the result finite however large r is.

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

    Warns
    -----
    OscillationWarning
        When r > 1 and the sign-flipping modes are still visible (see above).

    Examples
    --------
    Sealed ends: the total is conserved and a bump spreads out.

    >>> import numpy as np
    >>> c = crank_nicolson([0.0, 0.0, 1.0, 0.0, 0.0], 1.0, 1.0, 0.5, 4)
    >>> float(round(c.sum(), 12)), bool(c.max() < 1.0)
    (1.0, True)
    """
    c, D, dx, dt, steps, bc = _check_common(c0, D, dx, dt, steps, bc, 1, "crank_nicolson")
    r = _mesh_ratio(D, dx, dt)
    if r == 0.0 or steps == 0:
        return c
    code = _BC_CODE[bc]
    if r > _CN_WARN_R:
        _warn_oscillations(c, r, steps, code, dt, D, dx)
    if r > _CN_SPECTRAL_R[bc]:
        return _cn_spectral(c, r, steps, code)
    kernel = _cn_kernel if _jit.HAVE_NUMBA else _cn_banded
    return _in_pieces(kernel, c, r, steps, code, _CELL_STEPS_PER_CALL_CN, "crank_nicolson")


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

    Notes
    -----
    Memory is about 32 bytes per cell (refused beforehand beyond
    :func:`flowkit.limits.memory_limit`); long runs go in pieces that Ctrl-C
    stops, with a progress bar after 2 s, and the same numbers.
    """
    c, D, dx, dt, steps, bc = _check_common(c0, D, dx, dt, steps, bc, 2, "diffuse_2d")
    r = _check_stable(D, dx, dt, 2)
    if r == 0.0 or steps == 0:
        return c
    kernel = _ftcs_2d_kernel if _jit.HAVE_NUMBA else _ftcs_2d_numpy
    return _in_pieces(kernel, c, r, steps, _BC_CODE[bc], _CELL_STEPS_PER_CALL_2D, "diffuse_2d")


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
