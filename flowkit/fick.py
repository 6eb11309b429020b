"""Fick's first law and the classic closed-form results built on it.

Closed-form physics only (no loop kernels, so this module never loads numba).

Fick's first law says particles drift down their concentration gradient,
J = -D dn/dx; the minus sign is what makes a lump spread rather than sharpen.
Alongside it: the steady flux through a membrane or slab, the Arrhenius rise
of D with temperature in a solid, and the erf profile that forms when two
alloys are pressed together (a diffusion couple).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import R as _R
from scipy.special import erf

from . import _validate as _v

__all__ = ["flux", "steady_flux", "arrhenius", "interdiffusion_profile", "interface_flux"]


def flux(c: ArrayLike, dx: float, D: ArrayLike) -> np.ndarray:
    """Fick's first law on a uniform grid, J = -D dn/dx.

    The gradient uses central differences between neighbours inside the grid
    and a one-sided (first-order) difference at each end, like
    ``numpy.gradient(c, dx)``.

    Parameters
    ----------
    c : array_like, shape (n,)
        Concentration at the grid points, 1/m^3 (or mol/m^3), n >= 2.
    dx : float
        Grid spacing, m (> 0).
    D : float or array_like
        Diffusion coefficient, m^2/s (>= 0); an array of shape (n,) gives a
        local value at each point.

    Returns
    -------
    ndarray, shape (n,)
        Flux in the +x direction, 1/(m^2 s) (or mol/(m^2 s)).
    """
    c = np.asarray(_v.finite("c", c, "concentrations on a grid"), dtype=np.float64)
    if c.ndim != 1 or c.shape[0] < 2:
        raise ValueError(f"c must be a 1D array of at least 2 grid values; got an array of shape {c.shape}")
    # one number: np.gradient would read an array as the grid coordinates
    dx = _v.positive("dx", dx, "a grid spacing in m", scalar=True)
    D = _v.nonnegative("D", D, "a diffusion coefficient in m^2/s")
    if np.ndim(D) and np.shape(D) != c.shape:
        raise ValueError(f"D must be a scalar or an array shaped like c {c.shape}; got an array of shape {np.shape(D)}")
    return _v.result(-D * np.gradient(c, dx, edge_order=1), c=c, dx=dx, D=D)


def steady_flux(D: ArrayLike, c_high: ArrayLike, c_low: ArrayLike, thickness: ArrayLike) -> float | np.ndarray:
    """Steady flux through a slab held at two concentrations, J = D (c_high - c_low) / L.

    Parameters
    ----------
    D : float or array_like
        Diffusion coefficient in the slab, m^2/s (>= 0).
    c_high, c_low : float or array_like
        Concentrations just inside the two faces, 1/m^3 (>= 0).
    thickness : float or array_like
        Slab thickness L, m (> 0).

    Returns
    -------
    float or ndarray
        Flux from the ``c_high`` face toward the ``c_low`` face, 1/(m^2 s)
        (negative if ``c_low`` is actually the larger).
    """
    D = _v.nonnegative("D", D, "a diffusion coefficient in m^2/s")
    c_high = _v.nonnegative("c_high", c_high, "a concentration in 1/m^3")
    c_low = _v.nonnegative("c_low", c_low, "a concentration in 1/m^3")
    thickness = _v.positive("thickness", thickness, "a slab thickness in m")
    _v.broadcast(D=D, c_high=c_high, c_low=c_low, thickness=thickness)
    return _v.result(D * (c_high - c_low) / thickness, D=D, c_high=c_high, c_low=c_low, thickness=thickness)


def arrhenius(D0: ArrayLike, Q: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Thermally activated diffusion coefficient, D = D0 exp(-Q / (R T)).

    Parameters
    ----------
    D0 : float or array_like
        Pre-exponential factor, m^2/s (> 0).
    Q : float or array_like
        Activation energy, J/mol (>= 0).
    T : float or array_like
        Temperature, K (> 0).

    Returns
    -------
    float or ndarray
        Diffusion coefficient, m^2/s.
    """
    D0 = _v.positive("D0", D0, "a pre-exponential factor in m^2/s")
    Q = _v.nonnegative("Q", Q, "an activation energy in J/mol")
    T = _v.positive("T", T, "a temperature in K")
    _v.broadcast(D0=D0, Q=Q, T=T)
    return _v.result(D0 * np.exp(-Q / (_R * T)), D0=D0, Q=Q, T=T)


