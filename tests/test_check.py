"""flowkit.check: right answers pass, wrong ones fail with the hint that fits the mistake.

Each wrong answer below is built from the expected value by one deliberate slip
(sign, unit prefix, factor), and the test asserts that the message names that
slip. Hidden mode is checked never to print the expected value in any form.
"""

import math
import re

import numpy as np
import pytest
from scipy import constants

from flowkit import check

# A proton beam of 1 mA on 1 mm^2: J = I / (e A) = 1e-3 / (1.602176634e-19 * 1e-6)
# = 6.241509e18 per m^2 per s (worked by hand from the exact SI value of e).
J = 6.241509074e18
UNIT = "1/(m^2 s)"


def _message(func, *args, **kwargs):
    with pytest.raises(AssertionError) as info:
        func(*args, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------- close: passes


@pytest.mark.parametrize("answer", [J, J * 1.009, J * 0.991, np.float32(J), np.array(J), np.array([J])])
def test_close_accepts_within_rtol_and_numpy_scalars(answer, capsys):
    # None, not True: nbgrader would read a displayed value on a test cell's last line as partial credit
    assert check.close(answer, J, rtol=0.01, unit=UNIT, name="J") is None
    out = capsys.readouterr().out
    assert out.startswith("Correct: J = ") and UNIT in out and "1 %" in out


def test_close_rejects_just_outside_rtol():
    # 1.2 % off under a 1 % tolerance must fail, and no slip fits, so the hint is plain "too large".
    msg = _message(check.close, J * 1.012, J, rtol=0.01, unit=UNIT, name="J")
    assert "too large" in msg and "Keep working" in msg


def test_close_integer_answer_and_atol_for_zero(capsys):
    check.close(3, 3.0, rtol=1e-9)  # passes: no AssertionError
    check.close(1e-13, 0.0, rtol=0.01, atol=1e-12)  # passes: no AssertionError
    msg = _message(check.close, 0.5, 0.0, rtol=0.01, atol=1e-3)
    assert "should be zero" in msg


# --------------------------------------------------------------------------- close: diagnoses


def test_close_sign_flipped(capsys):
    msg = _message(check.close, -J, J, rtol=0.01, unit=UNIT, name="J")
    assert "wrong sign" in msg and "right size" in msg
    # the same text is printed for the student, not only raised
    assert "wrong sign" in capsys.readouterr().out


@pytest.mark.parametrize(
    "factor, fragment",
    [
        (1e-4, "1e4 times too small"),
        (1e3, "1e3 times too large"),
        (1e-6, "cm^3 vs m^3"),
        (1e2, "cm vs m"),
        (1e9, "nm vs m"),
    ],
)
def test_close_power_of_ten_points_to_units(factor, fragment):
    msg = _message(check.close, J * factor, J, rtol=0.01, unit=UNIT, name="J")
    assert fragment in msg
    assert "unit conversion" in msg and UNIT in msg


def test_close_power_of_ten_with_sign():
    msg = _message(check.close, -J * 1e3, J, rtol=0.01, unit=UNIT, name="J")
    assert "1e3 times too large" in msg and "sign is wrong as well" in msg


@pytest.mark.parametrize(
    "factor, label, direction",
    [
        (2.0, "factor 2 ", "large"),
        (0.5, "factor 2 ", "small"),
        (4.0, "factor 4 ", "large"),
        (1 / math.pi, "factor pi ", "small"),
        (math.sqrt(2.0), "factor sqrt(2) ", "large"),
        (3.0, "factor 3 ", "large"),
        (constants.e, "e = 1.602e-19 C", "large"),
        (1 / constants.N_A, "N_A", "small"),
        (constants.k, "k_B", "large"),
    ],
)
def test_close_common_factor(factor, label, direction):
    msg = _message(check.close, 7.3 * factor, 7.3, rtol=0.01, name="x")
    assert label in msg and f"too {direction}" in msg


def test_close_factor_3_is_not_confused_with_pi():
    # 3 and pi differ by 4.7 %; the closest factor wins.
    assert "factor 3 " in _message(check.close, 3.0, 1.0, rtol=0.01)
    assert "factor pi " in _message(check.close, math.pi, 1.0, rtol=0.01)


def test_close_wrong_sign_and_wrong_size():
    msg = _message(check.close, -3.7, 1.0, rtol=0.01)
    assert "wrong sign" in msg and "size is off" in msg


def test_close_extreme_ratio_does_not_overflow():
    # answer/expected overflows to inf (and underflows to 0): still a plain, finite hint
    assert "too large" in _message(check.close, 1e300, 1e-300, rtol=0.01)
    assert "too small" in _message(check.close, 1e-300, 1e300, rtol=0.01)


def test_close_answer_zero():
    assert "is zero" in _message(check.close, 0.0, 2.0, rtol=0.01)


def test_close_visible_message_states_expected_value():
    msg = _message(check.close, 1.7, 1.0, rtol=0.05, unit="m", name="L")
    assert "Expected: 1 m" in msg and "5 %" in msg


# --------------------------------------------------------------------------- close: types and NaN


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (None, "is None"),
        (..., "placeholder"),
        ("6.2e18", "text"),
        (True, "True/False"),
        (1 + 2j, "complex"),
        ([1.0, 2.0], "shape (2,)"),
        (np.zeros((2, 2)), "shape (2, 2)"),
        ({"J": 1.0}, "a dict"),
        (float("nan"), "NaN"),
        (np.inf, "infinite"),
        (-np.inf, "infinite"),
    ],
)
def test_close_bad_types_are_named(answer, fragment):
    msg = _message(check.close, answer, 1.0, rtol=0.01, name="J")
    assert fragment in msg and "J" in msg


