"""Chemical potential, entropy and linear flux-force laws (chapter 4).

Particles drift from high to low chemical potential ``mu``. This module gives
the ideal-gas ``mu``, a two-box relaxation whose total entropy can be watched
rising to its maximum, the Onsager description of coupled fluxes, the Dorn
(sedimentation) potential and the isothermal barometric column, where a
density gradient persists with no flow because ``mu + m g h`` is uniform.

Everything is closed form or a one-dimensional ODE; no loop kernel, so this
module never imports numba.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import constants as _c
from scipy.integrate import cumulative_simpson
from scipy.interpolate import CubicSpline

from ._validate import broadcast, finite, nonnegative, positive, result, show

__all__ = [
    "HELIUM_MASS",
    "thermal_wavelength",
    "chemical_potential",
    "chemical_potential_density",
    "delta_mu",
    "sackur_tetrode",
    "Reservoirs",
    "two_reservoirs",
    "onsager_fluxes",
    "entropy_production",
    "validate_onsager",
    "dorn_field",
    "barometric_density",
]

k_B = _c.k
h_PLANCK = _c.h

#: Mass of a helium-4 atom in kg (CODATA alpha-particle mass plus two electrons;
#: the electron binding energy, 79 eV, is far below the precision that matters here).
HELIUM_MASS = _c.physical_constants["alpha particle mass"][0] + 2 * _c.m_e


def thermal_wavelength(mass: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Thermal de Broglie wavelength ``h / sqrt(2 pi m k T)``.

    Parameters
    ----------
    mass : float or array_like
        Particle mass in kg (> 0).
    T : float or array_like
        Temperature in K (> 0).

    Returns
    -------
    float or ndarray
        Wavelength in m.
    """
    mass = positive("mass", mass, "a particle mass in kg")
    T = positive("T", T, "an absolute temperature in K")
    broadcast(mass=mass, T=T)
    return result(h_PLANCK / np.sqrt(2.0 * np.pi * mass * k_B * T), mass=mass, T=T)


def chemical_potential_density(n: ArrayLike, T: ArrayLike, mass: ArrayLike) -> float | np.ndarray:
    """Ideal-gas chemical potential from number density, ``kT ln(n Lambda^3)``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (> 0; mu of an empty box is minus infinity).
    T : float or array_like
        Temperature in K (> 0).
    mass : float or array_like
        Particle mass in kg (> 0).

    Returns
    -------
    float or ndarray
        Chemical potential per particle in J.
    """
    n = positive("n", n, "a number density in 1/m^3")
    T = positive("T", T, "an absolute temperature in K")
    mass = positive("mass", mass, "a particle mass in kg")
    broadcast(n=n, T=T, mass=mass)
    lam = thermal_wavelength(mass, T)
    return result(k_B * np.asarray(T) * (np.log(n) + 3.0 * np.log(lam)), n=n, T=T, mass=mass)


def chemical_potential(P: ArrayLike, T: ArrayLike, mass: ArrayLike) -> float | np.ndarray:
    """Ideal-gas chemical potential at pressure ``P``: ``kT ln(n Lambda^3)``, ``n = P/(kT)``.

    Parameters
    ----------
    P : float or array_like
        Pressure in Pa (> 0).
    T : float or array_like
        Temperature in K (> 0).
    mass : float or array_like
        Particle mass in kg (> 0).

    Returns
    -------
    float or ndarray
        Chemical potential per particle in J (negative for a classical gas,
        where ``n Lambda^3 << 1``).

    Examples
    --------
    Helium at 300 K and one atmosphere sits about a third of an eV below zero:

    >>> from scipy.constants import atm, eV
    >>> round(chemical_potential(atm, 300.0, HELIUM_MASS) / eV, 3)
    -0.328
    """
    P = positive("P", P, "a pressure in Pa")
    T = positive("T", T, "an absolute temperature in K")
    mass = positive("mass", mass, "a particle mass in kg")
    broadcast(P=P, T=T, mass=mass)
    n = np.asarray(P) / (k_B * np.asarray(T))
    if not np.all(np.isfinite(n) & (n > 0)):
        raise ValueError(
            f"P and T give a number density P/(kT) outside float64 range; got P={show(P)} Pa, T={show(T)} K"
        )
    return chemical_potential_density(n, T, mass)


