"""Applications (chapter 6): the solar wind, the coffee ring, nodal flow.

Three places where a particle flux decides what happens:

* the solar wind's momentum flux ``n m v^2`` pushes Earth's magnetic field
  back until the field pressure balances it (the magnetopause);
* evaporation from a pinned drop is fastest at the contact line, so liquid
  flows outward and carries solute to the rim (Deegan et al., Nature 389,
  827 (1997); Phys. Rev. E 62, 756 (2000));
* cilia in the embryonic node drive a leftward flow that beats diffusion for
  large morphogen carriers, breaking left-right symmetry (Nonaka et al.,
  Cell 95, 829 (1998)).

All closed form; this module never imports numba.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import constants as _c

from ._validate import broadcast, nonnegative, positive, probability, result

__all__ = [
    "EARTH_DIPOLE_FIELD",
    "solar_wind_pressure",
    "magnetopause_standoff",
    "coffee_ring_flux",
    "coffee_ring_velocity",
    "coffee_ring_deposit",
    "drop_evaporation_rate",
    "drop_drying_time",
    "stokes_einstein",
    "nodal_peclet",
    "nodal_profile",
]

#: Earth's equatorial surface dipole field in T (about 31 microtesla).
EARTH_DIPOLE_FIELD = 3.12e-5


def solar_wind_pressure(n: ArrayLike, v: ArrayLike, mass: ArrayLike = _c.m_p) -> float | np.ndarray:
    """Dynamic pressure (momentum flux) of a stream, ``n m v^2``.

    Parameters
    ----------
    n : float or array_like
        Number density in 1/m^3 (>= 0); the solar wind near Earth has about
        5e6 protons per m^3 (5 per cm^3).
    v : float or array_like
        Bulk speed in m/s (>= 0); typically 3e5 to 8e5 m/s.
    mass : float or array_like, optional
        Particle mass in kg (> 0), default the proton mass.

    Returns
    -------
    float or ndarray
        Pressure in Pa (5 cm^-3 at 400 km/s: about 1.3 nPa).
    """
    n = nonnegative("n", n, "a number density in 1/m^3")
    v = nonnegative("v", v, "a bulk speed in m/s")
    mass = positive("mass", mass, "a particle mass in kg")
    broadcast(n=n, v=v, mass=mass)
    return result(np.asarray(n) * np.asarray(mass) * np.asarray(v) ** 2, n=n, v=v, mass=mass)


def magnetopause_standoff(n: ArrayLike, v: ArrayLike, B0: ArrayLike = EARTH_DIPOLE_FIELD) -> float | np.ndarray:
    """Sub-solar magnetopause distance in Earth radii from pressure balance.

    The dipole field at distance r is ``B0 (R_E/r)^3``; currents on the
    magnetopause double it just inside the boundary, so the magnetic pressure
    ``(2 B0 (R_E/r)^3)^2 / (2 mu0)`` balances the wind's ``n m_p v^2`` at
    ``r / R_E = ((2 B0)^2 / (2 mu0 n m_p v^2))^(1/6)``.

    Parameters
    ----------
    n : float or array_like
        Proton number density in 1/m^3 (> 0).
    v : float or array_like
        Solar-wind speed in m/s (> 0).
    B0 : float, optional
        Equatorial surface dipole field in T (> 0), default 3.12e-5.

    Returns
    -------
    float or ndarray
        Stand-off distance in Earth radii (about 10 for 5 cm^-3 at 400 km/s).
    """
    n = positive("n", n, "a proton number density in 1/m^3")
    v = positive("v", v, "a solar-wind speed in m/s")
    B0 = positive("B0", B0, "a surface magnetic field in T")
    broadcast(n=n, v=v, B0=B0)
    p_wind = np.asarray(n) * _c.m_p * np.asarray(v) ** 2
    standoff = ((2.0 * np.asarray(B0)) ** 2 / (2.0 * _c.mu_0 * p_wind)) ** (1.0 / 6.0)
    return result(standoff, n=n, v=v, B0=B0)


def _radius_inside(r, R):
    r = nonnegative("r", r, "a radial distance from the drop centre in m")
    R = positive("R", R, "a drop (contact-line) radius in m")
    broadcast(r=r, R=R)
    r, R = np.asarray(r), np.asarray(R)
    if np.any(r >= R):
        raise ValueError(
            f"r must lie in [0, R) (inside the contact line, where the flux is finite); "
            f"got r = {r.max()!r} with R = {R if R.ndim == 0 else R.min()!r}"
        )
    return r, R


def coffee_ring_flux(r: ArrayLike, R: ArrayLike) -> float | np.ndarray:
    """Evaporation flux over a thin pinned drop, relative to its value at the centre.

    ``J(r) / J(0) = (1 - r^2/R^2)^(-1/2)``: the contact-angle -> 0 limit of
    Deegan et al. (1997, 2000), where the vapour field around the drop is
    that of a charged disc. It diverges at the contact line r = R, which
    is why the rim dries first.

    Parameters
    ----------
    r : float or array_like
        Distance from the drop centre in m, in [0, R).
    R : float or array_like
        Contact-line radius in m (> 0).

    Returns
    -------
    float or ndarray
        Dimensionless flux ratio (1 at the centre).
    """
    r, R = _radius_inside(r, R)
    return result(1.0 / np.sqrt(1.0 - (r / R) ** 2), r=r, R=R)


def coffee_ring_velocity(r: ArrayLike, R: ArrayLike, t: ArrayLike, t_f: ArrayLike) -> float | np.ndarray:
    """Depth-averaged outward velocity inside a drying thin drop (contact angle -> 0).

    Mass conservation for the film ``h(r, t) = theta(t) (R^2 - r^2) / (2R)``
    with the pinned contact line, the flux of :func:`coffee_ring_flux` and
    ``theta`` falling linearly to 0 at ``t_f``, gives
    (Deegan et al., Phys. Rev. E 62, 756 (2000), the case of evaporation exponent 1/2)
    ``v = R / (4 (t_f - t)) * [(1 - r~^2)^(-1/2) - (1 - r~^2)] / r~``,
    ``r~ = r / R``. It vanishes at the centre, diverges at the rim, and
    speeds up as the drop thins.

    Parameters
    ----------
    r : float or array_like
        Distance from the centre in m, in [0, R).
    R : float
        Contact-line radius in m (> 0).
    t : float or array_like
        Time since deposition in s, in [0, t_f).
    t_f : float
        Drying time in s (> 0).

    Returns
    -------
    float or ndarray
        Outward radial velocity in m/s, shape ``broadcast(r, t)``.
    """
    r, R = _radius_inside(r, R)
    t, t_f = _time_fraction(t, t_f, closed=False)
    broadcast(r=r, R=R, t=t, t_f=t_f)
    x = r / R
    s = x * x
    # (1 - s)^(-1/2) - (1 - s) = [(1 - s)^(-1/2) - 1] + s, written with expm1/log1p so that
    # the ~1.5 s leading term near the centre does not cancel away.
    bracket = np.expm1(-0.5 * np.log1p(-s)) + s
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = np.where(x > 0, bracket / np.where(x > 0, x, 1.0), 0.0)
    return result(R / (4.0 * (t_f - t)) * shape, r=r, R=R, t=t, t_f=t_f)


def _time_fraction(t, t_f, closed=True):
    t = nonnegative("t", t, "a time since deposition in s")
    t_f = positive("t_f", t_f, "a drying time in s")
    broadcast(t=t, t_f=t_f)
    t, t_f = np.asarray(t), np.asarray(t_f)
    bad = t > t_f if closed else t >= t_f
    if np.any(bad):
        allowed = "[0, t_f]" if closed else "[0, t_f) (the velocity diverges at t_f)"
        raise ValueError(f"t must lie in {allowed}; got t = {t.max()!r} with t_f = {t_f.min()!r}")
    return t, t_f


def coffee_ring_deposit(t: ArrayLike, t_f: ArrayLike) -> float | np.ndarray:
    """Fraction of the solute that has reached the rim, ``[1 - (1 - t/t_f)^(3/4)]^(4/3)``.

    Deegan's small-angle law (Phys. Rev. E 62, 756 (2000)): following each
    parcel along :func:`coffee_ring_velocity`, the solute that started
    outside radius ``r0`` arrives when ``1 - (1 - r0^2/R^2)^(3/2) =
    (1 - t/t_f)^(3/4)``; the solute outside ``r0`` is ``(1 - r0^2/R^2)^2``
    of the total. Early on it grows as ``(3 t / (4 t_f))^(4/3)``.

    Parameters
    ----------
    t : float or array_like
        Time since deposition in s, in [0, t_f].
    t_f : float or array_like
        Drying time in s (> 0).

    Returns
    -------
    float or ndarray
        Dimensionless fraction in [0, 1].
    """
    t, t_f = _time_fraction(t, t_f)
    return result((1.0 - (1.0 - t / t_f) ** 0.75) ** (4.0 / 3.0), t=t, t_f=t_f)


def drop_evaporation_rate(R: ArrayLike, D_v: ArrayLike, c_sat: ArrayLike, humidity: ArrayLike) -> float | np.ndarray:
    """Mass lost per second by a thin pinned drop drying by vapour diffusion.

    When evaporation is limited by the diffusion of vapour into still air,
    the vapour density around the drop obeys Laplace's equation, equal to
    ``c_sat`` on the liquid surface and to ``humidity * c_sat`` far away. As
    the contact angle goes to zero the drop becomes a disc on the table and
    the outgoing diffusive current is that of a conducting disc of radius
    ``R`` (capacitance ``8 eps0 R``) with only the upper half-space open:

    ``-dm/dt = 4 D_v c_sat (1 - humidity) R``.

    It grows with the radius, not the area, because the vapour has to diffuse
    away over a distance of order ``R``. This is the theta -> 0 limit used by
    Deegan et al. (Phys. Rev. E 62, 756 (2000)); for a finite contact angle
    ``theta`` (radians, below 90 degrees) Hu & Larson (J. Phys. Chem. B 106,
    1334 (2002)) fitted the exact result as
    ``pi R D_v c_sat (1 - humidity) (0.27 theta^2 + 1.30)``, i.e. this value
    times ``pi (0.27 theta^2 + 1.30) / 4`` (1.02 at theta -> 0, where the fit
    is 2 % above the exact 4; 1.12 at 40 degrees).

    Parameters
    ----------
    R : float or array_like
        Contact-line (footprint) radius in m (> 0).
    D_v : float or array_like
        Diffusion coefficient of the vapour in air in m^2/s (> 0); water
        vapour at 25 C: about 2.5e-5.
    c_sat : float or array_like
        Saturated vapour density at the liquid surface in kg/m^3 (>= 0);
        water at 25 C: about 0.023.
    humidity : float or array_like
        Relative humidity of the far air, in [0, 1].

    Returns
    -------
    float or ndarray
        Evaporation rate ``-dm/dt`` in kg/s (positive: the drop loses mass).

    Examples
    --------
    >>> print(f"{drop_evaporation_rate(1e-3, 2.5e-5, 0.02, 0.5):.4g}")   # 4 * 2.5e-5 * 0.02 * 0.5 * 1e-3
    1e-09
    """
    R = positive("R", R, "a drop (contact-line) radius in m")
    D_v = positive("D_v", D_v, "a vapour diffusion coefficient in m^2/s")
    c_sat = nonnegative("c_sat", c_sat, "a saturated vapour density in kg/m^3")
    humidity = probability("humidity", humidity, "a relative humidity")
    inputs = dict(R=R, D_v=D_v, c_sat=c_sat, humidity=humidity)
    broadcast(**inputs)
    return result(4.0 * np.asarray(D_v) * np.asarray(c_sat) * (1.0 - np.asarray(humidity)) * np.asarray(R), **inputs)


def drop_drying_time(
    R: ArrayLike, theta: ArrayLike, D_v: ArrayLike, c_sat: ArrayLike, humidity: ArrayLike, density: ArrayLike = 997.0
) -> float | np.ndarray:
    """Time for a thin pinned drop to dry at the rate of :func:`drop_evaporation_rate`.

    A thin spherical cap of footprint radius ``R`` and small contact angle
    ``theta`` holds ``pi R^3 theta / 4`` of liquid. With the contact line
    pinned the rate stays close to its initial value while the drop thins
    (within about 10 %, Hu & Larson, J. Phys. Chem. B 106, 1334 (2002)), so
    the drying time is the initial mass over the rate:

    ``t_f = density pi R^3 theta / 4 / (4 D_v c_sat (1 - humidity) R)``,

    which scales as ``R^2``: a drop ten times narrower dries a hundred times
    sooner. This is the ``t_f`` of :func:`coffee_ring_deposit`.

    Parameters
    ----------
    R : float or array_like
        Contact-line radius in m (> 0).
    theta : float or array_like
        Initial contact angle in radians, in (0, pi/2]; the thin-cap volume
        is accurate to a few per cent below about 0.5 rad (30 degrees).
    D_v : float or array_like
        Vapour diffusion coefficient in air in m^2/s (> 0).
    c_sat : float or array_like
        Saturated vapour density in kg/m^3 (> 0).
    humidity : float or array_like
        Relative humidity of the far air, in [0, 1) (saturated air never
        dries the drop).
    density : float or array_like, optional
        Density of the liquid in kg/m^3 (> 0), default 997 (water at 25 C).

    Returns
    -------
    float or ndarray
        Drying time in s.

    Examples
    --------
    >>> round(drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 0.5, density=1000.0), 3)  # 100 pi s
    314.159
    """
    R = positive("R", R, "a drop (contact-line) radius in m")
    D_v = positive("D_v", D_v, "a vapour diffusion coefficient in m^2/s")
    theta = positive("theta", theta, "a contact angle in radians")
    if np.any(np.asarray(theta) > np.pi / 2):
        raise ValueError(
            f"theta must lie in (0, pi/2] (a contact angle in radians for a thin drop); got {float(np.max(theta))!r}"
        )
    c_sat = positive("c_sat", c_sat, "a saturated vapour density in kg/m^3")
    humidity = probability("humidity", humidity, "a relative humidity")
    if np.any(np.asarray(humidity) >= 1.0):
        raise ValueError(
            "humidity must lie in [0, 1) for the drop to dry (saturated air takes up no vapour); "
            f"got {float(np.max(humidity))!r}"
        )
    density = positive("density", density, "a liquid density in kg/m^3")
    inputs = dict(R=R, theta=theta, D_v=D_v, c_sat=c_sat, humidity=humidity, density=density)
    broadcast(**inputs)
    rate = np.asarray(drop_evaporation_rate(R, D_v, c_sat, humidity))
    R = np.asarray(R)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_f = np.asarray(density) * np.pi * R**3 * np.asarray(theta) / 4.0 / rate
    return result(t_f, **inputs)


def stokes_einstein(radius: ArrayLike, T: ArrayLike = 310.0, eta: ArrayLike = 1.0e-3) -> float | np.ndarray:
    """Diffusion coefficient of a sphere, ``D = k T / (6 pi eta a)``.

    Parameters
    ----------
    radius : float or array_like
        Hydrodynamic radius a in m (> 0).
    T : float or array_like, optional
        Temperature in K (> 0), default 310 K (body temperature).
    eta : float or array_like, optional
        Dynamic viscosity in Pa s (> 0), default 1e-3 (water-like medium).

    Returns
    -------
    float or ndarray
        D in m^2/s.
    """
    radius = positive("radius", radius, "a hydrodynamic radius in m")
    T = positive("T", T, "an absolute temperature in K")
    eta = positive("eta", eta, "a dynamic viscosity in Pa s")
    broadcast(radius=radius, T=T, eta=eta)
    D = _c.k * np.asarray(T) / (6.0 * np.pi * np.asarray(eta) * np.asarray(radius))
    return result(D, radius=radius, T=T, eta=eta)


def nodal_peclet(U: ArrayLike, L: ArrayLike, D: ArrayLike) -> float | np.ndarray:
    """Peclet number ``Pe = U L / D`` of the cilia-driven flow in the embryonic node.

    ``Pe`` compares the time to diffuse across the node, ``L^2/D``, with the
    time to be carried across it, ``L/U``. For ``Pe >> 1`` advection wins and
    the leftward flow piles carriers up on the left; for ``Pe << 1`` diffusion
    evens them out and the flow could not tell left from right.

    Parameters
    ----------
    U : float or array_like
        Flow speed in m/s (>= 0).
    L : float or array_like
        Length scale (width of the node) in m (> 0).
    D : float or array_like
        Diffusion coefficient of the carried particle in m^2/s (> 0).

    Returns
    -------
    float or ndarray
        Dimensionless Peclet number.

    Examples
    --------
    Orders of magnitude for the mouse node (inputs are ranges, not one
    measurement): tracer beads in the node drift leftward at speeds of order
    5-20 um/s (Nonaka et al., Cell 95, 829 (1998); Okada et al., Cell 121,
    633 (2005); modelled by Smith, Blake & Gaffney, J. R. Soc. Interface 5,
    567 (2008)); the node is about 50 um across. A free secreted protein has ``D ~ 1e-10`` m^2/s; the membrane
    sheathed "nodal vesicular parcels" (Tanaka et al., Nature 435, 172 (2005))
    are micrometre-sized, with ``D`` below 1e-12 m^2/s by Stokes-Einstein.

    >>> round(nodal_peclet(10e-6, 50e-6, 1e-10), 3)   # a protein: Pe ~ 5
    5.0
    >>> round(nodal_peclet(10e-6, 50e-6, 1e-11))      # a large complex: Pe ~ 50
    50
    """
    U = nonnegative("U", U, "a flow speed in m/s")
    L = positive("L", L, "a length scale in m")
    D = positive("D", D, "a diffusion coefficient in m^2/s")
    broadcast(U=U, L=L, D=D)
    return result(np.asarray(U) * np.asarray(L) / np.asarray(D), U=U, L=L, D=D)


def nodal_profile(x: ArrayLike, U: float, L: float, D: float) -> float | np.ndarray:
    """Steady carrier concentration across the node, relative to its mean.

    A uniform leftward flow of speed ``U`` (towards ``x = 0``) in a closed
    box ``0 <= x <= L`` carries particles left while diffusion spreads them
    back. In the steady state the advective flux ``-U c`` and the diffusive
    flux ``-D dn/dx`` cancel everywhere (no particle leaves the box), so
    ``c`` falls off as ``exp(-Pe x / L)`` with ``Pe = U L / D``
    (:func:`nodal_peclet`). Normalised to a mean of 1 over the box,

    ``c(x) / <c> = Pe exp(-Pe x / L) / (1 - exp(-Pe))``,

    which is 1 everywhere for ``Pe -> 0`` and piles almost everything into a
    layer ``D / U`` thick on the left wall for ``Pe >> 1``. The left-to-right
    ratio ``c(0) / c(L)`` is ``exp(Pe)``.

    Parameters
    ----------
    x : float or array_like
        Position across the node in m, in ``[0, L]`` (``x = 0`` is the left
        side, where the flow goes).
    U : float
        Flow speed in m/s (>= 0).
    L : float
        Width of the node in m (> 0).
    D : float
        Diffusion coefficient of the carried particle in m^2/s (> 0).

    Returns
    -------
    float or ndarray
        Dimensionless concentration relative to the mean, shaped like ``x``.

    Examples
    --------
    >>> round(nodal_profile(0.0, 1e-6, 1e-5, 1e-11), 5)   # Pe = 1, left wall
    1.58198
    """
    # every input validated before any is used (a string L must not reach the arithmetic)
    x = np.asarray(nonnegative("x", x, "a position in m from the left wall of the node"), dtype=float)
    U = nonnegative("U", U, "a flow speed in m/s", scalar=True)
    L = positive("L", L, "a width of the node in m", scalar=True)
    D = positive("D", D, "a diffusion coefficient in m^2/s", scalar=True)
    if np.any(x > L):
        raise ValueError(f"x must lie in [0, L] = [0, {L!r}] m; got values up to {float(np.max(x))!r}")
    pe = nodal_peclet(U, L, D)
    if pe == 0.0:
        return result(np.ones_like(x))
    # -expm1(-Pe) = 1 - exp(-Pe) without cancellation when Pe is small.
    with np.errstate(over="ignore", under="ignore"):
        profile = pe * np.exp(-pe * x / L) / -np.expm1(-pe)
    return result(profile, x=x, U=U, L=L, D=D)