def test_number_returns_float():
    assert check.number(np.int64(4)) == 4.0 and isinstance(check.number(np.int64(4)), float)
    assert check.number(np.array([[2.5]])) == 2.5


# --------------------------------------------------------------------------- hidden mode


def _digits(value):
    """Every way the expected value could plausibly be printed."""
    forms = {f"{value:.{n}g}" for n in range(2, 8)} | {repr(value), str(value), f"{value:e}"}
    mant = f"{abs(value):.3e}".split("e")[0]
    return forms | {mant}


@pytest.mark.parametrize("factor", [-1.0, 1e3, 2.0, 1.3, 1 / math.pi, 0.0])
def test_close_hidden_never_reveals_expected(factor, capsys):
    expected = 6.241509074e18
    msg = _message(check.close, expected * factor, expected, rtol=0.01, unit=UNIT, name="J", hidden=True)
    printed = capsys.readouterr().out
    for text in (msg, printed):
        assert "Keep working" in text
        # no diagnosis that would let the student work the value back
        for leak in ("wrong sign", "times too", "factor ", "Expected"):
            assert leak not in text
        if factor not in (-1.0, 1e3):
            # the student's own answer is printed, and shares the digits of the expected value when it is
            # -expected or 1e3 * expected; for the other slips no rendering of the expected value may appear
            for form in _digits(expected):
                assert form not in text
        # and the tolerance is stated, so the student knows how close to get
        assert "1 %" in text


def test_close_hidden_still_reports_type_problems():
    assert "NaN" in _message(check.close, np.nan, 2.0, rtol=0.01, hidden=True)
    assert "is None" in _message(check.close, None, 2.0, rtol=0.01, hidden=True)


def test_close_hidden_pass_prints_correct(capsys):
    check.close(2.0, 2.0, rtol=0.01, hidden=True)  # passes: no AssertionError
    assert capsys.readouterr().out.startswith("Correct:")


# --------------------------------------------------------------------------- within


def test_within_inside_passes_without_claiming_correct(capsys):
    check.within(6.2e18, 1e18, 1e19, unit=UNIT, name="J")  # passes: no AssertionError
    out = capsys.readouterr().out
    assert "Looks right so far" in out and "Correct" not in out


def test_within_sign_power_and_factor():
    assert "wrong sign" in _message(check.within, -6.2e18, 1e18, 1e19, unit=UNIT, name="J")
    msg = _message(check.within, 6.2e22, 1e18, 1e19, unit=UNIT, name="J")
    assert "1e4 times too large" in msg and "cm^2 vs m^2" in msg
    msg = _message(check.within, -6.2e12, 1e18, 1e19, unit=UNIT, name="J")
    assert "1e6 times too small" in msg and "sign is wrong as well" in msg
    # a narrow range (less than a decade wide) leaves room for a factor diagnosis: 2 x 1.5 = 3 is above [1, 2]
    msg = _message(check.within, 3.0, 1.0, 2.0, name="x")
    assert "factor 2 " in msg and "too large" in msg


def test_within_far_off_and_zero():
    assert "too small" in _message(check.within, 0.0, 1.0, 2.0)


# --------------------------------------------------------------------------- sign


