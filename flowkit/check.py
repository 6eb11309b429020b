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
            "and whether a minus sign belongs in the formula (as in J = -D dn/dx)."
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


# --------------------------------------------------------------------------- predictions and try-this findings
#
# The checks above grade: a wrong answer raises, so an nbgrader cell fails. The
# ones below coach. A student commits to a prediction *before* moving a slider,
# or types what a "try this" made them find, and hears at once whether it holds
# up. They never raise for the student's answer, so "Run All" goes on past a
# wrong guess, and a blank (the shipped placeholder ``...``) is an invitation,
# not an error. Every verdict starts with one of these words:

RIGHT = "Right"  #: the answer holds
NOT_QUITE = "Not quite"  #: wrong; the hint names the misconception, never the answer
YOUR_TURN = "Your turn"  #: still blank

__all__ += ["prediction", "multiple_choice", "predict", "found", "RIGHT", "NOT_QUITE", "YOUR_TURN"]


def _is_blank(answer):
    """The placeholders a student has not replaced yet: ``...``, ``None`` or an empty string."""
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def _say(verdict, message):
    # Printed, not returned: a value on a cell's last line would be displayed as well.
    print(f"{verdict}: {message}")


def _coerce_number(answer):
    """``answer`` as a finite float, or None when it is not one number (no printing, no raising)."""
    if isinstance(answer, (bool, np.bool_, str, bytes)):
        return None
    try:
        arr = np.asarray(answer)
    except Exception:
        return None
    if arr.dtype.kind not in "iuf" or arr.size != 1:
        return None
    value = float(arr.reshape(()))
    return value if math.isfinite(value) else None


def _check_target(arg, target):
    """A target of a prediction: one finite number, or a (low, high) range with low < high."""
    if isinstance(target, tuple):
        if len(target) != 2:
            raise ValueError(f"{arg} must be a number or a (low, high) range; got {target!r}")
        low = _validate.finite(f"{arg}[0]", target[0], "the bottom of the accepted range")
        high = _validate.finite(f"{arg}[1]", target[1], "the top of the accepted range")
        if not low < high:
            raise ValueError(f"{arg} must be a range with low < high; got {target!r}")
        return (float(low), float(high))
    value = _validate.finite(arg, target, "the right value, or a (low, high) range")
    if np.ndim(value) != 0:
        raise ValueError(f"{arg} must be one number or a (low, high) range; got {target!r}")
    return float(value)


def _hits(value, target, rtol):
    """Whether ``value`` is ``target`` (within ``rtol``; 1e-12 absolute for a target of 0) or inside a range."""
    if isinstance(target, tuple):
        return target[0] <= value <= target[1]
    return abs(value - target) <= max(rtol * abs(target), 1e-12 if target == 0 else 0.0)


def prediction(
    answer, expected, rtol=0.05, traps=(), hint="", why="", unit="", name="your prediction", blank="your prediction"
):
    """Judge a numerical prediction (a number, a factor, an exponent) and coach.

    Unlike :func:`close`, this never raises for the student's answer: it
    prints one line that starts with :data:`RIGHT`, :data:`NOT_QUITE` or
    :data:`YOUR_TURN`, so a notebook keeps running past a wrong guess.

    Parameters
    ----------
    answer : float or None or Ellipsis
        The student's prediction. ``...``, ``None`` or ``""`` (the shipped
        placeholder) get a "your turn" message.
    expected : float or tuple of float
        The right value, or an accepted ``(low, high)`` range (for findings
        read off a slider, where any value in a window is right).
    rtol : float
        Relative tolerance around ``expected`` (0 < rtol < 1).
    traps : sequence of (float or (low, high), str)
        Typical wrong answers, each with the misconception it reveals. The
        text names the mistake and where to look, never the right answer.
    hint : str
        What to think about for any other wrong answer.
    why : str
        The reason, shown with a right answer (and where to see it).
    unit : str
        The unit the answer is in, for the messages.
    name : str
        What the number is, as the student knows it.
    blank : str
        What the placeholder stands for, in the "your turn" message
        (``"your prediction"``, or ``"what you found"`` for a try-this).

    Returns
    -------
    None
        The verdict is printed.

    Raises
    ------
    ValueError
        Only for a mis-specified check (a bad ``expected``, ``rtol`` or trap).

    Examples
    --------
    >>> from flowkit import check
    >>> check.prediction(..., 0.5)
    Your turn: replace `...` with your prediction (a number), then run the cell again.
    >>> check.prediction(2.0, 0.5, traps=[(2.0, "More area catches more particles, but the flux is per unit area.")])
    Not quite: More area catches more particles, but the flux is per unit area.
    >>> check.prediction(0.5, 0.5, why="Same particles per second, spread over twice the area.")
    Right: your prediction = 0.5. Same particles per second, spread over twice the area.
    """
    target = _check_target("expected", expected)
    rtol = _check_rtol(rtol)
    if not isinstance(traps, (tuple, list)):
        raise ValueError(f"traps must be a list of (value, explanation) pairs; got {_validate.show(traps)}")
    checked_traps = []
    for i, item in enumerate(traps):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], str)):
            raise ValueError(f"traps must hold (value, explanation) pairs; got {item!r}")
        checked_traps.append((_check_target(f"traps[{i}][0]", item[0]), item[1]))
    for arg, text in (("hint", hint), ("why", why), ("unit", unit), ("name", name), ("blank", blank)):
        _check_label(arg, text)

    if _is_blank(answer):
        return _say(YOUR_TURN, f"replace `...` with {blank} (a number), then run the cell again.")
    value = _coerce_number(answer)
    if value is None:
        return _say(NOT_QUITE, f"{name} should be one finite number (e.g. 2, 0.5 or -1/6); got {answer!r}.")
    shown = f"{name} = {_with_unit(value, unit)}"
    if _hits(value, target, rtol):
        return _say(RIGHT, f"{shown}. {why}".rstrip())
    for trap, text in checked_traps:
        if _hits(value, trap, rtol) and not _hits(value, target, rtol):
            return _say(NOT_QUITE, text)
    if isinstance(target, tuple):
        side = "too large" if value > target[1] else "too small"
    else:
        side = "too large" if value > target else "too small"
    return _say(NOT_QUITE, f"{shown} is {side}. {hint}".rstrip())


