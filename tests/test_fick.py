"""flowkit.fick against values worked by hand and closed forms."""

import re

import numpy as np
import pytest

from flowkit import fick


def test_flux_of_linear_profile_is_uniform():
    # c = 5 - 2x: dc/dx = -2 everywhere, so J = -D dc/dx = 3 * 2 = 6 at every point,
    # ends included (a one-sided difference is exact on a line).
    x = np.linspace(0.0, 1.0, 11)
    np.testing.assert_allclose(fick.flux(5.0 - 2.0 * x, 0.1, 3.0), 6.0, rtol=1e-12)


def test_flux_stencil_by_hand():
    # c = x^2 at x = 0, 1, 2, 3 (dx = 1): gradients are (1-0)/1 = 1 (forward end),
    # (4-0)/2 = 2, (9-1)/2 = 4 (central), (9-4)/1 = 5 (backward end). D = 2 -> J = -2, -4, -8, -10.
    np.testing.assert_allclose(fick.flux([0.0, 1.0, 4.0, 9.0], 1.0, 2.0), [-2.0, -4.0, -8.0, -10.0], rtol=1e-15)


def test_flux_points_down_the_gradient_with_local_D():
    D = np.array([1.0, 2.0, 3.0])
    J = fick.flux([3.0, 2.0, 1.0], 0.5, D)
    # dc/dx = -2 everywhere; J = 2 D.
    np.testing.assert_allclose(J, [2.0, 4.0, 6.0], rtol=1e-15)
    assert np.all(J > 0)  # from high concentration (left) to low (right)


def test_steady_flux_through_membrane():
    # D = 1e-9 m^2/s, 100 mol/m^3 against 0 across 1 mm: 1e-9 * 100 / 1e-3 = 1e-4 mol/(m^2 s).
    assert fick.steady_flux(1e-9, 100.0, 0.0, 1e-3) == pytest.approx(1e-4, rel=1e-14, abs=0)


def test_steady_flux_matches_grid_flux_of_linear_profile():
    # The linear steady profile between the faces gives the same flux from the grid formula.
    x = np.linspace(0.0, 2e-3, 21)
    c = 80.0 - (80.0 - 20.0) * x / 2e-3
    np.testing.assert_allclose(fick.flux(c, x[1] - x[0], 5e-10), fick.steady_flux(5e-10, 80.0, 20.0, 2e-3), rtol=1e-10)


def test_arrhenius_carbon_in_austenite():
    # Carbon in gamma-iron: D0 = 2.3e-5 m^2/s, Q = 148 kJ/mol, T = 1173 K (900 C).
    # Q / (R T) = 148000 / (8.314462618 * 1173) = 148000 / 9752.86 = 15.1751;
    # exp(-15.1751) = exp(-15) * exp(-0.1751) = 3.0590e-7 * 0.83937 = 2.5676e-7;
    # D = 2.3e-5 * 2.5676e-7 = 5.906e-12 m^2/s (rtol 1e-3 on the rounded steps).
    # abs=0: approx's default abs=1e-12 would otherwise accept anything within 17 % of 5.9e-12.
    assert fick.arrhenius(2.3e-5, 148e3, 1173.0) == pytest.approx(5.906e-12, rel=1e-3, abs=0)


def test_arrhenius_limits_and_ratio():
    assert fick.arrhenius(1e-4, 0.0, 500.0) == 1e-4
    # ln(D(T2)/D(T1)) = Q/R (1/T1 - 1/T2); Q = R * 1000 K gives exactly 1000 * (1/500 - 1/1000) = 1.
    from scipy.constants import R

    ratio = fick.arrhenius(1e-4, R * 1000.0, 1000.0) / fick.arrhenius(1e-4, R * 1000.0, 500.0)
    assert ratio == pytest.approx(np.e, rel=1e-14)


def test_interdiffusion_profile_values():
    t, D = 100.0, 1e-12  # diffusion length 2 sqrt(D t) = 2e-5 m
    cl, cr = 1.0, 0.0
    # Mid-point; one diffusion length to the right: 0.5 - 0.5 erf(1) = 0.5 - 0.5 * 0.8427008 = 0.0786496.
    assert fick.interdiffusion_profile(0.0, t, D, cl, cr) == pytest.approx(0.5, rel=1e-15)
    assert fick.interdiffusion_profile(2e-5, t, D, cl, cr) == pytest.approx(0.0786496, rel=1e-6)
    assert fick.interdiffusion_profile(-2e-5, t, D, cl, cr) == pytest.approx(1 - 0.0786496, rel=1e-6)
    # Far from the interface the bars are untouched.
    far = fick.interdiffusion_profile(np.array([-1e-3, 1e-3]), t, D, 0.7, 0.2)
    np.testing.assert_allclose(far, [0.7, 0.2], rtol=1e-14)


def test_interdiffusion_conserves_solute():
    # What the left bar lost equals what the right bar gained (the erf is odd).
    x = np.linspace(-1e-4, 1e-4, 4001)
    c = fick.interdiffusion_profile(x, 100.0, 1e-12, 0.9, 0.1)
    lost = np.trapezoid(0.9 - c[x <= 0], x[x <= 0])
    gained = np.trapezoid(c[x >= 0] - 0.1, x[x >= 0])
    assert lost == pytest.approx(gained, rel=1e-10)


