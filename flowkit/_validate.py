"""Input checks shared by every public flowkit function, and the one result converter.

Each check names the argument, shows the value received and says what is
allowed, e.g.::

    ValueError: D must be >= 0 (a diffusion coefficient in m^2/s); got -1.0

A value of the wrong *type* (a string such as ``"1.0"``, ``True``, a complex
number, a dict, ``None`` where a number belongs) raises
:class:`ArgumentTypeError`, which is both a :class:`TypeError` and a
:class:`ValueError` (as scikit-learn's ``InvalidParameterError`` is), so code
that catches either keeps working. Nothing is coerced silently: ``"1.0"`` is
not a number and ``True`` is not 1.

The numeric checks return the input converted to float64 (a Python float for
a scalar, an ndarray otherwise), so a public wrapper validates and casts in
one line and hands the result to a kernel. :func:`result` is the matching
converter on the way out: every public function returns through it, so a
scalar answer is a float, an array answer a float64 array, and a result that
over- or underflowed to inf or NaN becomes a :class:`ValueError` naming the
input that pushed it there instead of a silent NaN.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "ArgumentTypeError",
    "show",
    "finite",
    "positive",
    "nonnegative",
    "probability",
    "count",
    "seed",
    "choice",
    "flag",
    "text",
    "broadcast",
    "result",
]

# Longest repr shown in a message: a dict or a long list must not flood the screen.
_SHOW_CHARS = 80


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type; a TypeError that ``except ValueError`` also catches."""