def test_sign_pass_and_fail(capsys):
    check.sign(-2.0, "negative", name="J", reason="flow runs towards -x")  # passes: no AssertionError
    assert "negative" in capsys.readouterr().out
    msg = _message(check.sign, 2.0, -1, name="J", reason="flow runs towards -x")
    assert "should be negative" in msg and "towards -x" in msg
    assert "exactly zero" in _message(check.sign, 0.0, +1, name="J")
    assert "None" in _message(check.sign, None, +1, name="J")


# --------------------------------------------------------------------------- array_close


X = np.array([1.0, 2.0, 4.0, 8.0])


def test_array_close_pass(capsys):
    check.array_close(X * 1.005, X, rtol=0.01, name="c")  # passes: no AssertionError
    assert "all 4 values" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (-X, "wrong sign"),
        (X * 1e-3, "1e3 times too small"),
        (X[::-1], "reverse order"),
        (X * 2.0, "factor 2 "),
        (np.array([1.0, 2.0, 4.0, 9.0]), "worst is at index 3"),
        (X[:3], "shape (3,)"),
        (np.array([1.0, np.nan, 4.0, 8.0]), "NaN"),
        (np.array(["a", "b", "c", "d"]), "real numbers"),
        (None, "is None"),
    ],
)
def test_array_close_diagnoses(answer, fragment):
    msg = _message(check.array_close, answer, X, rtol=0.01, unit="mol/m^3", name="c")
    assert fragment in msg


def test_array_close_zero_dimensional():
    # 0-d arrays are arrays too: a pass, and a miss that names both values instead of crashing
    check.array_close(np.array(2.0), np.array(2.0), rtol=0.01)  # passes: no AssertionError
    msg = _message(check.array_close, np.array(1.5), 1.0, rtol=0.01, unit="m", name="L")
    assert "1 of 1 values of L" in msg and "1.5 m where 1 m is expected" in msg
    assert "1 of 1" in _message(check.array_close, np.array(1.5), 1.0, rtol=0.01, hidden=True)


@pytest.mark.parametrize("factor", [-1.0, 1e3, 2.0, 1 / math.pi])
def test_array_close_hidden_gives_no_diagnosis(factor, capsys):
    expected = np.array([6.241509e18, 1.765986e18, 3.747406e14])
    msg = _message(check.array_close, expected * factor, expected, rtol=0.01, name="J", hidden=True)
    printed = capsys.readouterr().out
    for text in (msg, printed):
        assert "Keep working" in text and "3 of 3" in text and "1 %" in text
        for leak in ("wrong sign", "times too", "factor 2 ", "factor pi", "reverse", "worst", "is expected"):
            assert leak not in text
        for value in expected:
            for form in _digits(value):
                assert form not in text


def test_array_close_transposed():
    e = np.arange(1.0, 7.0).reshape(2, 3)  # no zeros: those would need an atol
    assert "transposed" in _message(check.array_close, e.T, e, rtol=0.01)


def test_array_close_hidden_does_not_reveal():
    msg = _message(check.array_close, np.array([1.0, 2.0, 4.0, 9.75]), X, rtol=0.01, name="c", hidden=True)
    assert "1 of 4" in msg and "8" not in msg.replace("1 of 4", "")
    msg = _message(check.array_close, -X, X, rtol=0.01, name="c", hidden=True)
    assert "wrong sign" not in msg


# --------------------------------------------------------------------------- mis-specified checks


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"rtol": 0.0}, "rtol"),
        ({"rtol": -0.01}, "rtol"),
        ({"rtol": 1.0}, "rtol"),
        ({"rtol": float("nan")}, "rtol"),
        ({"atol": -1.0}, "atol"),
        ({"unit": 3}, "unit"),
        ({"name": None}, "name"),
        ({"hidden": "yes"}, "hidden"),
    ],
)
def test_close_validates_its_own_arguments(kwargs, argument):
    args = {"rtol": 0.01}
    args.update(kwargs)
    with pytest.raises(ValueError, match=rf"^{argument}"):
        check.close(1.0, 1.0, **args)


@pytest.mark.parametrize("expected", [np.nan, np.inf])
def test_close_expected_must_be_finite(expected):
    with pytest.raises(ValueError, match="expected"):
        check.close(1.0, expected, rtol=0.01)