def delta_mu(P1: ArrayLike, P2: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Chemical-potential difference ``mu1 - mu2 = kT ln(P1/P2)`` at equal temperature.

    Positive when side 1 has the higher pressure, so particles flow 1 -> 2.

    Parameters
    ----------
    P1, P2 : float or array_like
        Pressures in Pa (> 0).
    T : float or array_like
        Common temperature in K (> 0).

    Returns
    -------
    float or ndarray
        ``mu1 - mu2`` in J.
    """
    P1 = positive("P1", P1, "a pressure in Pa")
    P2 = positive("P2", P2, "a pressure in Pa")
    T = positive("T", T, "an absolute temperature in K")
    broadcast(P1=P1, P2=P2, T=T)
    P1, P2 = np.asarray(P1), np.asarray(P2)
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        ratio = P1 / P2
        # ln(P1/P2) keeps close pressures accurate; the difference of logs takes over where the ratio over/underflows
        log_ratio = np.where(np.isfinite(ratio) & (ratio > 0), np.log(ratio), np.log(P1) - np.log(P2))
    return result(k_B * np.asarray(T) * log_ratio, P1=P1, P2=P2, T=T)


def sackur_tetrode(N: ArrayLike, V: ArrayLike, T: ArrayLike, mass: ArrayLike) -> float | np.ndarray:
    """Entropy of a classical monatomic ideal gas, ``N k [ln(V/(N Lambda^3)) + 5/2]``.

    Parameters
    ----------
    N : float or array_like
        Number of particles (>= 0; an empty box has zero entropy).
    V : float or array_like
        Volume in m^3 (> 0).
    T : float or array_like
        Temperature in K (> 0).
    mass : float or array_like
        Particle mass in kg (> 0).

    Returns
    -------
    float or ndarray
        Entropy in J/K.
    """
    N = nonnegative("N", N, "a number of particles")
    V = positive("V", V, "a volume in m^3")
    T = positive("T", T, "an absolute temperature in K")
    mass = positive("mass", mass, "a particle mass in kg")
    broadcast(N=N, V=V, T=T, mass=mass)
    lam = thermal_wavelength(mass, T)
    return result(_sackur_tetrode(np.asarray(N), np.asarray(V), np.asarray(lam)), N=N, V=V, T=T, mass=mass)


def _sackur_tetrode(N, V, lam):
    # N ln(V/(N lam^3)) -> 0 as N -> 0; np.where keeps 0 * (-inf) out of the result.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        arg = V / (N * lam**3)
        # where V/(N lam^3) over- or underflows (a subnormal N, a huge lam), the same log as a sum of logs
        log_arg = np.where(np.isfinite(arg) & (arg > 0), np.log(arg), np.log(V) - np.log(N) - 3.0 * np.log(lam))
        s = N * k_B * (log_arg + 2.5)
    return np.where(N > 0, s, 0.0)


class Reservoirs(NamedTuple):
    """Result of :func:`two_reservoirs`; every field has the shape of ``t``."""

    t: np.ndarray  #: times in s
    N1: np.ndarray  #: particles in box 1
    N2: np.ndarray  #: particles in box 2
    mu1: np.ndarray  #: chemical potential of box 1 in J
    mu2: np.ndarray  #: chemical potential of box 2 in J
    S: np.ndarray  #: total (Sackur-Tetrode) entropy in J/K


def two_reservoirs(
    N1: float, N2: float, V1: float, V2: float, T: float, conductance: float, t: ArrayLike, mass: float = HELIUM_MASS
) -> Reservoirs:
    """Two ideal-gas boxes at one temperature joined by a valve: relaxation in time.

    The valve passes a particle current proportional to the chemical-potential
    difference, ``dN1/dt = -conductance (mu1 - mu2)``, with
    ``mu_i = kT ln(N_i Lambda^3 / V_i)``. Only the ratio of densities enters
    ``mu1 - mu2``, so ``mass`` shifts both potentials equally and never changes
    the flow. The total ``N1 + N2`` is conserved and the total entropy rises
    monotonically to its maximum, reached when ``N1/V1 = N2/V2``.

    With ``f = N1/N`` and ``f* = V1/(V1 + V2)`` the ODE is
    ``df/dt = -(G k T / N) ln[f (1 - f*) / ((1 - f) f*)]``; near the end state it
    decays as ``exp(-t/t_relax)`` with ``t_relax = N f* (1 - f*) / (G k T)``. The ODE
    is separable, so it is solved by quadrature (see ``_relaxed_deviation``):
    about a millisecond whatever the time window, fast enough for a slider.

    Parameters
    ----------
    N1, N2 : float
        Initial particle numbers (> 0 each; an empty box would have
        ``mu = -inf`` and an infinite initial current).
    V1, V2 : float
        Volumes in m^3 (> 0).
    T : float
        Common temperature in K (> 0).
    conductance : float
        Valve conductance ``G`` in 1/(J s) (>= 0): particles per second per
        joule of chemical-potential difference.
    t : float or array_like
        Times in s at which to report (>= 0, any shape, any order; t = 0 is
        the initial state).
    mass : float, optional
        Particle mass in kg (> 0), default helium-4. Sets the absolute mu
        and S only.

    Returns
    -------
    Reservoirs
        NamedTuple ``(t, N1, N2, mu1, mu2, S)`` of float64 arrays shaped like
        ``t``: particle numbers, chemical potentials in J, total entropy in J/K.
    """
    N1 = positive("N1", N1, "a number of particles in box 1", scalar=True)
    N2 = positive("N2", N2, "a number of particles in box 2", scalar=True)
    V1 = positive("V1", V1, "a volume in m^3", scalar=True)
    V2 = positive("V2", V2, "a volume in m^3", scalar=True)
    T = positive("T", T, "an absolute temperature in K", scalar=True)
    G = nonnegative("conductance", conductance, "a valve conductance in 1/(J s)", scalar=True)
    mass = positive("mass", mass, "a particle mass in kg", scalar=True)
    lam = np.float64(thermal_wavelength(mass, T))  # a NumPy float: lam**3 gives inf, not OverflowError
    t_arr = np.asarray(nonnegative("t", t, "times in s, starting at t = 0"), dtype=float)
    inputs = dict(N1=N1, N2=N2, V1=V1, V2=V2, T=T, conductance=G, t=t_arr, mass=mass)

    N = N1 + N2
    fstar = V1 / (V1 + V2)
    if not 0.0 < fstar < 1.0:
        raise ValueError(
            f"V1 and V2 differ by more than float64 resolves (V1/(V1 + V2) rounds to {fstar!r}); got V1={V1!r}, V2={V2!r} m^3"
        )
    if not 0.0 < N1 / N < 1.0:
        raise ValueError(
            f"N1 and N2 differ by more than float64 resolves (N1/(N1 + N2) rounds to {N1 / N!r}); got N1={N1!r}, N2={N2!r}"
        )
    u0 = N1 / N - fstar  # deviation of the fraction in box 1 from its end value
    rate = G * k_B * T / N  # 1/s per unit of log ratio
    tau = fstar * (1.0 - fstar) / rate if rate > 0 else np.inf

    flat = t_arr.ravel()
    times, inverse = np.unique(flat, return_inverse=True)
    if rate == 0.0 or u0 == 0.0:
        u = np.full(times.shape, u0)
    else:
        u = _relaxed_deviation(u0, fstar, times / tau)

    moved = N * (u - u0)  # particles gained by box 1; exactly 0 at t = 0
    n1 = N1 + moved
    n2 = N2 - moved
    with np.errstate(divide="ignore"):
        mu1 = k_B * T * np.log(n1 * lam**3 / V1)
        mu2 = k_B * T * np.log(n2 * lam**3 / V2)
    S = _sackur_tetrode(n1, V1, lam) + _sackur_tetrode(n2, V2, lam)
    shape = t_arr.shape

    def back(a):
        return np.asarray(result(np.asarray(a)[inverse].reshape(shape), **inputs), dtype=float)

    return Reservoirs(t_arr.astype(float), back(n1), back(n2), back(mu1), back(mu2), back(S))


def _relaxed_deviation(u0, fstar, s):
    """Solve ``du/ds = -a [ln(1 + u/f*) - ln(1 - u/(1 - f*))]``, ``a = f*(1 - f*)``, ``u(0) = u0``.

    ``u = f - f*`` is the deviation of box 1's share of the particles from its
    end value and ``s = t / tau`` the time in relaxation times. The equation is
    separable. With ``w = ln|u|`` the elapsed time is
    ``s(w) = integral from w to w0 of h(w') dw'`` where ``h = u / (a g(u))``
    (``g`` the bracket) is smooth and tends to 1 as ``u -> 0``: the decay becomes
    exactly ``exp(-s)`` near the end state. ``h`` is integrated by Simpson's rule
    on a fine grid in ``w`` down to ``|u| = 1e-15 |u0|`` and the result inverted
    with a cubic spline; beyond the grid the exponential tail is used. Relative
    error about 1e-10 (checked against an ODE solver in the tests).
    """
    a = fstar * (1.0 - fstar)
    depth = np.linspace(0.0, 35.0, 8193)  # e-folds below |u0|: down to 6e-16 |u0|
    w = np.log(abs(u0)) - depth
    y = np.copysign(np.exp(w), u0)
    # log1p keeps g accurate as u -> 0, where g ~ u / a.
    g = np.log1p(y / fstar) - np.log1p(-y / (1.0 - fstar))
    h = y / (a * g)
    elapsed = cumulative_simpson(h, x=depth, initial=0.0)  # s at each depth
    if not np.all(np.diff(elapsed) > 0):
        # very lopsided boxes: the late steps of elapsed time fall below the round-off of the early ones
        raise ValueError(
            "V1, V2, N1 and N2 set a relaxation too lopsided for float64 to resolve in time; got end share "
            f"V1/(V1 + V2) = {fstar:.3g} and starting share N1/(N1 + N2) = {fstar + u0:.3g} (a share this close to 0 or 1 needs more digits than float64 has)"
        )
    log_dev = CubicSpline(elapsed, w)(np.minimum(s, elapsed[-1]))
    tail = s > elapsed[-1]
    log_dev[tail] = w[-1] - (s[tail] - elapsed[-1])  # h = 1 to round-off there
    return np.copysign(np.exp(log_dev), u0)


def _check_pair(L, X):
    L = finite("L", L, "an Onsager matrix of transport coefficients")
    X = finite("X", X, "thermodynamic forces")
    L = np.asarray(L, dtype=float)
    X = np.asarray(X, dtype=float)
    if L.ndim != 2 or L.shape[0] != L.shape[1]:
        raise ValueError(f"L must be a square 2-D matrix (n x n); got shape {L.shape}")
    if X.ndim < 1 or X.shape[-1] != L.shape[0]:
        raise ValueError(
            f"X must have its last axis of length {L.shape[0]} to match L of shape {L.shape}; got shape {X.shape}"
        )
    return L, X


def onsager_fluxes(L: ArrayLike, X: ArrayLike) -> np.ndarray:
    """Linear fluxes ``J = L X`` (shapes checked, L itself not validated).

    Use :func:`validate_onsager` to check that ``L`` is physical; leaving it
    out here lets a lesson show what an unphysical matrix would do.

    Parameters
    ----------
    L : array_like, shape (n, n)
        Onsager coefficients; units are flux per unit force (for particle
        fluxes in 1/(m^2 s) driven by ``X = -grad mu`` in J/m: 1/(J m s)).
    X : array_like, shape (..., n)
        Thermodynamic forces (e.g. ``-grad mu`` in J/m at uniform T).

    Returns
    -------
    ndarray, shape (..., n)
        Fluxes, in the units of ``L`` times those of ``X``.
    """
    L, X = _check_pair(L, X)
    return result(np.einsum("ij,...j->...i", L, X), L=L, X=X)


def entropy_production(L: ArrayLike, X: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Entropy production rate ``sigma = X . L X / T`` (shapes checked only).

    Parameters
    ----------
    L : array_like, shape (n, n)
        Onsager coefficients (see :func:`onsager_fluxes`).
    X : array_like, shape (..., n)
        Thermodynamic forces (``-grad mu`` in J/m at uniform T).
    T : float or array_like
        Temperature in K (> 0), broadcast against ``X[..., 0]``.

    Returns
    -------
    float or ndarray, shape (...)
        ``sigma`` in W/(K m^3) for particle fluxes in 1/(m^2 s) and forces in
        J/m. A physical ``L`` never makes it negative; a bad one can.
    """
    L, X = _check_pair(L, X)
    T = positive("T", T, "an absolute temperature in K")
    broadcast(X=X[..., 0], T=T)
    return result(np.einsum("...i,ij,...j->...", X, L, X) / np.asarray(T), L=L, X=X, T=T)


def validate_onsager(L: ArrayLike) -> np.ndarray:
    """Check that ``L`` is a physical Onsager matrix and return it as float64.

    Two laws constrain it. Reciprocity (microscopic reversibility) makes it
    symmetric, ``L_ij = L_ji``; the second law makes it positive
    semidefinite, so ``X . L X >= 0`` for every force. Both are checked to an
    absolute tolerance of ``1e-12`` times the largest ``|L_ij|``.

    Parameters
    ----------
    L : array_like, shape (n, n)
        Onsager coefficients.

    Returns
    -------
    ndarray, shape (n, n)
        ``L`` as float64.

    Raises
    ------
    ValueError
        If ``L`` is not square and finite; if it is asymmetric (message names
        Onsager reciprocity); if it has a negative eigenvalue (message says it
        would let entropy decrease).
    """
    L = np.asarray(finite("L", L, "an Onsager matrix of transport coefficients"), dtype=float)
    if L.ndim != 2 or L.shape[0] != L.shape[1]:
        raise ValueError(f"L must be a square 2-D matrix (n x n); got shape {L.shape}")
    tol = 1e-12 * (np.max(np.abs(L)) if L.size else 0.0)
    asym = np.max(np.abs(L - L.T)) if L.size else 0.0
    if asym > tol:
        i, j = np.unravel_index(np.argmax(np.abs(L - L.T)), L.shape)
        raise ValueError(
            f"L must be symmetric (Onsager reciprocity, L_ij = L_ji); got L_{i + 1}{j + 1} = {float(L[i, j]):.6g} "
            f"but L_{j + 1}{i + 1} = {float(L[j, i]):.6g}"
        )
    lowest = np.linalg.eigvalsh(0.5 * (L + L.T)).min() if L.size else 0.0
    if lowest < -tol:
        raise ValueError(
            f"L must be positive semidefinite (second law): it has eigenvalue {float(lowest):.6g} < 0, "
            "which would let entropy decrease for forces along that eigenvector"
        )
    return L


def dorn_field(
    zeta: ArrayLike,
    volume_fraction: ArrayLike,
    delta_rho: ArrayLike,
    conductivity: ArrayLike,
    eps_r: ArrayLike = 78.5,
    eta: ArrayLike = 8.9e-4,
    g: ArrayLike = 9.81,
) -> float | np.ndarray:
    """Sedimentation (Dorn) field of settling charged colloids, Smoluchowski limit.

    ``E = eps0 eps_r zeta phi (rho_p - rho_f) g / (eta K)``, for a thin double
    layer and a dilute suspension. It is the Onsager partner of
    electrophoresis: the coefficient that turns a field into particle motion
    also turns gravity-driven motion into a current, which at open circuit
    is cancelled by the conduction current ``K E``.

    Sign: the result is the field component pointing *up* (against gravity).
    Negatively charged particles (``zeta < 0``) that sink leave their
    positive counter-ion cloud above them, so the field points down and the
    result is negative.

    Parameters
    ----------
    zeta : float or array_like
        Zeta potential in V (any sign).
    volume_fraction : float or array_like
        Particle volume fraction phi, in [0, 1).
    delta_rho : float or array_like
        Density excess rho_particle - rho_fluid in kg/m^3 (negative: creaming).
    conductivity : float or array_like
        Electrical conductivity K of the liquid in S/m (> 0).
    eps_r : float, optional
        Relative permittivity of the liquid (> 0), default water 78.5.
    eta : float, optional
        Dynamic viscosity in Pa s (> 0), default water at 25 C.
    g : float, optional
        Gravitational acceleration in m/s^2 (>= 0).

    Returns
    -------
    float or ndarray
        Field in V/m (upward component).
    """
    zeta = finite("zeta", zeta, "a zeta potential in V")
    phi = nonnegative("volume_fraction", volume_fraction, "a volume fraction in [0, 1)")
    if np.any(np.asarray(phi) >= 1):
        raise ValueError(f"volume_fraction must lie in [0, 1) (a volume fraction); got {volume_fraction!r}")
    delta_rho = finite("delta_rho", delta_rho, "a density difference in kg/m^3")
    K = positive("conductivity", conductivity, "an electrical conductivity in S/m")
    eps_r = positive("eps_r", eps_r, "a relative permittivity")
    eta = positive("eta", eta, "a dynamic viscosity in Pa s")
    g = nonnegative("g", g, "a gravitational acceleration in m/s^2")
    inputs = dict(zeta=zeta, volume_fraction=phi, delta_rho=delta_rho, conductivity=K, eps_r=eps_r, eta=eta, g=g)
    broadcast(**inputs)
    E = _c.epsilon_0 * eps_r * np.asarray(zeta) * np.asarray(phi) * np.asarray(delta_rho) * g / (eta * np.asarray(K))
    return result(E, **inputs)


def barometric_density(
    h: ArrayLike, T: ArrayLike, mass: ArrayLike, n0: ArrayLike, g: ArrayLike = 9.81
) -> float | np.ndarray:
    """Number density in an isothermal column, ``n0 exp(-m g h / (k T))``.

    In equilibrium ``mu(h) + m g h`` is the same at every height, so
    ``kT ln(n(h) Lambda^3) = kT ln(n0 Lambda^3) - m g h``: the density falls
    with height and still no particles flow.

    Parameters
    ----------
    h : float or array_like
        Height above the reference level in m (any real).
    T : float or array_like
        Temperature in K (> 0).
    mass : float or array_like
        Particle mass in kg (> 0).
    n0 : float or array_like
        Number density at h = 0 in 1/m^3 (>= 0).
    g : float, optional
        Gravitational acceleration in m/s^2 (>= 0).

    Returns
    -------
    float or ndarray
        Number density in 1/m^3.
    """
    h = finite("h", h, "a height in m")
    T = positive("T", T, "an absolute temperature in K")
    mass = positive("mass", mass, "a particle mass in kg")
    n0 = nonnegative("n0", n0, "a number density in 1/m^3")
    g = nonnegative("g", g, "a gravitational acceleration in m/s^2")
    inputs = dict(h=h, T=T, mass=mass, n0=n0, g=g)
    broadcast(**inputs)
    return result(np.asarray(n0) * np.exp(-np.asarray(mass) * g * np.asarray(h) / (k_B * np.asarray(T))), **inputs)


def max_entropy_gain(N1, N2, V1, V2):
    """Most entropy two ideal-gas boxes joined by a valve can make from the split (N1, N2), J/K.

    The total Sackur-Tetrode entropy is largest at equal densities,
    n_f = (N1 + N2) / (V1 + V2); the gain from the start to there is

        S_eq - S(0) = k_B [N1 ln(n1 / n_f) + N2 ln(n2 / n_f)],   n_i = N_i / V_i.

    The thermal-wavelength and 5/2 terms of Sackur-Tetrode cancel (the number of
    atoms is conserved), so the gain depends on neither the temperature nor the
    mass. Written this way, not as a difference of two totals of ~1e21 k_B, it
    keeps its digits near equilibrium. Never negative (Gibbs' inequality).

    Parameters
    ----------
    N1, N2 : float
        Atoms in box 1 and box 2 at the start (>= 0, not both zero).
    V1, V2 : float
        Box volumes, m^3 (> 0).

    Returns
    -------
    float
        S_eq - S(0), J/K.

    >>> f"{max_entropy_gain(0.7e20, 0.3e20, 4e-3 / 3, 2e-3 / 3) / k_B:.4g}"  # in units of k_B
    '2.545e+17'
    """
    N1 = nonnegative("N1", N1, "a number of atoms")
    N2 = nonnegative("N2", N2, "a number of atoms")
    V1 = positive("V1", V1, "a volume in m^3")
    V2 = positive("V2", V2, "a volume in m^3")
    if np.any(np.asarray(N1) + np.asarray(N2) <= 0):
        raise ValueError(f"N1 + N2 must be positive (atoms in the two boxes); got N1={N1!r}, N2={N2!r}")
    from scipy.special import xlogy  # 0 ln 0 = 0: an empty box gains nothing of its own

    n_f = (np.asarray(N1) + np.asarray(N2)) / (np.asarray(V1) + np.asarray(V2))
    gain = xlogy(N1, np.asarray(N1) / V1 / n_f) + xlogy(N2, np.asarray(N2) / V2 / n_f)
    return result(np.asarray(k_B * gain), N1=N1, N2=N2, V1=V1, V2=V2)
