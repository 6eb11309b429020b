"""flowkit.flux against values worked by hand and the rules of special relativity."""

import re

import numpy as np
import pytest
from scipy.constants import c, e

from flowkit import flux as fx

# ---------------------------------------------------------------- beams


def test_alpha_beam_rate():
    # 1 nA of alpha particles (charge 2e = 3.204353268e-19 C):
    # 1e-9 / 3.204353268e-19 = 3.1208e9 particles per second (rtol 1e-4 on the rounded hand value).
    assert fx.beam_rate(1e-9, 2 * e) == pytest.approx(3.1208e9, rel=1e-4)


def test_electron_beam_rate_ignores_sign_of_charge():
    # 1 A of electrons is 1 / 1.602176634e-19 = 6.2415e18 electrons per second.
    assert fx.beam_rate(1.0, -e) == pytest.approx(6.2415e18, rel=1e-4)


def test_proton_beam_flux():
    # 1 uA of protons over 1 mm^2: 6.2415e12 /s spread over 1e-6 m^2 = 6.2415e18 /(m^2 s).
    assert fx.beam_flux(1e-6, e, 1e-6) == pytest.approx(6.2415e18, rel=1e-4)


def test_beam_flux_vectorised_over_area():
    areas = np.array([1e-6, 2e-6, 4e-6])
    out = fx.beam_flux(1e-6, e, areas)
    # Halving the density of the same beam each time the area doubles.
    assert out.shape == (3,)
    np.testing.assert_allclose(out[1:] / out[:-1], 0.5, rtol=1e-15)


# ---------------------------------------------------------------- four-flux


def test_lorentz_factor_three_five():
    # v = 0.6 c: gamma = 1 / sqrt(1 - 0.36) = 1 / 0.8 = 1.25 (exact up to round-off).
    assert fx.lorentz_factor(0.6 * c) == pytest.approx(1.25, rel=1e-14)
    assert fx.lorentz_factor([0.0, 0.6 * c, 0.0]) == pytest.approx(1.25, rel=1e-14)
    assert fx.lorentz_factor(0.0) == 1.0


def test_number_four_flux_of_moving_dust():
    # n0 = 1e6 /m^3 moving at 0.6 c along y: n = 1.25e6, j_y = 1.25e6 * 0.6 c = 0.75e6 c.
    n0 = 1e6
    N = fx.number_four_flux(n0, [0.0, 0.6 * c, 0.0])
    expected = np.array([1.25e6 * c, 0.0, 0.75e6 * c, 0.0])
    np.testing.assert_allclose(N, expected, rtol=1e-14, atol=1e-14 * c * n0)


def test_observer_moving_through_dust_at_rest():
    # The observer flies at u = 0.6 c along x through dust at rest: she sees density
    # gamma n0 = 1.25 n0 and a flux -gamma n0 u = -1.25 * 0.6 c n0 = -0.75 c n0 along x.
    n0 = 3.0e8
    seen = fx.boost(fx.number_four_flux(n0, 0.0), 0.6 * c)
    np.testing.assert_allclose(seen[0] / c, 1.25 * n0, rtol=1e-14)
    np.testing.assert_allclose(seen[1], -0.75 * c * n0, rtol=1e-14)
    np.testing.assert_allclose(seen[2:], 0.0, atol=1e-14 * c * n0)


def test_boost_of_rest_cloud_equals_cloud_moving_backwards_any_direction():
    u = np.array([0.3, -0.4, 0.5]) * c
    at_rest = fx.number_four_flux(2.0, np.zeros(3))
    np.testing.assert_allclose(fx.boost(at_rest, u), fx.number_four_flux(2.0, -u), rtol=1e-13, atol=1e-13 * c)


def test_boost_at_zero_velocity_is_identity():
    N = np.array([5.0 * c, 1.0e8, -2.0e8, 3.0e8])
    np.testing.assert_array_equal(fx.boost(N, np.zeros(3)), N)


