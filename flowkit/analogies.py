"""Unifying analogies (chapter 5): momentum flux as viscosity, Fermi-gas effusion.

Viscosity is a diffusion coefficient for momentum: a moving plate's momentum
spreads into a fluid exactly as ink spreads into water, with the kinematic
viscosity ``nu = eta / rho`` playing ``D``. :func:`couette_startup` gives the
closed form and :func:`couette_startup_numerical` gets the same profile from
the ink solver, :func:`flowkit.diffusion.crank_nicolson`.

Effusion from a degenerate Fermi gas shows that a flux through a hole needs no
temperature: at T = 0 the electrons of a metal still move at up to the Fermi
speed. :func:`effusion_flux_fd` joins the T = 0 value to the Maxwell value
``n <v> / 4`` through the Fermi-Dirac distribution.

No loop kernel lives here; the numerical Couette solver imports
:mod:`flowkit.diffusion` (and thus numba) only when it is called.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike
from scipy import constants as _c
from scipy.special import erfc, gamma, spence, zeta

from . import _chunks, limits
from ._validate import broadcast, count, finite, nonnegative, positive, result, show

__all__ = [
    "kinetic_viscosity",
    "mean_free_path",
    "hard_sphere_viscosity",
    "couette_startup",
    "couette_startup_numerical",
    "fermi_wavevector",
    "fermi_velocity",
    "fermi_energy",
    "fermi_effusion_flux",
    "effusion_flux_fd",
    "fermi_dirac_integral",
]

k_B = _c.k
hbar = _c.hbar

#: Largest spin degeneracy accepted: every integer up to 2**53 is exact in float64.
_G_MAX = 2**53


# --------------------------------------------------------------------------
# Viscosity as a momentum flux
# --------------------------------------------------------------------------


def kinetic_viscosity(
    n: ArrayLike, mass: ArrayLike, mean_speed: ArrayLike, mean_free_path: ArrayLike
) -> float | np.ndarray:
    """Elementary kinetic estimate of the viscosity, ``eta = n m <v> lambda / 3``.

    Molecules crossing a plane carry the mean flow momentum of the layer one
    free path away; the momentum flux per unit shear rate is ``eta``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (>= 0).
    mass : float or array_like
        Molecular mass in kg (> 0).
    mean_speed : float or array_like
        Mean molecular speed <v> in m/s (>= 0).
    mean_free_path : float or array_like
        Mean free path in m (>= 0).

    Returns
    -------
    float or ndarray
        Dynamic viscosity in Pa s.
    """
    n = nonnegative("n", n, "a number density in 1/m^3")
    mass = positive("mass", mass, "a molecular mass in kg")
    v = nonnegative("mean_speed", mean_speed, "a mean speed in m/s")
    lam = nonnegative("mean_free_path", mean_free_path, "a mean free path in m")
    inputs = dict(n=n, mass=mass, mean_speed=v, mean_free_path=lam)
    broadcast(**inputs)
    return result(np.asarray(n) * np.asarray(mass) * np.asarray(v) * np.asarray(lam) / 3.0, **inputs)


def mean_free_path(n: ArrayLike, d: ArrayLike) -> float | np.ndarray:
    """Hard-sphere mean free path ``1 / (sqrt(2) n pi d^2)``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (> 0).
    d : float or array_like
        Molecular (collision) diameter in m (> 0).

    Returns
    -------
    float or ndarray
        Mean free path in m.
    """
    n = positive("n", n, "a number density in 1/m^3")
    d = positive("d", d, "a molecular diameter in m")
    broadcast(n=n, d=d)
    return result(1.0 / (np.sqrt(2.0) * np.asarray(n) * np.pi * np.asarray(d) ** 2), n=n, d=d)


def hard_sphere_viscosity(mass: ArrayLike, T: ArrayLike, d: ArrayLike) -> float | np.ndarray:
    """Chapman-Enskog viscosity of a hard-sphere gas, ``(5/16) sqrt(pi m k T) / (pi d^2)``.

    Independent of density (Maxwell's surprise): more carriers, but each
    carries momentum a proportionally shorter distance. It exceeds the
    elementary estimate ``n m <v> lambda / 3`` (with the hard-sphere free
    path) by the factor ``15 pi / 32 = 1.47``.

    Parameters
    ----------
    mass : float or array_like
        Molecular mass in kg (> 0).
    T : float or array_like
        Temperature in K (> 0).
    d : float or array_like
        Hard-sphere diameter in m (> 0).

    Returns
    -------
    float or ndarray
        Dynamic viscosity in Pa s.
    """
    mass = positive("mass", mass, "a molecular mass in kg")
    T = positive("T", T, "an absolute temperature in K")
    d = positive("d", d, "a molecular diameter in m")
    broadcast(mass=mass, T=T, d=d)
    m, T, d = np.asarray(mass), np.asarray(T), np.asarray(d)
    return result(5.0 / 16.0 * np.sqrt(np.pi * m * k_B * T) / (np.pi * d**2), mass=mass, T=T, d=d)


# --------------------------------------------------------------------------
# Suddenly started plate (Stokes' first problem, and the finite gap)
# --------------------------------------------------------------------------

# For nu t / h^2 below this, the method-of-images erfc sum needs at most a few
# terms; above it, the Fourier series needs at most ~10. Both are exact series.
_SWITCH = 0.05


def _couette_images(y, tau, h):
    # Images of the moving plate in the two walls: sum over k >= 0 of
    # erfc((2kh + y)/(2 sqrt(nu t))) - erfc((2(k+1)h - y)/(2 sqrt(nu t))).
    s = 2.0 * np.sqrt(tau) * h  # 2 sqrt(nu t)
    out = np.zeros(np.broadcast(y, tau).shape)
    for k in range(8):  # erfc(2k h / s) < 1e-17 once k > 5 sqrt(tau) ~ 1.2 for tau <= 0.05
        out = out + erfc((2 * k * h + y) / s) - erfc((2 * (k + 1) * h - y) / s)
    return out


def _couette_fourier(y, tau, h):
    # u/U = 1 - y/h - (2/pi) sum_n sin(n pi y/h) exp(-n^2 pi^2 tau) / n, tau = nu t / h^2.
    out = 1.0 - y / h
    n_max = int(np.ceil(np.sqrt(40.0 / (np.pi**2 * _SWITCH)))) + 1  # exp(-n^2 pi^2 tau) < e^-40
    for n in range(1, n_max + 1):
        out = out - (2.0 / np.pi) * np.sin(n * np.pi * y / h) * np.exp(-(n**2) * np.pi**2 * tau) / n
    return out


def couette_startup(
    y: ArrayLike, t: ArrayLike, U: ArrayLike, nu: ArrayLike, h: float | None = None
) -> float | np.ndarray:
    """Velocity of a fluid after a wall at y = 0 starts moving at speed ``U`` at t = 0.

    Momentum diffuses from the moving wall with diffusivity ``nu``, the same
    equation as ink spreading from a held concentration.

    * ``h=None`` (semi-infinite fluid, Stokes' first problem):
      ``u = U erfc(y / (2 sqrt(nu t)))``.
    * finite ``h`` (fixed wall at y = h, plane Couette start-up):
      ``u = U (1 - y/h) - (2U/pi) sum_n sin(n pi y/h) exp(-n^2 pi^2 nu t/h^2) / n``.
      Evaluated exactly: for ``nu t / h^2 < 0.05`` as the equivalent sum of
      erfc images (few terms at short times), otherwise as the Fourier series
      (few terms at long times); both are truncated below 1e-16.

    At t = 0 the fluid is at rest except the wall itself: ``u(0, 0) = U``.

    Parameters
    ----------
    y : float or array_like
        Distance from the moving wall in m (>= 0, and <= h if h is given).
    t : float or array_like
        Time since the start in s (>= 0); broadcast against ``y``.
    U : float
        Wall speed in m/s (any sign).
    nu : float
        Kinematic viscosity eta/rho in m^2/s (> 0).
    h : float or None, optional
        Gap width in m (> 0), or None for a semi-infinite fluid.

    Returns
    -------
    float or ndarray
        Fluid velocity in m/s, shape ``broadcast(y, t)``.
    """
    y = nonnegative("y", y, "a distance from the moving wall in m")
    t = nonnegative("t", t, "a time since the start in s")
    U = finite("U", U, "a wall speed in m/s")
    nu = positive("nu", nu, "a kinematic viscosity in m^2/s")
    if h is not None:
        h = positive("h", h, "a gap width in m (or None for a semi-infinite fluid)", scalar=True)
    inputs = dict(y=y, t=t, U=U, nu=nu, h=h)
    broadcast(y=y, t=t, U=U, nu=nu)
    y, t = np.broadcast_arrays(np.asarray(y, dtype=float), np.asarray(t, dtype=float))
    started = t > 0
    t_safe = np.where(started, t, 1.0)
    if h is None:
        inputs.pop("h")
        u = erfc(y / (2.0 * np.sqrt(nu * t_safe)))
    else:
        if np.any(y > h):
            raise ValueError(f"y must lie in [0, h] = [0, {h!r}] m; got max(y) = {float(np.max(y))!r}")
        tau = nu * t_safe / (h * h)  # h * h gives inf for a huge h where h**2 raises OverflowError
        short = tau < _SWITCH
        u = np.where(
            short, _couette_images(y, np.minimum(tau, _SWITCH), h), _couette_fourier(y, np.maximum(tau, _SWITCH), h)
        )
    u = np.where(started, u, np.where(y == 0, 1.0, 0.0))
    return result(U * u, **inputs)


def couette_startup_numerical(
    t: float, U: float, nu: float, h: float | None = None, cells: int = 201, steps: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """The Couette start-up solved with the ink solver (Crank-Nicolson, fixed ends).

    Calls :func:`flowkit.diffusion.crank_nicolson` with the kinematic viscosity
    as ``D`` and the velocity as the diffusing field: the same code that
    spreads the ink drop. The grid has ``cells`` points with the end cells
    *on* the walls (y = 0 held at ``U``, y = h held at 0; ``bc="fixed"``
    holds ``c0[0]`` and ``c0[-1]``). Because the initial profile jumps at the
    moving wall, time steps grow geometrically from ``dt = dx^2 / (2 nu)``
    (``r = 1/2``) up to ``t`` whenever uniform steps would be longer than that:
    Crank-Nicolson damps the ringing of the jump only in steps with
    ``nu k^2 dt`` of order one, and graded steps give every wavenumber some.

    Parameters
    ----------
    t : float
        Time since the start in s (>= 0).
    U : float
        Wall speed in m/s.
    nu : float
        Kinematic viscosity in m^2/s (> 0).
    h : float or None, optional
        Gap width in m (> 0). None: a semi-infinite fluid, truncated at
        ``10 sqrt(nu t)`` (where ``erfc(5) ~ 1.5e-12``) and held at rest there.
    cells : int, optional
        Grid points including both walls (>= 3).
    steps : int, optional
        Time steps (>= 1).

    Returns
    -------
    y : ndarray, shape (cells,)
        Positions in m (from 0 to the far wall).
    u : ndarray, shape (cells,)
        Velocity in m/s.
    """
    from . import diffusion  # lazy: loads numba only when this solver runs

    t = nonnegative("t", t, "a time since the start in s", scalar=True)
    U = finite("U", U, "a wall speed in m/s", scalar=True)
    nu = positive("nu", nu, "a kinematic viscosity in m^2/s", scalar=True)
    if h is not None:
        h = positive("h", h, "a gap width in m (or None for a semi-infinite fluid)", scalar=True)
    cells = count("cells", cells, "grid points including both walls", minimum=3)
    steps = count("steps", steps, "time steps", minimum=1)
    # Refused before anything is allocated: positions, velocity and the solver's
    # buffers per cell (crank_nicolson's own estimate, 88 bytes, plus 16), and
    # the step times (two float64 per step).
    limits.check_memory(
        "couette_startup_numerical",
        [
            ("cells", cells, 104 * cells, "the grid and the solver's buffers"),
            ("steps", steps, 16 * (steps + 1), "the time of every step"),
        ],
    )
    if h is None:
        if t == 0:
            raise ValueError("t must be > 0 when h is None (the truncated depth 10 sqrt(nu t) would be zero); got 0.0")
        depth = 10.0 * np.sqrt(nu * t)
        if not np.isfinite(depth) or depth / (cells - 1) == 0 or depth / (cells - 1) ** 2 == 0:
            raise ValueError(
                f"nu and t set the depth 10 sqrt(nu t) = {depth!r} m, too extreme for a grid of {cells} cells in float64; "
                f"got nu={nu!r} m^2/s, t={t!r} s"
            )
    else:
        depth = h
    y = np.linspace(0.0, depth, cells)
    dx = y[1] - y[0]
    u = np.zeros(cells)
    u[0] = U
    if t == 0:
        return y, u
    first = 0.5 * dx**2 / nu  # r = 1/2: Crank-Nicolson strongly damps the grid-scale mode
    if not (np.isfinite(first) and first > 0):
        raise ValueError(
            f"h and nu give a first time step dx^2/(2 nu) = {first!r} s outside float64 range; "
            f"got h={show(h)} m, nu={nu!r} m^2/s, cells={cells}"
        )
    if steps == 1 or t <= steps * first:
        times = np.linspace(0.0, t, steps + 1)
    else:
        # geometric steps from r = 1/2 up to t: every Fourier mode of the jump meets a few
        # steps with nu k^2 dt ~ 1, where Crank-Nicolson damps it (large-r steps barely do)
        times = np.concatenate(([0.0], np.geomspace(first, t, steps)))
    steps_dt = np.diff(times)
    if not np.all(steps_dt > 0):
        raise ValueError(f"t is too small to split into {steps} time steps in float64; got t={t!r} s (steps={steps})")
    with warnings.catch_warnings(), _chunks.Progress(steps, "couette_startup_numerical", "step") as bar:
        # The long graded steps are deliberate (see above): the solver's warning about
        # large-r wiggles is answered by the short steps that precede them.
        warnings.simplefilter("ignore", diffusion.OscillationWarning)
        for dt in steps_dt:
            u = diffusion.crank_nicolson(u, nu, dx, dt, 1, bc="fixed")
            bar.update(1)
    inputs = dict(t=t, U=U, nu=nu, h=h, cells=cells, steps=steps)
    return result(y, **inputs), result(u, **inputs)


# --------------------------------------------------------------------------
# Degenerate Fermi gas
# --------------------------------------------------------------------------


def fermi_wavevector(n: ArrayLike, g: int = 2) -> float | np.ndarray:
    """Fermi wavevector ``k_F = (6 pi^2 n / g)^(1/3)``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (>= 0).
    g : int, optional
        Spin degeneracy (2 for electrons), >= 1.

    Returns
    -------
    float or ndarray
        k_F in 1/m.
    """
    n = nonnegative("n", n, "a number density in 1/m^3")
    g = count("g", g, "a spin degeneracy", minimum=1, maximum=_G_MAX)
    return result(np.cbrt(6.0 * np.pi**2 * np.asarray(n) / g), n=n, g=g)


def fermi_velocity(n: ArrayLike, mass: ArrayLike, g: int = 2) -> float | np.ndarray:
    """Fermi velocity ``v_F = hbar k_F / m``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (>= 0).
    mass : float or array_like
        Particle mass in kg (> 0).
    g : int, optional
        Spin degeneracy, >= 1.

    Returns
    -------
    float or ndarray
        v_F in m/s.
    """
    mass = positive("mass", mass, "a particle mass in kg")
    kF = fermi_wavevector(n, g)
    broadcast(n=kF, mass=mass)
    return result(hbar * np.asarray(kF) / np.asarray(mass), n=n, mass=mass, g=g)


def fermi_energy(n: ArrayLike, mass: ArrayLike, g: int = 2) -> float | np.ndarray:
    """Fermi energy ``E_F = hbar^2 k_F^2 / (2 m)`` in J (arguments as :func:`fermi_velocity`)."""
    mass = positive("mass", mass, "a particle mass in kg")
    kF = fermi_wavevector(n, g)
    broadcast(n=kF, mass=mass)
    return result((hbar * np.asarray(kF)) ** 2 / (2.0 * np.asarray(mass)), n=n, mass=mass, g=g)


def fermi_effusion_flux(n: ArrayLike, mass: ArrayLike, g: int = 2) -> float | np.ndarray:
    """Particle flux through a small hole from a Fermi gas at T = 0: ``(3/16) n v_F``.

    Derivation. At T = 0 the occupied velocities fill a sphere of radius
    ``v_F`` uniformly, with density ``n / ((4/3) pi v_F^3)`` in velocity
    space. Particles with ``v_z > 0`` cross the hole at rate ``v_z`` per unit
    area, so, in spherical coordinates about z,
    ``flux = n / ((4/3) pi v_F^3) * int_0^{v_F} v^2 dv int_0^{pi/2} sin(th) dth
    int_0^{2 pi} dphi  v cos(th)``
    ``= n / ((4/3) pi v_F^3) * (v_F^4 / 4) * (1/2) * 2 pi = (3/16) n v_F``.
    Compare the Maxwell gas, ``n <v> / 4``: the same hemisphere average of
    ``v cos(th)`` (a factor 1/4 of the mean speed), since the mean speed of
    a filled sphere is ``(3/4) v_F``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (>= 0).
    mass : float or array_like
        Particle mass in kg (> 0).
    g : int, optional
        Spin degeneracy, >= 1.

    Returns
    -------
    float or ndarray
        Flux in 1/(m^2 s).
    """
    v_F = np.asarray(fermi_velocity(n, mass, g))
    n = nonnegative("n", n, "a number density in 1/m^3")
    return result(3.0 / 16.0 * np.asarray(n) * v_F, n=n, mass=mass, g=g)


# Complete Fermi-Dirac integrals F_j(eta) = (1/Gamma(j+1)) int_0^inf x^j / (exp(x - eta) + 1) dx,
# for j = 1/2 and -1/2, vectorised, relative accuracy ~1e-13:
#   eta < -2       : alternating series sum (-1)^(k+1) e^(k eta) / k^(j+1)   (40 terms, e^-80)
#   -2 <= eta <= 40: composite Gauss-Legendre in u = sqrt(x) on [0, sqrt(eta + 40)]
#   eta > 40       : Sommerfeld series; for j = +-1/2 the reflected term cos(pi j) F_j(-eta) vanishes.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(20)
_PANELS = 24


def _fd_scaled_series(j, eta):
    # F_j(eta) e^-eta for eta < -2 (alternating series, 40 terms reach e^-80): the
    # Boltzmann factor divided out, so it tends to 1 instead of underflowing to 0
    # deep in the classical regime.
    k = np.arange(1, 41)
    terms = (-1.0) ** (k + 1) * np.exp(np.multiply.outer(eta, k - 1)) / k ** (j + 1)
    return terms.sum(axis=-1)


def _fd_series(j, eta):
    return np.exp(eta) * _fd_scaled_series(j, eta)


def _fd_quadrature(j, eta):
    top = np.sqrt(eta + 40.0)[..., None]  # Fermi factor < e^-40 beyond x = eta + 40
    edges = np.linspace(0.0, 1.0, _PANELS + 1)
    mid = 0.5 * (edges[1:] + edges[:-1])
    half = 0.5 * (edges[1:] - edges[:-1])
    nodes = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()  # in [0, 1]
    weights = (half[:, None] * _GL_W[None, :]).ravel()
    u = top * nodes
    # x^j dx = 2 u^(2j+1) du; Fermi factor written with exp of a non-positive argument.
    x = u * u
    arg = x - eta[..., None]
    fermi = np.where(arg > 0, np.exp(-np.abs(arg)) / (1.0 + np.exp(-np.abs(arg))), 1.0 / (1.0 + np.exp(-np.abs(arg))))
    integrand = 2.0 * u ** (2 * j + 1) * fermi
    return (integrand * weights).sum(axis=-1) * top[..., 0] / gamma(j + 1)


def _fd_sommerfeld(j, eta):
    total = np.ones_like(eta)
    for k in range(1, 5):
        coeff = 2.0 * (1.0 - 2.0 ** (1 - 2 * k)) * zeta(2 * k) * gamma(j + 2) / gamma(j + 2 - 2 * k)
        total = total + coeff * eta ** (-2.0 * k)
    return eta ** (j + 1) / gamma(j + 2) * total


def _fd(j, eta):
    eta = np.asarray(eta, dtype=float)
    out = np.empty_like(eta)
    lo, hi = eta < -2.0, eta > 40.0
    mid = ~(lo | hi)
    out[lo] = _fd_series(j, eta[lo])
    out[hi] = _fd_sommerfeld(j, eta[hi])
    out[mid] = _fd_quadrature(j, eta[mid])
    return out


def _fd1(eta):
    # F_1(eta) = -Li_2(-e^eta), exact via scipy's spence (Li_2(z) = spence(1 - z)),
    # reflected for eta > 0 so e^eta never overflows: F_1(eta) = eta^2/2 + pi^2/6 - F_1(-eta).
    # Below eta = -2 the alternating series is used: 1 + e^eta rounds to 1 there,
    # and spence would lose every digit by eta ~ -37.
    eta = np.asarray(eta, dtype=float)
    a = -np.abs(eta)
    f_neg = np.where(a < -2.0, _fd_series(1, a), -spence(1.0 + np.exp(a)))
    return np.where(eta > 0, 0.5 * eta**2 + np.pi**2 / 6.0 - f_neg, f_neg)


def fermi_dirac_integral(j: float, eta: ArrayLike) -> float | np.ndarray:
    """Complete Fermi-Dirac integral ``F_j(eta) = (1/Gamma(j+1)) int_0^inf x^j/(e^(x-eta)+1) dx``.

    Normalised so that ``F_j(eta) -> e^eta`` for eta -> -infinity (Boltzmann)
    and ``F_j(eta) -> eta^(j+1)/Gamma(j+2)`` for eta -> +infinity (degenerate).

    Parameters
    ----------
    j : {-0.5, 0.5, 1}
        Order.
    eta : float or array_like
        Reduced chemical potential mu/(kT), dimensionless (finite).

    Returns
    -------
    float or ndarray
        ``F_j(eta)``, dimensionless (relative accuracy ~1e-12).
    """
    j = finite("j", j, "the order: one of -0.5, 0.5, 1", scalar=True)
    if j not in (-0.5, 0.5, 1):
        raise ValueError(f"j must be one of -0.5, 0.5, 1 (orders implemented); got {j!r}")
    eta = np.asarray(finite("eta", eta, "a reduced chemical potential mu/(kT)"), dtype=float)
    return result(_fd1(eta) if j == 1 else _fd(j, eta), j=j, eta=eta)


def _log_f12_inverse(log_y):
    """eta with ln F_{1/2}(eta) = log_y (vectorised Newton on the concave ln F_{1/2})."""
    # Start from the classical or degenerate limit, whichever is larger; ln F_{1/2}
    # is increasing and concave, so Newton then converges monotonically.
    deg = np.exp((2.0 / 3.0) * (np.log(3.0 * np.sqrt(np.pi) / 4.0) + log_y))
    eta = np.maximum(log_y, deg)
    for _ in range(60):
        f_half = _fd(0.5, eta)
        f_mhalf = _fd(-0.5, eta)
        step = (np.log(f_half) - log_y) * f_half / f_mhalf
        eta = eta - step
        if np.all(np.abs(step) <= 1e-13 * (1.0 + np.abs(eta))):
            break
    return eta


def effusion_flux_fd(n: ArrayLike, mass: ArrayLike, T: ArrayLike, g: int = 2) -> float | np.ndarray:
    """Effusion flux of an ideal Fermi gas at temperature ``T`` (Fermi-Dirac).

    For any isotropic gas the flux through a small hole is ``n <v> / 4`` with
    ``<v>`` its mean speed. With occupation ``f(E) = 1/(exp((E - mu)/kT) + 1)``
    and ``E = m v^2 / 2``, the density and flux are one-dimensional integrals
    over speed,
    ``n = (g m^3/(2 pi hbar)^3) 4 pi int v^2 f dv`` and
    ``flux = (g m^3/(2 pi hbar)^3) pi int v^3 f dv``,
    which in Fermi-Dirac integrals read ``n = g F_{1/2}(eta) / Lambda^3`` and
    ``flux = n sqrt(kT / (2 pi m)) F_1(eta) / F_{1/2}(eta)``, with
    ``eta = mu/(kT)`` and ``Lambda`` the thermal wavelength. ``eta`` is found
    from ``n`` by Newton's method; ``F_1`` is exact (a dilogarithm).

    Limits (tested): ``kT << E_F`` gives ``(3/16) n v_F`` and ``kT >> E_F``
    gives ``n sqrt(8 kT/(pi m)) / 4``; in between the flux rises
    monotonically with T. Vectorised: pass an array of T (or n) for a
    sweep; a 200-point sweep takes a few ms.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (> 0).
    mass : float or array_like
        Particle mass in kg (> 0).
    T : float or array_like
        Temperature in K (> 0; use :func:`fermi_effusion_flux` for T = 0).
    g : int, optional
        Spin degeneracy, >= 1.

    Returns
    -------
    float or ndarray
        Flux in 1/(m^2 s), shape ``broadcast(n, mass, T)``.
    """
    n = positive("n", n, "a number density in 1/m^3")
    mass = positive("mass", mass, "a particle mass in kg")
    T = positive("T", T, "an absolute temperature in K (use fermi_effusion_flux for T = 0)")
    g = count("g", g, "a spin degeneracy", minimum=1, maximum=_G_MAX)
    inputs = dict(n=n, mass=mass, T=T, g=g)
    broadcast(n=n, mass=mass, T=T)
    n, mass, T = np.broadcast_arrays(np.asarray(n), np.asarray(mass), np.asarray(T))
    shape = n.shape
    n, mass, T = n.ravel(), mass.ravel(), T.ravel()
    # ln(n lambda^3 / g) as a sum of logs: neither lambda^3 nor m k T may
    # under- or overflow at extreme temperatures.
    log_y = np.log(n) - np.log(g) + 1.5 * (np.log(2.0 * np.pi * hbar**2) - np.log(mass) - np.log(k_B) - np.log(T))
    # Three regimes. Classical (n lambda^3/g < e^-30): eta = ln y to O(y^2) and
    # the quantum correction to the flux is O(y) < 1e-13. Degenerate
    # (ln y > 21, i.e. eta > 1e6): the thermal correction (pi^2/6)(kT/E_F)^2
    # is below 2e-12, so the T = 0 flux is exact to double precision.
    # In between, Newton on ln F_{1/2}.
    degenerate = log_y > 21.0
    middle = (log_y >= -30.0) & ~degenerate
    eta = log_y.copy()
    eta[middle] = _log_f12_inverse(log_y[middle])
    # F_1/F_{1/2}: from Boltzmann-scaled series when eta < -2 (tends to 1, no 0/0)
    ratio = np.ones_like(eta)
    low = ~degenerate & (eta < -2.0)
    ratio[low] = _fd_scaled_series(1, eta[low]) / _fd_scaled_series(0.5, eta[low])
    high = middle & (eta >= -2.0)
    ratio[high] = _fd1(eta[high]) / _fd(0.5, eta[high])
    flux = n * np.sqrt(k_B * T / (2.0 * np.pi * mass)) * ratio
    flux[degenerate] = fermi_effusion_flux(n[degenerate], mass[degenerate], g)
    return result(flux.reshape(shape), **inputs)
