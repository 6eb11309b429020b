"""Input checks shared by every public flowkit function.

Each helper raises :class:`ValueError` with a message that names the argument,
shows the value received and says what is allowed, e.g.::

    ValueError: D must be >= 0 (a diffusion coefficient in m^2/s); got -1.0

They return the input converted to float64 (scalar or array), so a public
wrapper can validate and cast in one line and hand the result to a kernel.
"""

import numpy as np


def _show(value):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    flat = arr.ravel()
    bad = flat[:3].tolist()
    return f"array of shape {arr.shape} (first values {bad})"


def _finite(name, value, what):
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite ({what}); got {_show(value)}")
    return arr


def _out(arr):
    return arr.item() if arr.ndim == 0 else arr


def finite(name, value, what="a real number"):
    """Any finite real number (or array of them)."""
    return _out(_finite(name, value, what))


def positive(name, value, what="a positive number"):
    """Strictly positive and finite (areas, temperatures, lengths, masses)."""
    arr = _finite(name, value, what)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 ({what}); got {_show(value)}")
    return _out(arr)


def nonnegative(name, value, what="a non-negative number"):
    """Zero or positive and finite (diffusion coefficients, densities, counts)."""
    arr = _finite(name, value, what)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 ({what}); got {_show(value)}")
    return _out(arr)


def probability(name, value, what="a probability"):
    """A number in the closed interval [0, 1]."""
    arr = _finite(name, value, what)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must lie in [0, 1] ({what}); got {_show(value)}")
    return _out(arr)


def count(name, value, what="a whole number", minimum=0):
    """An integer >= ``minimum`` (steps, walkers). Floats like 3.0 are accepted; 2.5 is not."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an integer >= {minimum} ({what}); got {value!r}")
    try:
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be an integer >= {minimum} ({what}); got {value!r}") from None
    if as_int != value:
        raise ValueError(f"{name} must be an integer >= {minimum} ({what}); got {value!r}")
    if as_int < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} ({what}); got {value!r}")
    return as_int


def choice(name, value, allowed):
    """One of a fixed set of strings (boundary conditions, modes)."""
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value