def interdiffusion_profile(
    x: ArrayLike, t: ArrayLike, D: ArrayLike, c_left: ArrayLike, c_right: ArrayLike
) -> float | np.ndarray:
    """Concentration across a diffusion couple after time t.

    Two semi-infinite bars, at ``c_left`` for x < 0 and ``c_right`` for x > 0,
    are joined at t = 0; with constant D the profile is

    c(x, t) = (c_left + c_right)/2 - (c_left - c_right)/2 * erf(x / (2 sqrt(D t))).

    Parameters
    ----------
    x : float or array_like
        Distance from the original interface, m.
    t : float
        Time since joining, s (> 0).
    D : float
        Interdiffusion coefficient, m^2/s (> 0).
    c_left, c_right : float
        Starting concentrations of the two bars, 1/m^3 (or mol/m^3, or atom fraction), >= 0.

    Returns
    -------
    float or ndarray
        Concentration, same unit as ``c_left`` and ``c_right``.
    """
    x = _v.finite("x", x, "a distance in m")
    t = _v.positive("t", t, "a time in s since the bars were joined")
    D = _v.positive("D", D, "a diffusion coefficient in m^2/s")
    c_left = _v.nonnegative("c_left", c_left, "a concentration")
    c_right = _v.nonnegative("c_right", c_right, "a concentration")
    _v.broadcast(x=x, t=t, D=D, c_left=c_left, c_right=c_right)
    mid = 0.5 * c_left + 0.5 * c_right  # halves first: c_left + c_right may overflow
    half_step = 0.5 * c_left - 0.5 * c_right
    profile = mid - half_step * erf(x / (2.0 * np.sqrt(D * t)))
    return _v.result(profile, x=x, t=t, D=D, c_left=c_left, c_right=c_right)


def interface_flux(t: ArrayLike, D: ArrayLike, c_left: ArrayLike, c_right: ArrayLike) -> float | np.ndarray:
    """Flux through the original interface of a diffusion couple.

    J(0, t) = (c_left - c_right)/2 * sqrt(D / (pi t)); it falls as 1/sqrt(t)
    because the gradient at the interface relaxes.

    Parameters
    ----------
    t : float or array_like
        Time since joining, s (> 0).
    D : float
        Interdiffusion coefficient, m^2/s (> 0).
    c_left, c_right : float
        Starting concentrations, 1/m^3 (>= 0).

    Returns
    -------
    float or ndarray
        Flux in the +x direction, 1/(m^2 s) (positive when ``c_left > c_right``).
    """
    t = _v.positive("t", t, "a time in s since the bars were joined")
    D = _v.positive("D", D, "a diffusion coefficient in m^2/s")
    c_left = _v.nonnegative("c_left", c_left, "a concentration")
    c_right = _v.nonnegative("c_right", c_right, "a concentration")
    _v.broadcast(t=t, D=D, c_left=c_left, c_right=c_right)
    J = (0.5 * c_left - 0.5 * c_right) * np.sqrt(D / (np.pi * t))
    return _v.result(J, t=t, D=D, c_left=c_left, c_right=c_right)


class StepLadder:
    """States of an explicit solver after k steps, kept every ``every`` steps.

    A slider that moves a time back and forth asks for the state after k steps
    again and again. ``at(k, advance)`` starts from the last kept state at or
    below k, so a move costs at most one interval of ``every`` steps once the
    ladder is built. ``advance(state, n)`` must return the state n steps later
    (e.g. a :func:`flowkit.diffusion.ftcs` call with D, dx, dt held fixed), so
    the state after k steps is the same whatever kept state it is reached from.

    >>> ladder = StepLadder(0, every=100)
    >>> ladder.at(250, lambda state, n: state + n), sorted(ladder.states)
    (250, [0, 100, 200])
    """

    def __init__(self, start, every):
        self.every = _v.count("every", every, "steps between kept states", minimum=1)
        self.states = {0: start}

    def at(self, steps, advance):
        """The state after ``steps`` steps (kept states are added on the way)."""
        steps = _v.count("steps", steps, "a number of solver steps", minimum=0)
        k = max(s for s in self.states if s <= steps)
        state = self.states[k]
        while (k // self.every + 1) * self.every <= steps:
            nxt = (k // self.every + 1) * self.every
            state = advance(state, nxt - k)
            k = nxt
            self.states[k] = state
        if k < steps:
            state = advance(state, steps - k)
        return state