def _option_key(answer):
    """Normalise a multiple-choice answer: ``"B"``, ``" b "``, ``"(b)"`` and ``"b)"`` all mean ``"b"``."""
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, (bool, np.bool_)):
        return str(int(answer))
    if isinstance(answer, str):
        return answer.strip().strip("()").strip().lower()
    return None


def multiple_choice(answer, correct, options, name="your choice"):
    """Judge a multiple-choice answer; every option has its own explanation.

    Never raises for the student's answer (see :func:`prediction`).

    Parameters
    ----------
    answer : str or int or None or Ellipsis
        The student's pick, e.g. ``"b"`` (case, spaces and brackets are
        ignored). A blank gets a "your turn" message.
    correct : str
        The key of the right option.
    options : mapping of str to str
        Each option's key and its explanation: for a wrong option, the
        misconception behind it; for the right one, the reason.
    name : str
        What is being chosen, for the messages.

    Returns
    -------
    None
        The verdict is printed.

    Raises
    ------
    ValueError
        When ``correct`` is not among the ``options`` or an explanation is
        missing (a mis-specified check).

    Examples
    --------
    >>> from flowkit import check
    >>> opts = {"a": "Both directions are counted with a sign.", "b": "Net count: as many cross each way."}
    >>> check.multiple_choice("A", "b", opts)
    Not quite: (a) Both directions are counted with a sign.
    >>> check.multiple_choice("b", "b", opts)
    Right: (b) Net count: as many cross each way.
    """
    if not hasattr(options, "items") or not options:
        raise ValueError(f"options must be a non-empty mapping of option key -> explanation; got {options!r}")
    table = {}
    for key, text in options.items():
        norm = _option_key(key)
        if norm is None or not norm or not isinstance(text, str) or not text.strip():
            raise ValueError(
                f"options must map each key (a letter or number) to a non-empty explanation; got {key!r}: {text!r}"
            )
        table[norm] = text
    want = _option_key(correct)
    if want not in table:
        raise ValueError(f"correct must be one of the option keys {sorted(table)}; got {correct!r}")
    _check_label("name", name)

    keys = ", ".join(f'"{k}"' for k in table)
    if _is_blank(answer):
        return _say(YOUR_TURN, f"type the letter of your choice ({keys}) in place of `...`, then run the cell again.")
    key = _option_key(answer)
    if key not in table:
        return _say(NOT_QUITE, f"{name} must be one of {keys}; got {answer!r}.")
    if key == want:
        return _say(RIGHT, f"({key}) {table[key]}")
    return _say(NOT_QUITE, f"({key}) {table[key]}")


def _ask(question_id, answer, kind):
    from flowkit import inquiry  # the question bank; imported only when a chapter asks

    question = inquiry.question(question_id)
    if question.kind != kind:
        other = "check.found" if kind == "predict" else "check.predict"
        raise ValueError(f"question {question_id!r} is a {question.kind!r} question; call {other} for it")
    if question.options:
        return multiple_choice(answer, question.answer, dict(question.options), name=question.name)
    return prediction(
        answer,
        question.expected(),
        rtol=question.rtol,
        traps=question.traps,
        hint=question.hint,
        why=question.why,
        unit=question.unit,
        name=question.name,
        blank="your prediction" if kind == "predict" else "what you found",
    )


def predict(question_id, answer):
    """Judge a chapter's prediction question, named by its id (e.g. ``"01.area"``).

    The question, its answer and the misconceptions behind typical wrong
    answers live in :mod:`flowkit.inquiry`, so a notebook cell shows only what
    the student typed. Never raises for the student's answer: prints
    ``Right: ...``, ``Not quite: <hint>`` or ``Your turn: ...``.

    Raises
    ------
    ValueError
        When ``question_id`` is unknown or names a try-this finding.
    """
    return _ask(question_id, answer, "predict")


def found(question_id, answer):
    """Judge what the student found in a chapter's "try this" (e.g. ``"06.try.geo"``).

    Same verdicts as :func:`predict`; the goal and the accepted answer are in
    :mod:`flowkit.inquiry`.
    """
    return _ask(question_id, answer, "found")
