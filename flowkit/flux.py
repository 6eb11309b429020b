"""Particle flux: beams, the number-flux four-vector, and effusion.

Closed-form physics only (no loop kernels, so this module never loads numba).

A flux counts particles crossing a unit area per unit time. For a beam it
follows from the electric current; for a cloud of dust it is one part of a
four-vector N = (c n, j) whose length, divided by c, is the density in the
cloud's own rest frame; for a gas leaking through a small hole it is n<v>/4.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import Boltzmann
from scipy.constants import c as _C

from . import _validate as _v

__all__ = [
    "beam_rate",
    "beam_flux",
    "lorentz_factor",
    "number_four_flux",
    "boost",
    "rest_density",
    "mean_speed",
    "effusion_flux",
]

# Relative tolerance below which a slightly negative N.N (round-off in a
# light-like or very fast flux) is read as zero instead of rejected.
_NULL_TOL = 1e-12


def beam_rate(current: ArrayLike, charge: ArrayLike) -> float | np.ndarray:
    """Number of particles per second carried by a beam.

    Parameters
    ----------
    current : float or array_like
        Beam current magnitude, A (>= 0).
    charge : float or array_like
        Charge of one particle, C (non-zero; the sign is ignored, so an
        electron beam may pass ``-e``).

    Returns
    -------
    float or ndarray
        Particle rate, 1/s.
    """
    current = _v.nonnegative("current", current, "a beam current magnitude in A")
    charge = _v.finite("charge", charge, "the charge of one particle in C")
    if np.any(np.asarray(charge) == 0):
        raise ValueError(f"charge must be non-zero (the charge of one particle in C); got {_v.show(charge)}")
    _v.broadcast(current=current, charge=charge)
    return _v.result(current / np.abs(charge), current=current, charge=charge)


def beam_flux(current: ArrayLike, charge: ArrayLike, area: ArrayLike) -> float | np.ndarray:
    """Particle flux of a beam spread evenly over a cross-section.

    Parameters
    ----------
    current : float or array_like
        Beam current magnitude, A (>= 0).
    charge : float or array_like
        Charge of one particle, C (non-zero).
    area : float or array_like
        Beam cross-section, m^2 (> 0).

    Returns
    -------
    float or ndarray
        Flux, particles/(m^2 s).
    """
    area = _v.positive("area", area, "a cross-section in m^2")
    rate = beam_rate(current, charge)
    _v.broadcast(current=current, charge=charge, area=area)
    return _v.result(rate / area, current=current, charge=charge, area=area)


def _velocity(velocity):
    """float64 array of shape (..., 3); a scalar is a speed along x."""
    v = np.asarray(_v.finite("velocity", velocity, "a velocity in m/s"), dtype=np.float64)
    if v.ndim == 0:
        v = np.array([float(v), 0.0, 0.0])
    if v.shape[-1] != 3:
        raise ValueError(
            f"velocity must be a speed or 3-vectors of shape (..., 3) in m/s; got an array of shape {v.shape}"
        )
    speed = np.sqrt(np.sum(v * v, axis=-1))
    if np.any(speed >= _C):
        raise ValueError(
            f"velocity must have |v| < c = {_C!r} m/s (a massive observer or cloud); "
            f"got |v| = {float(np.max(speed))!r} m/s"
        )
    return v


def lorentz_factor(velocity: ArrayLike) -> float | np.ndarray:
    """gamma = 1 / sqrt(1 - v^2/c^2).

    Parameters
    ----------
    velocity : float or array_like, shape (..., 3)
        A speed (scalar) or velocity 3-vectors, m/s, with |v| < c.

    Returns
    -------
    float or ndarray, shape (...)
        Lorentz factor (dimensionless, >= 1).
    """
    v = _velocity(velocity)
    beta2 = np.sum(v * v, axis=-1) / _C**2
    return _v.result(1.0 / np.sqrt(1.0 - beta2))


def number_four_flux(n0: ArrayLike, velocity: ArrayLike) -> np.ndarray:
    """Number-flux four-vector N = (c n, j) of dust moving at ``velocity``.

    In the observer's frame the density is n = gamma n0 (lengths along the
    motion contract) and the flux is j = n v = gamma n0 v.

    Parameters
    ----------
    n0 : float or array_like
        Rest-frame number density, 1/m^3 (>= 0).
    velocity : float or array_like, shape (..., 3)
        Velocity of the dust in the observer's frame, m/s (|v| < c). A scalar
        means motion along x.

    Returns
    -------
    ndarray, shape (..., 4)
        (c n, j_x, j_y, j_z): the first entry in 1/(m^2 s) like the flux
        components (c n has the units of a flux).
    """
    n0 = np.asarray(_v.nonnegative("n0", n0, "a rest-frame number density in 1/m^3"))
    v = _velocity(velocity)
    _v.broadcast(n0=n0, velocity=v[..., 0])
    g = 1.0 / np.sqrt(1.0 - np.sum(v * v, axis=-1) / _C**2)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
        n = g * n0  # broadcasts n0 (...) against the velocity's leading axes
        j = n[..., None] * v
        out = np.concatenate([(_C * n)[..., None], j], axis=-1)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"n0 is too large for float64 at this speed (gamma c n0 overflows); got n0 up to {float(np.max(n0)):.3g} 1/m^3"
        )
    return _v.result(out)


def _four_flux(four_flux):
    N = np.asarray(_v.finite("four_flux", four_flux, "a four-vector (c n, jx, jy, jz)"), dtype=np.float64)
    if N.ndim == 0 or N.shape[-1] != 4:
        raise ValueError(
            f"four_flux must have shape (..., 4) holding (c n, jx, jy, jz); got an array of shape {N.shape}"
        )
    return N


def boost(four_flux: ArrayLike, velocity: ArrayLike) -> np.ndarray:
    """Lorentz-transform a number-flux four-vector to a moving observer.

    The new observer moves at ``velocity`` relative to the old frame (any
    direction). So a cloud at rest seen from an observer moving at u looks
    like a cloud moving at -u: ``boost(number_four_flux(n0, 0), u) ==
    number_four_flux(n0, -u)``.

    Parameters
    ----------
    four_flux : array_like, shape (..., 4)
        (c n, jx, jy, jz) in 1/(m^2 s).
    velocity : float or array_like, shape (..., 3)
        Velocity of the new observer relative to the old frame, m/s (|v| < c).
        A scalar means along x. Broadcasts against ``four_flux``.

    Returns
    -------
    ndarray, shape (..., 4)
        The same four-vector seen by the new observer, 1/(m^2 s).
    """
    N = _four_flux(four_flux)
    v = _velocity(velocity)
    _v.broadcast(four_flux=N[..., 0], velocity=v[..., 0])
    beta = v / _C
    beta2 = np.sum(beta * beta, axis=-1)
    g = 1.0 / np.sqrt(1.0 - beta2)
    N0 = N[..., 0]
    Nv = N[..., 1:]
    bN = np.sum(beta * Nv, axis=-1)
    t = g * (N0 - bN)
    # (gamma - 1) / beta^2 written as gamma^2 / (1 + gamma): finite at beta = 0.
    k = g * g / (1.0 + g)
    space = Nv + (k * bN - g * N0)[..., None] * beta
    return _v.result(np.concatenate([t[..., None], space], axis=-1), four_flux=N, velocity=v)


def rest_density(four_flux: ArrayLike) -> float | np.ndarray:
    """Rest-frame density n0 = sqrt((N^0)^2 - |N|^2) / c, the same in every frame.

    Parameters
    ----------
    four_flux : array_like, shape (..., 4)
        (c n, jx, jy, jz) in 1/(m^2 s).

    Returns
    -------
    float or ndarray, shape (...)
        Rest density, 1/m^3.

    Raises
    ------
    ValueError
        If the shape is not (..., 4), N^0 < 0 (negative density), or the
        vector is spacelike (|j| > c n: particles faster than light).
    """
    N = _four_flux(four_flux)
    N0 = N[..., 0]
    if np.any(N0 < 0):
        raise ValueError(
            f"four_flux must have N^0 = c n >= 0 (a non-negative density); got N^0 = {float(np.min(N0))!r}"
        )
    j2 = np.sum(N[..., 1:] ** 2, axis=-1)
    s = N0 * N0 - j2
    bad = (s < -_NULL_TOL * N0 * N0) | ((N0 == 0) & (j2 > 0))
    if np.any(bad):
        worst = np.argmax(np.where(bad, j2 - N0 * N0, -np.inf))
        raise ValueError(
            "four_flux must be timelike or null, |j| <= c n (particles no faster than light); "
            f"got c n = {float(N0.ravel()[worst])!r} and |j| = {float(np.sqrt(j2.ravel()[worst]))!r} 1/(m^2 s)"
        )
    return _v.result(np.sqrt(np.maximum(s, 0.0)) / _C, four_flux=N)


def mean_speed(mass: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Mean speed of a Maxwell-Boltzmann gas, <v> = sqrt(8 k T / (pi m)).

    Parameters
    ----------
    mass : float or array_like
        Mass of one particle, kg (> 0).
    T : float or array_like
        Temperature, K (> 0).

    Returns
    -------
    float or ndarray
        Mean speed, m/s.
    """
    mass = _v.positive("mass", mass, "a particle mass in kg")
    T = _v.positive("T", T, "a temperature in K")
    _v.broadcast(mass=mass, T=T)
    return _v.result(np.sqrt(8.0 * Boltzmann * T / (np.pi * mass)), mass=mass, T=T)


def effusion_flux(n: ArrayLike, mean_speed: ArrayLike) -> float | np.ndarray:
    """Particles per unit area per second leaking through a small hole, n <v> / 4.

    Parameters
    ----------
    n : float or array_like
        Number density of the gas, 1/m^3 (>= 0).
    mean_speed : float or array_like
        Mean molecular speed, m/s (>= 0), e.g. from :func:`mean_speed`.

    Returns
    -------
    float or ndarray
        Flux, particles/(m^2 s).
    """
    n = _v.nonnegative("n", n, "a number density in 1/m^3")
    speed = _v.nonnegative("mean_speed", mean_speed, "a mean speed in m/s")
    _v.broadcast(n=n, mean_speed=speed)
    return _v.result(0.25 * n * speed, n=n, mean_speed=speed)