def show(value: Any) -> str:
    """A short description of ``value`` for an error message (repr, or shape and first values)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        flat = value.ravel()[:3].tolist()
        return f"array of shape {value.shape} (first values {flat})"
    if isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            arr = None
        if arr is not None and arr.ndim > 0 and arr.dtype.kind in "biuf":
            return f"array of shape {arr.shape} (first values {arr.ravel()[:3].tolist()})"
    if isinstance(value, np.generic):
        value = value.item()
    text_ = repr(value)
    if len(text_) > _SHOW_CHARS:
        text_ = text_[: _SHOW_CHARS - 3] + "..."
    return text_


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    kind = type(value).__name__
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _real_array(name: str, value: Any, what: str, scalar: bool = False) -> np.ndarray:
    """``value`` as a float64 array, or ArgumentTypeError for anything that is not real numbers."""
    kinds = "a real number" if scalar else "a real number or an array of them"
    bad_type = ArgumentTypeError(f"{name} must be {kinds} ({what}); got {show(value)}")
    if isinstance(value, (str, bytes, bool, np.bool_, dict, set)) or value is None:
        raise ArgumentTypeError(f"{name} must be {kinds} ({what}), not {_type_name(value)}; got {show(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged nesting and objects NumPy cannot wrap
        raise bad_type from None
    kind = arr.dtype.kind
    if kind in "iuf":
        return np.asarray(arr, dtype=np.float64)
    if kind == "c":
        raise ArgumentTypeError(f"{name} must be real ({what}), not complex; got {show(value)}")
    if kind == "O" and arr.ndim == 0 and isinstance(value, numbers.Real) and not isinstance(value, bool):
        # a Fraction, or a Python int too large for int64
        try:
            return np.asarray(float(value))
        except OverflowError:
            raise ValueError(f"{name} must be finite in float64 ({what}); got {show(value)}") from None
    raise ArgumentTypeError(
        f"{name} must be {kinds} ({what}), not {_type_name(arr if kind != 'O' else value)}; got {show(value)}"
    )


def _out(arr: np.ndarray) -> float | np.ndarray:
    return arr.item() if arr.ndim == 0 else arr


def _checked(name: str, value: Any, what: str, scalar: bool) -> np.ndarray:
    arr = _real_array(name, value, what, scalar)
    if scalar and arr.ndim != 0:
        raise ValueError(f"{name} must be a single number ({what}), not an array; got {show(value)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite ({what}); got {show(value)}")
    return arr


def finite(name: str, value: Any, what: str = "a real number", *, scalar: bool = False) -> float | np.ndarray:
    """Any finite real number (or array of them; only a single number if ``scalar``)."""
    return _out(_checked(name, value, what, scalar))


def positive(name: str, value: Any, what: str = "a positive number", *, scalar: bool = False) -> float | np.ndarray:
    """Strictly positive and finite (areas, temperatures, lengths, masses)."""
    arr = _checked(name, value, what, scalar)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 ({what}); got {show(value)}")
    return _out(arr)


def nonnegative(
    name: str, value: Any, what: str = "a non-negative number", *, scalar: bool = False
) -> float | np.ndarray:
    """Zero or positive and finite (diffusion coefficients, densities)."""
    arr = _checked(name, value, what, scalar)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 ({what}); got {show(value)}")
    return _out(arr)


def probability(name: str, value: Any, what: str = "a probability", *, scalar: bool = False) -> float | np.ndarray:
    """A number in the closed interval [0, 1]."""
    arr = _checked(name, value, what, scalar)
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must lie in [0, 1] ({what}); got {show(value)}")
    return _out(arr)


def count(name: str, value: Any, what: str = "a whole number", minimum: int = 0, maximum: int | None = None) -> int:
    """An integer in [``minimum``, ``maximum``] (steps, walkers, cells). Floats like 3.0 are accepted; 2.5 is not.

    ``True``, strings and arrays are refused: a count is one whole number.
    """
    bounds = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    allowed = f"{name} must be an integer {bounds} ({what})"
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise ArgumentTypeError(f"{allowed}, not {_type_name(value)}; got {show(value)}")
    if isinstance(value, (numbers.Integral, np.integer)):
        as_int = int(value)
    elif isinstance(value, (numbers.Real, np.floating)):
        try:
            as_int = int(value)
        except (OverflowError, ValueError):  # inf, nan
            raise ValueError(f"{allowed}; got {show(value)}") from None
        if as_int != value:
            raise ValueError(f"{allowed}; got {show(value)}")
    else:
        raise ArgumentTypeError(f"{allowed}, not {_type_name(value)}; got {show(value)}")
    if as_int < minimum or (maximum is not None and as_int > maximum):
        raise ValueError(f"{allowed}; got {show(value)}")
    return as_int


def seed(name: str, value: Any) -> None | int | np.random.SeedSequence | np.random.Generator:
    """A random seed: None (fresh entropy), an int >= 0, a SeedSequence or a Generator; returned unchanged
    (an int as a Python int).

    ``1.7`` or ``True`` are refused rather than truncated: the same seed must mean the same result.
    """
    if value is None or isinstance(value, (np.random.SeedSequence, np.random.Generator)):
        return value
    allowed = f"{name} must be None, an integer >= 0, a numpy.random.SeedSequence or a numpy.random.Generator"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ArgumentTypeError(f"{allowed}, not {_type_name(value)}; got {show(value)}")
    if value < 0:
        raise ValueError(f"{allowed}; got {show(value)}")
    return int(value)


def choice(name: str, value: Any, allowed: tuple) -> Any:
    """One of a fixed set of options (boundary conditions, modes); compared by type and value."""
    options = ", ".join(repr(a) for a in allowed)
    for option in allowed:
        if type(value) is type(option) and value == option:
            return option
    if all(isinstance(a, str) for a in allowed) and not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be one of {options}, not {_type_name(value)}; got {show(value)}")
    raise ValueError(f"{name} must be one of {options}; got {show(value)}")


def flag(name: str, value: Any) -> bool:
    """True or False (a Python or NumPy bool, not 0/1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, not {_type_name(value)}; got {show(value)}")
    return bool(value)


def text(name: str, value: Any, what: str = "text") -> str:
    """A string (a label, a unit, a reason)."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a string ({what}), not {_type_name(value)}; got {show(value)}")
    return value


def broadcast(**arrays: ArrayLike) -> tuple[int, ...]:
    """The common shape of the named inputs under NumPy's broadcasting, or a ValueError naming them."""
    shapes = {name: np.shape(a) for name, a in arrays.items()}
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        names = " and ".join(shapes)
        raise ValueError(
            f"{names} must have shapes that broadcast together (equal, or 1, axis by axis from the right); "
            f"got shapes {listed}"
        ) from None


def result(value: ArrayLike, **inputs: Any) -> float | np.ndarray:
    """A computed answer as a float (scalar) or float64 array; the one way out of a public function.

    Given the validated ``inputs`` by name, a result with any inf or NaN raises a
    :class:`ValueError` instead of being returned: float64 over- or underflowed
    somewhere, and the message blames the input furthest from 1 in order of
    magnitude (with the others nominal, the one that pushed the result there).
    """
    arr = np.asarray(value, dtype=np.float64)
    if inputs and not np.all(np.isfinite(arr)):
        raise ValueError(_extreme_message(inputs))
    return _out(arr)


def _extreme_message(inputs: dict[str, Any]) -> str:
    def extremity(v):
        a = np.abs(np.asarray(v, dtype=np.float64))
        a = a[(a > 0) & np.isfinite(a)]
        return float(np.max(np.abs(np.log10(a)))) if a.size else 0.0

    culprit = max(inputs, key=lambda n: extremity(inputs[n]))
    others = ", ".join(f"{n}={show(v)}" for n, v in inputs.items() if n != culprit)
    rest = f" (with {others})" if others else ""
    return (
        f"{culprit} is too extreme for float64: the result over- or underflows to inf or NaN; "
        f"got {culprit}={show(inputs[culprit])}{rest}; use values nearer the physical scale"
    )