def test_close_zero_expected_needs_atol():
    # rtol * |0| = 0, so with atol = 0 only an exact 0.0 passes and round-off (1e-17) would fail a
    # correct answer: that is a mistake in the check, reported as ValueError naming atol.
    with pytest.raises(ValueError, match=r"^atol must be > 0 when expected is 0"):
        check.close(1e-17, 0.0, rtol=0.01)
    with pytest.raises(ValueError, match=r"^atol must be > 0 when some expected values are 0"):
        check.array_close([1.0, 1e-17], [1.0, 0.0], rtol=0.01)
    check.array_close([1.0, 1e-17], [1.0, 0.0], rtol=0.01, atol=1e-12)  # passes: no AssertionError


def test_close_expected_must_be_scalar():
    with pytest.raises(ValueError, match="expected must be one number"):
        check.close(1.0, [1.0, 2.0], rtol=0.01)


def test_within_validates_range():
    with pytest.raises(ValueError, match="low must be < high"):
        check.within(1.0, 2.0, 1.0)
    with pytest.raises(ValueError, match="low"):
        check.within(1.0, np.nan, 1.0)
    with pytest.raises(ValueError, match="high"):
        check.within(1.0, 0.0, np.inf)


@pytest.mark.parametrize("expected", [0, 2, "up", True, None, [1], np.array([1, -1])])
def test_sign_validates_expected(expected):
    with pytest.raises(ValueError, match="expected must be one of"):
        check.sign(1.0, expected)


def test_sign_validates_reason():
    with pytest.raises(ValueError, match="reason"):
        check.sign(1.0, 1, reason=3)


def test_array_close_validates_arguments():
    with pytest.raises(ValueError, match="expected"):
        check.array_close(X, [1.0, np.nan], rtol=0.01)
    with pytest.raises(ValueError, match="rtol"):
        check.array_close(X, X, rtol=2.0)
    with pytest.raises(ValueError, match="atol"):
        check.array_close(X, X, rtol=0.01, atol=-1.0)
    with pytest.raises(ValueError, match="hidden"):
        check.array_close(X, X, rtol=0.01, hidden=1)


def test_messages_are_single_paragraphs():
    # feedback strips tracebacks down to "AssertionError: <message>", so the message must stand alone
    msg = _message(check.close, -J, J, rtol=0.01, unit=UNIT, name="J")
    assert "\n" not in msg and re.match(r"Keep working: J = ", msg)


# --------------------------------------------------------------------------- shape


def test_shape_pass_and_fail(capsys):
    check.shape(np.zeros(4), (4,), name="N")  # passes: no AssertionError
    check.shape([1.0, 2.0, 3.0, 4.0], 4, name="N")  # passes: no AssertionError
    assert "shape (4,)" in capsys.readouterr().out
    assert "shape (3,)" in _message(check.shape, np.zeros(3), (4,), name="N")
    assert "transposed" in _message(check.shape, np.zeros((3, 2)), (2, 3), name="M")
    assert "is None" in _message(check.shape, None, (4,), name="N")
    assert "real numbers" in _message(check.shape, np.array(["a"]), (1,), name="N")
    assert "shape ()" in _message(check.shape, 3.0, (4,), name="N")


@pytest.mark.parametrize("expected", [(-1,), (2.5,), "four", None])
def test_shape_validates_expected(expected):
    with pytest.raises(ValueError, match="expected"):
        check.shape(np.zeros(4), expected)


# --------------------------------------------------------------------------- lecturer-side types (issue 18)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"rtol": "0.01"}, "rtol"),
        ({"rtol": np.full(3, 0.01)}, "rtol"),
        ({"rtol": True}, "rtol"),
        ({"atol": np.ones(2)}, "atol"),
        ({"atol": "0"}, "atol"),
        ({"expected": "1.0"}, "expected"),
        ({"expected": True}, "expected"),
        ({"expected": 1 + 0j}, "expected"),
        ({"hidden": 1}, "hidden"),
    ],
)
def test_close_refuses_wrong_types_from_the_author_by_name(kwargs, argument):
    args = {"answer": 1.0, "expected": 1.0, "rtol": 0.01} | kwargs
    with pytest.raises((TypeError, ValueError), match=rf"^{argument}"):
        check.close(**args)


@pytest.mark.parametrize("low, high, argument", [("0", 2.0, "low"), (0.0, np.ones(2), "high"), (True, 2.0, "low")])
def test_within_refuses_wrong_types_by_name(low, high, argument):
    with pytest.raises((TypeError, ValueError), match=rf"^{argument}"):
        check.within(1.0, low, high)


@pytest.mark.parametrize("expected", [{}, 3.0, True])
def test_shape_expected_must_be_a_tuple_of_integers(expected):
    with pytest.raises(ValueError, match="expected must be a shape"):
        check.shape(np.zeros(3), expected)