def test_interface_flux_worked_value():
    # D = 1e-14 m^2/s, t = 1 h, c_left = 1000 mol/m^3, c_right = 0:
    # 500 * sqrt(1e-14 / (pi * 3600)) = 500 * sqrt(8.8419e-19) = 500 * 9.4032e-10 = 4.7016e-7 mol/(m^2 s).
    assert fick.interface_flux(3600.0, 1e-14, 1000.0, 0.0) == pytest.approx(4.7016e-7, rel=1e-4, abs=0)


def test_interface_flux_is_ficks_law_at_the_interface():
    # -D dc/dx of the erf profile at x = 0: the profile's slope there is -(cl-cr)/(2 sqrt(pi D t)).
    t, D, cl, cr = 50.0, 2e-12, 0.8, 0.3
    h = 1e-9  # central difference error ~ h^2 c'''/6 relative ~ (h / sqrt(Dt))^2 = 1e-4
    c = fick.interdiffusion_profile(np.array([-h, 0.0, h]), t, D, cl, cr)
    J_grid = fick.flux(c, h, D)[1]
    assert J_grid == pytest.approx(fick.interface_flux(t, D, cl, cr), rel=1e-4, abs=0)


def test_interface_flux_falls_as_inverse_sqrt_time():
    J = fick.interface_flux(np.array([1.0, 4.0, 16.0]), 1e-12, 1.0, 0.0)
    np.testing.assert_allclose(J[1:] / J[:-1], 0.5, rtol=1e-14)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: fick.flux([1.0, 2.0], 0.1, -1.0), "D"),
        (lambda: fick.flux([1.0, 2.0], 0.0, 1.0), "dx"),
        (lambda: fick.flux([1.0], 0.1, 1.0), "c"),
        (lambda: fick.flux([[1.0, 2.0]], 0.1, 1.0), "c"),
        (lambda: fick.flux([1.0, np.nan], 0.1, 1.0), "c"),
        (lambda: fick.flux([1.0, 2.0, 3.0], 0.1, [1.0, 2.0]), "D"),
        (lambda: fick.steady_flux(-1e-9, 1.0, 0.0, 1e-3), "D"),
        (lambda: fick.steady_flux(1e-9, 1.0, 0.0, 0.0), "thickness"),
        (lambda: fick.steady_flux(1e-9, -1.0, 0.0, 1e-3), "c_high"),
        (lambda: fick.steady_flux(1e-9, 1.0, -1.0, 1e-3), "c_low"),
        (lambda: fick.arrhenius(0.0, 1e5, 300.0), "D0"),
        (lambda: fick.arrhenius(1e-5, -1e5, 300.0), "Q"),
        (lambda: fick.arrhenius(1e-5, 1e5, 0.0), "T"),
        (lambda: fick.interdiffusion_profile(0.0, 0.0, 1e-12, 1.0, 0.0), "t"),
        (lambda: fick.interdiffusion_profile(0.0, 1.0, -1e-12, 1.0, 0.0), "D"),
        (lambda: fick.interdiffusion_profile(0.0, 1.0, 1e-12, -1.0, 0.0), "c_left"),
        (lambda: fick.interdiffusion_profile(0.0, 1.0, 1e-12, 1.0, -1.0), "c_right"),
        (lambda: fick.interdiffusion_profile(np.inf, 1.0, 1e-12, 1.0, 0.0), "x"),
        (lambda: fick.interface_flux(-1.0, 1e-12, 1.0, 0.0), "t"),
        (lambda: fick.interface_flux(1.0, 0.0, 1.0, 0.0), "D"),
        (lambda: fick.interface_flux(1.0, 1e-12, -1.0, 0.0), "c_left"),
        (lambda: fick.interface_flux(1.0, 1e-12, 1.0, -1.0), "c_right"),
    ],
)
def test_bad_input_raises_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must"):
        call()


@pytest.mark.parametrize("dx", [np.ones(4), [1e-3, 1e-3, 1e-3, 1e-3]])
def test_flux_dx_is_one_number(dx):
    # np.gradient would read an array dx as grid coordinates and return a different flux without a word
    with pytest.raises(ValueError, match=r"^dx must be a single number \(a grid spacing in m\), not an array"):
        fick.flux([1.0, 2.0, 4.0, 3.0], dx, 1e-9)


@pytest.mark.parametrize("bad", ["1e-9", True, 1e-9 + 0j, None, {"D": 1e-9}], ids=repr)
def test_strings_bools_and_complex_are_not_numbers(bad):
    with pytest.raises(TypeError, match=r"^D must be"):
        fick.steady_flux(bad, 10.0, 1.0, 1e-4)


def test_overflowing_flux_names_the_input():
    # thickness = 5e-324 made J = inf silently
    with pytest.raises(ValueError, match=r"^thickness is too extreme for float64.*thickness=5e-324"):
        fick.steady_flux(1e-9, 10.0, 1.0, 5e-324)
