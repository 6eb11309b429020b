"""Self-checks for notebooks and homework that say *what* is wrong.

A bare ``assert abs(J - 6.2e18) < 1e16`` tells a student only that they are
wrong. The helpers here compare an answer with the expected value and, when
it misses, look for the usual culprits: a flipped sign, a power of ten (a
unit conversion such as cm -> m), a stray factor of 2, 4 or pi, a forgotten
elementary charge or Avogadro constant, a wrong type, or a NaN. Each helper
prints ``Correct: ...`` or ``Keep working: ...`` with that hint and raises
:class:`AssertionError` on a wrong answer, so an nbgrader test cell fails and
the student sees why::

    >>> from flowkit import check
    >>> check.close(-6.24e18, 6.24e18, rtol=0.01, unit="1/(m^2 s)", name="J")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: Keep working: J = -6.24e+18 1/(m^2 s) has the right size but the wrong sign. ...

``hidden=True`` is for nbgrader's hidden tests: the message then never
contains the expected value, nor a diagnosis from which it could be worked
back (a sign or a factor). Type, shape and NaN problems are still reported,
because they reveal nothing about the value.

Mistakes by whoever *writes* a check (a negative ``rtol``, a NaN expected
value, ``low >= high``) raise :class:`ValueError` instead, so they can never
be mistaken for a student's wrong answer.

Functions
---------
close(answer, expected, rtol, unit, name, atol, hidden)
    One number against the expected number.
within(answer, low, high, unit, name)
    One number inside a plausible range (a visible test that does not give
    the answer away).
sign(answer, expected, name, reason)
    Positive or negative, with the physical reason as the hint.
array_close(answer, expected, rtol, atol, unit, name, hidden)
    An array (a profile, a curve) element by element.
shape(answer, expected, name)
    An array of numbers with the expected shape.
number(answer, name)
    The answer as a float, or a hint about why it is not a usable number.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import constants

from flowkit import _validate

__all__ = ["close", "within", "sign", "array_close", "shape", "number"]

# Powers of ten and the unit slips that usually produce them (SI on the right).
_POWER_HINTS = {
    1: "mm/s vs cm/s, or a misplaced decimal point",
    2: "cm vs m (1 cm = 1e-2 m), or percent vs fraction",
    3: "a milli or kilo prefix (mm vs m, g vs kg, ms vs s, mPa s vs Pa s, kJ vs J), or litres vs m^3",
    4: "cm^2 vs m^2 (1 cm^2 = 1e-4 m^2)",
    6: "cm^3 vs m^3 (1 cm^3 = 1e-6 m^3), mm^2 vs m^2, or micrometres vs m",
    9: "nm vs m, mm^3 vs m^3, or GPa vs Pa",
    12: "pA vs A, or um^2 vs m^2",
}

# Factors that slip in or out of physics formulas, with where they hide.
# Ordered roughly by how often they are the culprit.
_FACTORS = (
    (2.0, "2", "a 1/2 in the formula, radius vs diameter, or one direction vs both"),
    (4.0, "4", "the 1/4 in n<v>/4, or radius vs diameter inside an area"),
    (math.pi, "pi", "an area pi r^2, or a pi inside a square root"),
    (3.0, "3", "the 1/3 of kinetic theory, or 3 dimensions vs 1"),
    (2.0 * math.pi, "2 pi", "angular frequency vs frequency, or h vs hbar"),
    (4.0 * math.pi, "4 pi", "a sphere's area 4 pi r^2, or mu0 = 4 pi 1e-7"),
    (math.sqrt(2.0), "sqrt(2)", "sqrt(2 D t) vs sqrt(D t), or a root-mean-square"),
    (math.sqrt(math.pi), "sqrt(pi)", "the sqrt(pi) of a Gaussian or an erf"),
    (constants.e, "e = 1.602e-19 C", "a current in A is charge per second: divide by the particle's charge"),
    (constants.N_A, "N_A = 6.022e23 /mol", "moles vs particles"),
    (constants.k, "k_B = 1.381e-23 J/K", "an energy kT vs a temperature T"),
    (constants.R, "R = 8.314 J/(mol K)", "per mole (R) vs per particle (k_B)"),
    (60.0, "60", "minutes vs seconds"),
    (3600.0, "3600", "hours vs seconds"),
    (6.371e6, "R_E = 6.371e6 m", "metres vs Earth radii"),
)


# --------------------------------------------------------------------------- helpers


def _fmt(x):
    """A number as a student would write it: 4 significant figures."""
    return f"{x:.4g}"


def _pct(rtol):
    return f"{100.0 * rtol:.3g} %"


def _with_unit(value, unit):
    return f"{_fmt(value)} {unit}".rstrip()


def _fail(message):
    text = f"Keep working: {message}"
    print(text)
    raise AssertionError(text)


def _ok(message):
    # Return None, not True: nbgrader reads a test cell's displayed value as
    # partial credit, so a check on the last line must display nothing.
    print(f"Correct: {message}")


def _check_label(arg, value):
    """Validate ``name``/``unit``/``reason`` given by the author of a check."""
    return _validate.text(arg, value, "a label shown in the messages")


def _check_rtol(rtol):
    rtol = _validate.positive("rtol", rtol, "a relative tolerance, e.g. 0.01 for 1 %", scalar=True)
    if rtol >= 1:
        raise ValueError(f"rtol must be < 1 (a relative tolerance, e.g. 0.01 for 1 %); got {rtol!r}")
    return rtol


def _describe(value):
    kind = type(value).__name__
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {kind}"


def number(answer: object, name: str = "answer") -> float:
    """Return ``answer`` as a float, or fail with a hint about its type.

    Parameters
    ----------
    answer : object
        What the student computed. Python and NumPy integers and floats, and
        arrays holding exactly one of them, are accepted.
    name : str
        The variable's name as the student knows it, used in messages.

    Returns
    -------
    float
        The answer, finite.

    Raises
    ------
    AssertionError
        With a ``Keep working`` hint when ``answer`` is ``None``, ``...``, a
        string, a bool, complex, not one number, NaN or infinite.
    """
    _check_label("name", name)
    if answer is None:
        _fail(
            f"{name} is None. Assign it a number (and if it comes from a function, make sure the function "
            "ends with `return`)."
        )
    if answer is Ellipsis:
        _fail(f"{name} is still the placeholder `...`: replace it with your result.")
    if isinstance(answer, (str, bytes)):
        _fail(f"{name} is the text {answer!r}, not a number. Write the number without quotes, e.g. 3.2e-5.")
    if isinstance(answer, (bool, np.bool_)):
        _fail(f"{name} is {answer!r}, a True/False value; a number is expected here.")
    try:
        arr = np.asarray(answer)
    except Exception:  # an object NumPy cannot even wrap
        _fail(f"{name} is {_describe(answer)}; a single number is expected.")
    if arr.dtype.kind == "c":
        _fail(
            f"{name} is complex ({answer!r}); a real number is expected. Did a square root of a negative number sneak in?"
        )
    if arr.dtype.kind not in "iuf":
        _fail(f"{name} is {_describe(answer)}; a single number is expected.")
    if arr.size != 1:
        _fail(
            f"{name} is an array of shape {arr.shape}; one number is expected here. "
            "Pick the element you need, or reduce it (e.g. with .mean() or [-1])."
        )
    value = float(arr.reshape(()))
    if math.isnan(value):
        _fail(
            f"{name} is NaN (not a number). Something upstream gave 0/0, the log or square root of a negative "
            "number, or used a variable before it had a value."
        )
    if math.isinf(value):
        _fail(f"{name} is infinite. Look for a division by zero (or by a quantity that underflowed to 0).")
    return value


def _power_of_ten(ratio, tol):
    """The k != 0 with |ratio| = 10^k within ``tol``, else None."""
    k = int(round(math.log10(abs(ratio))))
    if k != 0 and abs(abs(ratio) / 10.0**k - 1.0) <= tol:
        return k
    return None


def _named_factor(ratio, tol):
    """(factor, label, where) closest to |ratio| or 1/|ratio| within ``tol``, else None."""
    best = None
    for factor, label, where in _FACTORS:
        for power in (1, -1):
            miss = abs(math.log(abs(ratio)) - power * math.log(factor))
            if miss <= math.log1p(tol) and (best is None or miss < best[0]):
                best = (miss, power, factor, label, where)
    return None if best is None else best[1:]


def _diagnose_ratio(ratio, rtol, unit):
    """A hint from answer/expected = ``ratio`` (not used in hidden mode), or None."""
    # Match signs and factors a little more loosely than the grading tolerance:
    # an answer 2.01 times too large under rtol=1e-3 is still "a factor 2".
    tol = min(max(rtol, 0.02), 0.1)
    if not math.isfinite(ratio) or ratio == 0:
        return None  # over- or underflow: the answer is wildly off, no slip fits
    if ratio < 0 and abs(-ratio - 1.0) <= tol:
        return (
            "has the right size but the wrong sign. Check which direction you counted as positive, "
            "and whether a minus sign belongs in the formula (as in J = -D dc/dx)."
        )
    sign_note = " Its sign is wrong as well." if ratio < 0 else ""
    k = _power_of_ten(ratio, tol)
    if k is not None:
        direction = "large" if k > 0 else "small"
        where = _POWER_HINTS.get(abs(k), "a unit prefix or a power of ten in a constant")
        target = f" The answer is wanted in {unit}." if unit else ""
        return (
            f"is 1e{abs(k)} times too {direction}: the digits are right, so a unit conversion has slipped"
            f"; common culprits: {where}.{target}{sign_note}"
        )
    found = _named_factor(ratio, tol)
    if found is not None:
        power, _, label, where = found
        direction = "large" if power > 0 else "small"
        return f"is a factor {label} too {direction}. Look for {where}.{sign_note}"
    if ratio < 0:
        return "has the wrong sign, and its size is off as well."
    return None


# --------------------------------------------------------------------------- checks


def close(
    answer: object,
    expected: float,
    rtol: float = 0.01,
    unit: str = "",
    name: str = "answer",
    atol: float = 0.0,
    hidden: bool = False,
) -> None:
    """Check one number against the expected value and explain a miss.

    The answer passes when ``|answer - expected| <= atol + rtol * |expected|``.

    Parameters
    ----------
    answer : float
        The student's result, in ``unit``.
    expected : float
        The correct value, in ``unit`` (finite).
    rtol : float
        Relative tolerance, 0 < rtol < 1 (0.01 is 1 %). State it in the
        question so the student knows how precise to be.
    unit : str
        The unit the answer must be given in, e.g. ``"1/(m^2 s)"``; shown in
        the messages.
    name : str
        The variable's name as the student knows it.
    atol : float
        Absolute tolerance in ``unit`` (>= 0); needed when ``expected`` is 0.
    hidden : bool
        For nbgrader hidden tests: never reveal ``expected``, neither directly
        nor through a diagnosis (sign, power of ten, factor).

    Returns
    -------
    None
        Prints ``Correct: ...`` when the answer is within tolerance.

    Raises
    ------
    AssertionError
        With a ``Keep working: ...`` hint when the answer is wrong.
    ValueError
        When the check itself is mis-specified (non-finite ``expected``, rtol
        outside (0, 1), negative ``atol``, ``atol = 0`` with ``expected = 0``,
        non-string ``unit``/``name``).
    """
    expected = _validate.finite("expected", expected, "the correct value of the answer")
    if np.ndim(expected) != 0:
        raise ValueError(f"expected must be one number (use array_close for arrays); got shape {np.shape(expected)}")
    rtol = _check_rtol(rtol)
    atol = _validate.nonnegative("atol", atol, "an absolute tolerance in the answer's unit", scalar=True)
    _check_label("unit", unit)
    _check_label("name", name)
    _validate.flag("hidden", hidden)
    if expected == 0 and atol == 0:
        # rtol * |0| = 0: only an exact 0.0 would pass, and round-off would fail a correct answer
        raise ValueError("atol must be > 0 when expected is 0 (rtol alone allows no deviation from zero); got atol=0.0")

    value = number(answer, name)
    shown = f"{name} = {_with_unit(value, unit)}"
    if abs(value - expected) <= atol + rtol * abs(expected):
        return _ok(f"{shown} (within {_pct(rtol)} of the expected value).")

    if hidden:
        _fail(
            f"{shown} does not match the value the grader expects (tolerance {_pct(rtol)}). "
            "Recheck the sign, every unit conversion, and factors such as 2 or pi."
        )
    target = f"Expected: {_with_unit(expected, unit)} (tolerance {_pct(rtol)})."
    if expected == 0:
        _fail(f"{shown}, but it should be zero (to within {_with_unit(atol, unit)}).")
    if value == 0:
        _fail(f"{shown} is zero. Is a factor missing, or a variable still 0? {target}")
    hint = _diagnose_ratio(value / expected, rtol, unit)
    if hint is None:
        hint = "is too large." if abs(value) > abs(expected) else "is too small."
    _fail(f"{shown} {hint} {target}")


def within(answer: object, low: float, high: float, unit: str = "", name: str = "answer") -> None:
    """Check that one number lies in a plausible range ``[low, high]``.

    Use it in a *visible* test: it catches a sign, a unit slip or an order
    of magnitude without giving the exact answer away (a hidden
    :func:`close` then checks the value).

    Parameters
    ----------
    answer : float
        The student's result, in ``unit``.
    low, high : float
        The plausible range in ``unit``, ``low < high`` (finite).
    unit : str
        The unit the answer must be given in.
    name : str
        The variable's name as the student knows it.

    Returns
    -------
    None
        Prints a ``Looks right so far`` line when inside the range.

    Raises
    ------
    AssertionError
        With a hint (sign, power of ten, factor) outside the range.
    ValueError
        When ``low``/``high`` are not finite or ``low >= high``.
    """
    low = _validate.finite("low", low, "the bottom of the plausible range", scalar=True)
    high = _validate.finite("high", high, "the top of the plausible range", scalar=True)
    if not low < high:
        raise ValueError(f"low must be < high (a plausible range); got low={low!r}, high={high!r}")
    _check_label("unit", unit)
    _check_label("name", name)

    value = number(answer, name)
    shown = f"{name} = {_with_unit(value, unit)}"
    span = f"[{_fmt(low)}, {_fmt(high)}] {unit}".rstrip()
    if low <= value <= high:
        print(f"Looks right so far: {shown} is in the plausible range {span}; the grader also checks the exact value.")
        return None

    def inside(x):
        return low <= x <= high

    if inside(-value):
        _fail(
            f"{shown} has a plausible size but the wrong sign. Check which direction you counted as positive, "
            "and whether a minus sign belongs in the formula."
        )
    if value != 0:
        for k in sorted(range(-15, 16), key=abs):
            if k == 0:
                continue
            for s in (1.0, -1.0):
                if inside(s * value / 10.0**k):
                    direction = "large" if k > 0 else "small"
                    where = _POWER_HINTS.get(abs(k), "a unit prefix or a power of ten in a constant")
                    sign_note = " Its sign is wrong as well." if s < 0 else ""
                    target = f" The answer is wanted in {unit}." if unit else ""
                    _fail(
                        f"{shown} is about 1e{abs(k)} times too {direction} (plausible: {span}). "
                        f"That smells like a unit conversion; common culprits: {where}.{target}{sign_note}"
                    )
        for factor, label, where in _FACTORS:
            for power in (1, -1):
                if inside(value / factor**power):
                    direction = "large" if power > 0 else "small"
                    _fail(f"{shown} is outside {span} by about a factor {label} (too {direction}). Look for {where}.")
    direction = "large" if value > high else "small"
    _fail(f"{shown} is too {direction}: a plausible value lies in {span}.")


def sign(answer: object, expected: int | str, name: str = "answer", reason: str = "") -> None:
    """Check the sign of one number, with the physical reason as the hint.

    Parameters
    ----------
    answer : float
        The student's result.
    expected : {+1, -1, "positive", "negative"}
        The sign the answer must have (zero fails either way).
    name : str
        The variable's name as the student knows it.
    reason : str
        Why, in words (e.g. ``"particles flow from high to low
        concentration, here towards -x"``); added to the hint.

    Returns
    -------
    None
        Prints ``Correct: ...`` when the sign is right.

    Raises
    ------
    AssertionError
        With the reason when the sign is wrong or the answer is zero.
    ValueError
        When ``expected`` is not one of the allowed values.
    """
    aliases = {1: 1, -1: -1, "positive": 1, "negative": -1, "+": 1, "-": -1}
    try:
        known = not isinstance(expected, (bool, np.bool_)) and expected in aliases
    except TypeError:  # unhashable, e.g. a list or an array
        known = False
    if not known:
        raise ValueError(f"expected must be one of +1, -1, 'positive', 'negative'; got {expected!r}")
    want = aliases[expected]
    _check_label("name", name)
    _check_label("reason", reason)
    value = number(answer, name)
    word = "positive" if want > 0 else "negative"
    because = f" ({reason})" if reason else ""
    if value * want > 0:
        return _ok(f"{name} is {word}{because}.")
    if value == 0:
        _fail(f"{name} is exactly zero, but it should be {word}{because}. Is something still unset or cancelling?")
    _fail(f"{name} = {_fmt(value)} should be {word}{because}.")


def shape(answer: object, expected: tuple[int, ...] | int, name: str = "answer") -> None:
    """Check that ``answer`` is an array of real numbers with shape ``expected``.

    Parameters
    ----------
    answer : array_like
        The student's result.
    expected : tuple of int
        The required shape, e.g. ``(4,)`` for a four-vector.
    name : str
        The variable's name as the student knows it.

    Returns
    -------
    None
        Prints ``Correct: ...`` when the shape matches.

    Raises
    ------
    AssertionError
        When ``answer`` is not an array of real numbers or has another shape.
    ValueError
        When ``expected`` is not a tuple of non-negative integers.
    """
    if isinstance(expected, (int, np.integer)) and not isinstance(expected, (bool, np.bool_)):
        expected = (expected,)
    if not isinstance(expected, (tuple, list)):
        raise ValueError(f"expected must be a shape (a tuple of integers); got {_validate.show(expected)}")
    try:
        expected = tuple(_validate.count("expected", n, "an array dimension") for n in expected)
    except TypeError:
        raise ValueError(f"expected must be a shape (a tuple of integers); got {expected!r}") from None
    _check_label("name", name)
    if answer is None or answer is Ellipsis or isinstance(answer, (str, bytes)):
        number(answer, name)  # reuses its hints for None / ... / text
    try:
        arr = np.asarray(answer)
    except Exception:
        _fail(f"{name} is {_describe(answer)}; an array of numbers is expected.")
    if arr.dtype.kind not in "iuf":
        _fail(f"{name} is {_describe(answer)}; an array of real numbers is expected.")
    if arr.shape != expected:
        transposed = arr.ndim == 2 and arr.T.shape == expected
        extra = " (it looks transposed)" if transposed else ""
        _fail(f"{name} has shape {arr.shape}, but shape {expected} is expected{extra}.")
    return _ok(f"{name} has shape {expected}.")


def array_close(
    answer: object,
    expected: ArrayLike,
    rtol: float = 0.01,
    atol: float = 0.0,
    unit: str = "",
    name: str = "answer",
    hidden: bool = False,
) -> None:
    """Check an array element by element and explain a miss.

    Each element passes when ``|a - e| <= atol + rtol * |e|``.

    Parameters
    ----------
    answer : array_like
        The student's result, in ``unit``.
    expected : array_like
        The correct values, in ``unit`` (finite).
    rtol : float
        Relative tolerance, 0 < rtol < 1.
    atol : float
        Absolute tolerance in ``unit`` (>= 0), for elements near zero.
    unit : str
        The unit of the values.
    name : str
        The variable's name as the student knows it.
    hidden : bool
        Never reveal expected values (nor a sign/factor/order diagnosis).

    Returns
    -------
    None
        Prints ``Correct: ...`` when every element matches.

    Raises
    ------
    AssertionError
        On a wrong type or shape, NaN entries, or values out of tolerance.
    ValueError
        When the check itself is mis-specified (including ``atol = 0`` while
        some expected values are 0: they could only be matched exactly).
    """
    expected = np.asarray(_validate.finite("expected", expected, "the correct values"), dtype=float)
    rtol = _check_rtol(rtol)
    atol = _validate.nonnegative("atol", atol, "an absolute tolerance in the answer's unit", scalar=True)
    _check_label("unit", unit)
    _check_label("name", name)
    _validate.flag("hidden", hidden)
    if atol == 0 and np.any(expected == 0):
        # those elements would have to be exactly 0.0: round-off would fail a correct answer
        raise ValueError(
            "atol must be > 0 when some expected values are 0 (rtol alone allows no deviation from zero); got atol=0.0"
        )

    if answer is None or answer is Ellipsis or isinstance(answer, (str, bytes)):
        number(answer, name)  # reuses its hints for None / ... / text
    try:
        arr = np.asarray(answer)
    except Exception:
        _fail(f"{name} is {_describe(answer)}; an array of numbers is expected.")
    if arr.dtype.kind not in "iuf":
        _fail(f"{name} is {_describe(answer)}; an array of real numbers is expected.")
    if arr.shape != expected.shape:
        transposed = arr.ndim == 2 and arr.T.shape == expected.shape
        extra = " (it looks transposed)" if transposed else ""
        _fail(f"{name} has shape {arr.shape}, but shape {expected.shape} is expected{extra}.")
    values = arr.astype(float)
    bad_nan = ~np.isfinite(values)
    if bad_nan.any():
        first = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        _fail(f"{name} has {int(bad_nan.sum())} NaN or infinite entries (the first at index {first}).")
    miss = np.abs(values - expected) > atol + rtol * np.abs(expected)
    if not miss.any():
        return _ok(f"all {values.size} values of {name} are within {_pct(rtol)}.")
    n_bad = int(miss.sum())
    head = f"{n_bad} of {values.size} values of {name} are off (tolerance {_pct(rtol)})"
    if hidden:
        _fail(f"{head}. Recheck the sign, unit conversions, factors such as 2 or pi, and the order of the values.")
    close_all = lambda trial: not np.any(np.abs(trial - expected) > atol + rtol * np.abs(expected))  # noqa: E731
    if close_all(-values):
        _fail(
            f"{head}: every value has the right size but the wrong sign. Check the direction you counted as positive."
        )
    if values.ndim >= 1 and close_all(values[::-1]):
        _fail(f"{head}: the values are right but in reverse order.")
    usable = (expected != 0) & (values != 0)
    if usable.any():
        ratios = values[usable] / expected[usable]
        ratio = float(np.median(ratios))
        if np.all(np.abs(ratios / ratio - 1.0) <= rtol):
            hint = _diagnose_ratio(ratio, rtol, unit)
            if hint is not None:
                _fail(f"{head}: every value {hint}")
    worst = np.unravel_index(int(np.argmax(np.abs(values - expected) - rtol * np.abs(expected))), values.shape)
    if values.ndim == 0:
        _fail(f"{head}: {_with_unit(float(values), unit)} where {_with_unit(float(expected), unit)} is expected.")
    index = tuple(int(i) for i in worst) if values.ndim > 1 else int(worst[0])
    _fail(
        f"{head}; the worst is at index {index}: {_with_unit(values[worst], unit)} "
        f"where {_with_unit(expected[worst], unit)} is expected."
    )