def test_rest_density_invariant_under_random_boosts():
    rng = np.random.default_rng(20261125)
    n0 = rng.uniform(0.1, 10.0, size=200)
    # Random velocities with |v| < c: random directions, speeds uniform in [0, 0.99 c).
    direction = rng.normal(size=(200, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    v_cloud = direction * rng.uniform(0, 0.99, size=(200, 1)) * c
    direction = rng.normal(size=(200, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    v_obs = direction * rng.uniform(0, 0.99, size=(200, 1)) * c
    N = fx.number_four_flux(n0, v_cloud)
    assert N.shape == (200, 4)
    seen = fx.boost(N, v_obs)  # (200, 4) with (200, 3): one observer per cloud
    # gamma up to ~50 squared in N.N: cancellation loses about log10(gamma^4) digits of 1e-16.
    np.testing.assert_allclose(fx.rest_density(seen), n0, rtol=1e-8)
    np.testing.assert_allclose(fx.rest_density(N), n0, rtol=1e-8)


def test_collinear_boosts_compose_by_velocity_addition():
    # 0.5 c then 0.5 c along x equals one boost at (0.5 + 0.5) / (1 + 0.25) c = 0.8 c,
    # for which gamma = 5/3: a cloud at rest appears 5/3 as dense, flux -(5/3)(0.8 c) n0.
    N = fx.number_four_flux(1.0, 0.0)
    twice = fx.boost(fx.boost(N, 0.5 * c), 0.5 * c)
    once = fx.boost(N, 0.8 * c)
    np.testing.assert_allclose(twice, once, rtol=1e-14)
    np.testing.assert_allclose(once[:2], [5.0 / 3.0 * c, -4.0 / 3.0 * c], rtol=1e-14)


def test_boost_and_back_returns_the_original():
    N = fx.number_four_flux(4.0, [0.1 * c, 0.7 * c, -0.2 * c])
    u = np.array([-0.5, 0.2, 0.6]) * c
    np.testing.assert_allclose(fx.boost(fx.boost(N, u), -u), N, rtol=1e-13, atol=1e-13 * c)


def test_boost_broadcasts_one_flux_over_many_observers():
    N = fx.number_four_flux(1.0, 0.0)
    speeds = np.array([0.0, 0.6, 0.8]) * c
    v = np.stack([speeds, 0 * speeds, 0 * speeds], axis=-1)
    out = fx.boost(N, v)
    assert out.shape == (3, 4)
    # gamma = 1, 1.25, 5/3 for 0, 0.6 c, 0.8 c.
    np.testing.assert_allclose(out[:, 0] / c, [1.0, 1.25, 5.0 / 3.0], rtol=1e-14)


def test_light_like_flux_has_zero_rest_density():
    assert fx.rest_density([c, c, 0.0, 0.0]) == 0.0


# ---------------------------------------------------------------- effusion


def test_mean_speed_of_nitrogen_at_room_temperature():
    # N2: m = 28.0134 u = 4.6517e-26 kg. 8 k T / (pi m) = 8 * 1.380649e-23 * 300 / (pi * 4.6517e-26)
    # = 3.3136e-20 / 1.4614e-25 = 2.2674e5 m^2/s^2, so <v> = 476.2 m/s (rtol 1e-3 on the rounding).
    from scipy.constants import atomic_mass

    assert fx.mean_speed(28.0134 * atomic_mass, 300.0) == pytest.approx(476.2, rel=1e-3)


def test_mean_speed_scales_as_sqrt_T_over_m():
    base = fx.mean_speed(1e-26, 100.0)
    assert fx.mean_speed(1e-26, 400.0) == pytest.approx(2 * base, rel=1e-14)
    assert fx.mean_speed(4e-26, 100.0) == pytest.approx(base / 2, rel=1e-14)


def test_effusion_flux_of_air_like_gas():
    # n = 2.4463e25 /m^3 (1 atm, 300 K) and <v> = 476.2 m/s: n <v> / 4 = 2.9123e27 /(m^2 s).
    assert fx.effusion_flux(2.4463e25, 476.2) == pytest.approx(2.9123e27, rel=1e-4)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: fx.beam_rate(1e-9, 0.0), "charge"),
        (lambda: fx.beam_rate(-1e-9, e), "current"),
        (lambda: fx.beam_rate(np.nan, e), "current"),
        (lambda: fx.beam_flux(1e-9, e, 0.0), "area"),
        (lambda: fx.beam_flux(1e-9, e, -1e-6), "area"),
        (lambda: fx.beam_flux(1e-9, 0.0, 1e-6), "charge"),
        (lambda: fx.lorentz_factor(c), "velocity"),
        (lambda: fx.lorentz_factor([0.0, 0.0, -1.5 * c]), "velocity"),
        (lambda: fx.number_four_flux(1.0, c), "velocity"),
        (lambda: fx.number_four_flux(1.0, [0.8 * c, 0.8 * c, 0.0]), "velocity"),
        (lambda: fx.number_four_flux(1.0, [1.0, 2.0]), "velocity"),
        (lambda: fx.number_four_flux(-1.0, 0.0), "n0"),
        (lambda: fx.boost([c, 0, 0, 0], 2 * c), "velocity"),
        (lambda: fx.boost([c, 0, 0], 0.1 * c), "four_flux"),
        (lambda: fx.rest_density([c, 2 * c, 0, 0]), "four_flux"),
        (lambda: fx.rest_density([0.0, 1.0, 0, 0]), "four_flux"),
        (lambda: fx.rest_density([-c, 0, 0, 0]), "four_flux"),
        (lambda: fx.rest_density(1.0), "four_flux"),
        (lambda: fx.mean_speed(0.0, 300.0), "mass"),
        (lambda: fx.mean_speed(1e-26, 0.0), "T"),
        (lambda: fx.mean_speed(1e-26, -5.0), "T"),
        (lambda: fx.effusion_flux(-1.0, 400.0), "n"),
        (lambda: fx.effusion_flux(1.0, -400.0), "mean_speed"),
    ],
)
def test_bad_input_raises_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must"):
        call()


def test_faster_than_light_message_shows_the_speed():
    with pytest.raises(ValueError, match=r"velocity must have \|v\| < c") as err:
        fx.number_four_flux(1.0, 1.2 * c)
    assert repr(1.2 * c) in str(err.value)


def test_number_four_flux_overflow_is_a_value_error():
    # gamma c n0 with n0 = 1e308 overflows float64; it must raise, not return inf/nan
    from flowkit import flux as fx

    with pytest.raises(ValueError, match="n0"):
        fx.number_four_flux(1e308, [2.9e8, 0.0, 0.0])
