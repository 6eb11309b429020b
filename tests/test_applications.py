"""Tests for flowkit.applications: solar wind, coffee ring, nodal flow."""

import numpy as np
import pytest
from scipy.constants import k
from scipy.integrate import quad, solve_ivp

from flowkit import applications as ap

# ---------------------------------------------------------------- solar wind


def test_solar_wind_pressure_by_hand():
    # 5 cm^-3 = 5e6 m^-3, 400 km/s: 5e6 * 1.67262e-27 * (4e5)^2 = 8.3631e-21 * 1.6e11 = 1.338e-9 Pa
    assert ap.solar_wind_pressure(5e6, 4e5) == pytest.approx(1.338e-9, rel=1e-3)
    # alpha particles (4x the mass) at the same n, v carry 4x the momentum flux
    assert ap.solar_wind_pressure(5e6, 4e5, mass=4 * 1.67262e-27) == pytest.approx(4 * 1.338e-9, rel=1e-3)
    v = np.array([3e5, 6e5])
    assert ap.solar_wind_pressure(5e6, v) == pytest.approx(1.338e-9 * (v / 4e5) ** 2, rel=1e-3)


def test_magnetopause_standoff_by_hand():
    # (2 B0)^2 / (2 mu0) = (6.24e-5)^2 / 2.51327e-6 = 3.8938e-9 / 2.51327e-6 = 1.5493e-3 Pa
    # ratio to 1.338e-9 Pa: 1.1579e6; sixth root: exp(ln(1.1579e6)/6) = exp(13.962/6) = 10.25
    r = ap.magnetopause_standoff(5e6, 4e5)
    assert r == pytest.approx(10.25, rel=2e-3)
    # pressure balance the other way round: the compressed dipole field at r balances the wind
    import scipy.constants as c

    B_r = 2 * 3.12e-5 / r**3
    assert B_r**2 / (2 * c.mu_0) == pytest.approx(ap.solar_wind_pressure(5e6, 4e5), rel=1e-12)
    # a storm (pressure x 64) pushes it in by exactly a factor 2
    assert ap.magnetopause_standoff(5e6 * 16, 4e5 * 2) == pytest.approx(r / 2, rel=1e-12)


# ---------------------------------------------------------------- coffee ring


def test_coffee_ring_flux_by_hand():
    # r/R = 0.6: (1 - 0.36)^(-1/2) = 1/0.8 = 1.25; r = 0: 1; r/R = 0.99: 1/sqrt(0.0199) = 7.089
    assert ap.coffee_ring_flux([0.0, 0.6e-3, 0.99e-3], 1e-3) == pytest.approx([1.0, 1.25, 7.0888], rel=1e-4)


def test_coffee_ring_deposit_by_hand():
    # t = t_f/2: 0.5^0.75 = 0.59460, 1 - 0.59460 = 0.40540, 0.40540^(4/3) = 0.30004
    assert ap.coffee_ring_deposit(30.0, 60.0) == pytest.approx(0.30004, rel=1e-4)
    assert ap.coffee_ring_deposit(0.0, 60.0) == 0.0
    assert ap.coffee_ring_deposit(60.0, 60.0) == 1.0
    # early times: (3 t / (4 t_f))^(4/3) (first term of the binomial expansion), rel. error ~ t/t_f
    t = np.array([1e-4, 1e-3])
    assert ap.coffee_ring_deposit(t, 1.0) == pytest.approx((0.75 * t) ** (4 / 3), rel=2e-3)
    assert np.all(np.diff(ap.coffee_ring_deposit(np.linspace(0, 1, 101), 1.0)) > 0)


def test_coffee_ring_velocity_conserves_liquid():
    # Depth-averaged mass balance of the thin film, with h = theta (R^2 - r^2)/(2R), theta =
    # theta0 (1 - t/t_f), evaporation J/rho = (R theta0 / (8 t_f)) (1 - r^2/R^2)^(-1/2)
    # (normalised so the total loss empties the cap volume pi R^3 theta0 / 4 in t_f):
    #   r h v = -int_0^r r' (J/rho + dh/dt) dr'   (computed here by independent quadrature)
    R, t_f, theta0, t = 1e-3, 600.0, 0.05, 200.0
    theta = theta0 * (1 - t / t_f)
    j0 = R * theta0 / (8 * t_f)
    # check the normalisation: total evaporation rate 2 pi j0 R^2 equals -dV/dt = pi R^3 theta0/(4 t_f)
    assert 2 * np.pi * j0 * R**2 == pytest.approx(np.pi * R**3 * theta0 / (4 * t_f), rel=1e-14)
    for r in (1e-5, 0.3e-3, 0.7e-3, 0.99e-3):
        h = theta * (R**2 - r**2) / (2 * R)
        sink = quad(
            lambda s: s * (j0 * ap.coffee_ring_flux(s, R) - theta0 / t_f * (R**2 - s**2) / (2 * R)),
            0,
            r,
            epsabs=0,
            epsrel=1e-12,
        )[0]
        assert r * h * ap.coffee_ring_velocity(r, R, t, t_f) == pytest.approx(-sink, rel=1e-9)


def test_coffee_ring_velocity_limits():
    R, t_f = 1e-3, 600.0
    assert ap.coffee_ring_velocity(0.0, R, 0.0, t_f) == 0.0
    # near the centre v ~ (3/8) r / (t_f - t) (expand (1-s)^(-1/2) - (1-s) = 3s/2 + O(s^2))
    r = np.array([1e-9, 1e-7])
    assert ap.coffee_ring_velocity(r, R, 0.0, t_f) == pytest.approx(3 / 8 * r / t_f, rel=1e-6)
    # r/R = 0.6: [1.25 - 0.64] / 0.6 = 1.016667; R/(4 t_f) = 4.1667e-7 -> 4.236e-7 m/s
    assert ap.coffee_ring_velocity(0.6e-3, R, 0.0, t_f) == pytest.approx(4.2361e-7, rel=1e-4)
    # speeds up as 1/(t_f - t)
    assert ap.coffee_ring_velocity(0.6e-3, R, 300.0, t_f) == pytest.approx(2 * 4.2361e-7, rel=1e-4)


def test_deposit_law_follows_from_the_velocity_field():
    # Independent check of both functions: the parcel that reaches the rim at time t started at
    # r0 with (1 - r0^2/R^2)^2 = deposit(t) (solute outside r0; per unit area it is ~ h0 ~ 1 - r^2/R^2).
    # Integrate dr/dt = v(r, t) from r0 and check that it arrives at t (to the ODE tolerance).
    R, t_f = 1.0, 1.0
    for t_arrive in (0.2, 0.5, 0.8):
        frac = ap.coffee_ring_deposit(t_arrive, t_f)
        r0 = R * np.sqrt(1 - np.sqrt(frac))

        def hit(t, y):
            return y[0] - R * (1 - 1e-9)

        hit.terminal = True
        sol = solve_ivp(
            lambda t, y: [ap.coffee_ring_velocity(min(y[0], R * (1 - 1e-12)), R, t, t_f)],
            (0.0, 0.999 * t_f),
            [r0],
            events=hit,
            rtol=1e-10,
            atol=1e-13,
            method="LSODA",
        )
        # arrival at 1 - 1e-9 of R comes (1e-9)^(3/2)-ish earlier than at R: negligible
        assert sol.t_events[0][0] == pytest.approx(t_arrive, rel=1e-5)


# ---------------------------------------------------------------- nodal flow


def test_nodal_peclet_by_hand():
    # U = 10 um/s, L = 50 um, D = 1e-10 m^2/s: 1e-5 * 5e-5 / 1e-10 = 5  (advection wins, mildly)
    assert ap.nodal_peclet(10e-6, 50e-6, 1e-10) == pytest.approx(5.0, rel=1e-12)
    # slow flow and small protein: 5e-6 * 5e-5 / 1e-10 = 2.5; fast flow, big carrier: 20e-6*5e-5/1e-11 = 100
    assert ap.nodal_peclet([5e-6, 20e-6], 50e-6, [1e-10, 1e-11]) == pytest.approx([2.5, 100.0], rel=1e-12)


def test_stokes_einstein_by_hand_and_vesicle_peclet():
    # a = 0.5 um sphere at 310 K in water-like medium (1e-3 Pa s):
    # D = 1.380649e-23 * 310 / (6 pi * 1e-3 * 5e-7) = 4.2800e-21 / 9.4248e-9 = 4.541e-13 m^2/s
    D = ap.stokes_einstein(0.5e-6)
    assert D == pytest.approx(4.541e-13, rel=1e-3)
    assert D == pytest.approx(k * 310 / (6 * np.pi * 1e-3 * 0.5e-6), rel=1e-12)
    # such a parcel in a 10 um/s flow across 50 um: Pe = 1e-5 * 5e-5 / 4.541e-13 = 1101
    assert ap.nodal_peclet(10e-6, 50e-6, D) == pytest.approx(1101.0, rel=1e-3)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ap.solar_wind_pressure(-1.0, 4e5), "n"),
        (lambda: ap.solar_wind_pressure(5e6, -4e5), "v"),
        (lambda: ap.solar_wind_pressure(5e6, 4e5, mass=0.0), "mass"),
        (lambda: ap.magnetopause_standoff(0.0, 4e5), "n"),
        (lambda: ap.magnetopause_standoff(5e6, 0.0), "v"),
        (lambda: ap.magnetopause_standoff(5e6, 4e5, B0=-1.0), "B0"),
        (lambda: ap.coffee_ring_flux(1e-3, 1e-3), "r"),
        (lambda: ap.coffee_ring_flux(-1e-4, 1e-3), "r"),
        (lambda: ap.coffee_ring_flux(1e-4, 0.0), "R"),
        (lambda: ap.coffee_ring_deposit(61.0, 60.0), "t"),
        (lambda: ap.coffee_ring_deposit(-1.0, 60.0), "t"),
        (lambda: ap.coffee_ring_deposit(1.0, 0.0), "t_f"),
        (lambda: ap.coffee_ring_velocity(0.5, 1.0, 1.0, 1.0), "t"),
        (lambda: ap.coffee_ring_velocity(1.0, 1.0, 0.0, 1.0), "r"),
        (lambda: ap.coffee_ring_velocity(0.5, 1.0, 0.0, -1.0), "t_f"),
        (lambda: ap.nodal_peclet(-1e-5, 5e-5, 1e-10), "U"),
        (lambda: ap.nodal_peclet(1e-5, 0.0, 1e-10), "L"),
        (lambda: ap.nodal_peclet(1e-5, 5e-5, 0.0), "D"),
        (lambda: ap.stokes_einstein(0.0), "radius"),
        (lambda: ap.stokes_einstein(1e-6, T=0.0), "T"),
        (lambda: ap.stokes_einstein(1e-6, eta=-1.0), "eta"),
    ],
)
def test_rejects_bad_input(call, name):
    with pytest.raises(ValueError, match=rf"\b{name} must"):
        call()


# --- nodal_profile: steady advection-diffusion across the node -------------------------------


def test_nodal_profile_hand_values_at_pe_one():
    # Pe = U L / D = 1e-6 * 1e-5 / 1e-11 = 1. By hand: c(0)/<c> = 1/(1 - e^-1) = 1.5819767,
    # c(L)/<c> = e^-1/(1 - e^-1) = 0.5819767 (rtol 1e-7).
    from flowkit.applications import nodal_profile

    assert nodal_profile(0.0, 1e-6, 1e-5, 1e-11) == pytest.approx(1.5819767, rel=1e-7)
    assert nodal_profile(1e-5, 1e-6, 1e-5, 1e-11) == pytest.approx(0.5819767, rel=1e-7)


def test_nodal_profile_has_unit_mean_and_zero_net_flux():
    from flowkit.applications import nodal_profile

    U, L, D = 10e-6, 50e-6, 1e-10  # Pe = 5
    x = np.linspace(0.0, L, 20001)
    c = nodal_profile(x, U, L, D)
    # mean over the box is 1 (trapezoid error ~ (dx)^2 Pe^2 / 12 ~ 1e-8)
    assert np.trapezoid(c, x) / L == pytest.approx(1.0, rel=1e-7)
    # total flux -U c - D dc/dx vanishes (central differences, error ~ dx^2 Pe^3 / (6 L^2) ~ 5e-8 relative)
    total_flux = -U * c - D * np.gradient(c, x)
    assert np.max(np.abs(total_flux[1:-1])) < 1e-6 * U * c.max()
    # left-to-right ratio is exp(Pe)
    assert c[0] / c[-1] == pytest.approx(np.exp(5.0), rel=1e-12)


def test_nodal_profile_uniform_without_flow_and_small_pe_limit():
    from flowkit.applications import nodal_profile

    x = np.linspace(0.0, 1.0, 5)
    np.testing.assert_array_equal(nodal_profile(x, 0.0, 1.0, 1.0), np.ones(5))
    # first order in Pe: c/<c> = 1 + Pe (1/2 - x/L) + O(Pe^2)
    pe = 1e-6
    np.testing.assert_allclose(nodal_profile(x, pe, 1.0, 1.0), 1 + pe * (0.5 - x), rtol=0, atol=1e-12)


def test_nodal_profile_rejects_positions_outside_the_node():
    from flowkit.applications import nodal_profile

    with pytest.raises(ValueError, match="x must lie in"):
        nodal_profile(2.0, 1e-6, 1.0, 1e-9)
    with pytest.raises(ValueError, match="x must be >= 0"):
        nodal_profile(-0.1, 1e-6, 1.0, 1e-9)
    with pytest.raises(ValueError, match="D must be > 0"):
        nodal_profile(0.1, 1e-6, 1.0, 0.0)


# --- drop evaporation and drying time (coffee ring, thin-drop limit) ---------------------------


def test_drop_evaporation_rate_by_hand():
    # 4 D_v c_sat (1 - H) R with R = 1 mm, D_v = 2.5e-5 m^2/s, c_sat = 0.02 kg/m^3, H = 0.5:
    # 4 * 2.5e-5 = 1e-4; * 0.02 = 2e-6; * 0.5 = 1e-6; * 1e-3 m = 1e-9 kg/s (rtol 1e-12)
    assert ap.drop_evaporation_rate(1e-3, 2.5e-5, 0.02, 0.5) == pytest.approx(1e-9, rel=1e-12)
    # dry air doubles it (1 - H = 1 instead of 0.5); saturated air stops it
    assert ap.drop_evaporation_rate(1e-3, 2.5e-5, 0.02, 0.0) == pytest.approx(2e-9, rel=1e-12)
    assert ap.drop_evaporation_rate(1e-3, 2.5e-5, 0.02, 1.0) == 0.0
    # linear in R (not R^2): radii 1, 2, 4 mm give 1, 2, 4 ng/s
    R = np.array([1e-3, 2e-3, 4e-3])
    np.testing.assert_allclose(ap.drop_evaporation_rate(R, 2.5e-5, 0.02, 0.5), [1e-9, 2e-9, 4e-9], rtol=1e-12)


def test_drop_evaporation_rate_integrates_the_disc_flux_profile():
    # Independent route: a conducting disc of radius R held at potential V carries surface charge
    # 2 eps0 V / (pi sqrt(R^2 - r^2)) on each face (total 8 eps0 V R). For the vapour, c - c_far
    # plays V, so the upper face loses J(r) = (2 D_v dc / (pi R)) (1 - r^2/R^2)^(-1/2), which is
    # J(0) times coffee_ring_flux. Integrating J over the footprint numerically (QUADPACK handles
    # the integrable 1/sqrt end point to ~1e-10) must give the closed form (rtol 1e-8).
    R, D_v, c_sat, H = 2.5e-3, 2.4e-5, 0.023, 0.3
    J0 = 2.0 * D_v * c_sat * (1.0 - H) / (np.pi * R)
    total, err = quad(
        lambda r: 2.0 * np.pi * r * J0 * ap.coffee_ring_flux(r, R), 0.0, R, epsabs=0.0, epsrel=1e-11, limit=200
    )
    assert err < 1e-9 * total
    assert ap.drop_evaporation_rate(R, D_v, c_sat, H) == pytest.approx(total, rel=1e-8)


def test_drop_drying_time_by_hand():
    # thin cap volume pi R^3 theta / 4 with R = 1 mm, theta = 0.4: pi * 1e-9 * 0.1 = pi * 1e-10 m^3;
    # at 1000 kg/m^3 the mass is pi * 1e-7 kg. Rate 1e-9 kg/s (test above): t_f = 100 pi = 314.159 s.
    t_f = ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 0.5, density=1000.0)
    assert t_f == pytest.approx(100 * np.pi, rel=1e-12)
    # default density 997 kg/m^3 (water at 25 C): 0.997 times that
    assert ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 0.5) == pytest.approx(99.7 * np.pi, rel=1e-12)
    # t_f ~ R^2: a drop 10 times narrower dries 100 times sooner
    assert ap.drop_drying_time(1e-4, 0.4, 2.5e-5, 0.02, 0.5, density=1000.0) == pytest.approx(np.pi, rel=1e-12)
    # the drying time is mass / rate for the notebook's drop (R = 1 mm, 0.35 rad, 50 % humidity)
    c_sat = 3.17e3 * 0.018015 / (8.314462618 * 298.15)  # ideal-gas water vapour, about 0.0230 kg/m^3
    rate = ap.drop_evaporation_rate(1e-3, 2.5e-5, c_sat, 0.5)
    assert ap.drop_drying_time(1e-3, 0.35, 2.5e-5, c_sat, 0.5) == pytest.approx(
        997.0 * np.pi * 1e-9 * 0.35 / 4 / rate, rel=1e-12
    )


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ap.drop_evaporation_rate(0.0, 2.5e-5, 0.02, 0.5), "R"),
        (lambda: ap.drop_evaporation_rate(1e-3, -2.5e-5, 0.02, 0.5), "D_v"),
        (lambda: ap.drop_evaporation_rate(1e-3, 2.5e-5, -0.02, 0.5), "c_sat"),
        (lambda: ap.drop_evaporation_rate(1e-3, 2.5e-5, 0.02, 1.2), "humidity"),
        (lambda: ap.drop_evaporation_rate(1e-3, 2.5e-5, 0.02, -0.1), "humidity"),
        (lambda: ap.drop_drying_time(-1e-3, 0.4, 2.5e-5, 0.02, 0.5), "R"),
        (lambda: ap.drop_drying_time(1e-3, 0.0, 2.5e-5, 0.02, 0.5), "theta"),
        (lambda: ap.drop_drying_time(1e-3, 2.0, 2.5e-5, 0.02, 0.5), "theta"),
        (lambda: ap.drop_drying_time(1e-3, 0.4, 0.0, 0.02, 0.5), "D_v"),
        (lambda: ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.0, 0.5), "c_sat"),
        (lambda: ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 1.0), "humidity"),
        (lambda: ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 1.5), "humidity"),
        (lambda: ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 0.5, density=0.0), "density"),
    ],
)
def test_drop_helpers_reject_bad_input(call, name):
    with pytest.raises(ValueError, match=rf"\b{name} must"):
        call()


def test_drop_drying_time_message_for_saturated_air_and_steep_drop():
    with pytest.raises(ValueError, match=r"humidity must lie in \[0, 1\) for the drop to dry.*got 1\.0"):
        ap.drop_drying_time(1e-3, 0.4, 2.5e-5, 0.02, 1.0)
    with pytest.raises(ValueError, match=r"theta must lie in \(0, pi/2\].*got 2\.0"):
        ap.drop_drying_time(1e-3, 2.0, 2.5e-5, 0.02, 0.5)


# ---------------------------------------------------------------- bad and extreme inputs (issue 18)


@pytest.mark.parametrize(
    "args, error, fragment",
    [
        # L was used in `x > L` before it was validated: a UFuncTypeError
        ((np.linspace(0, 1e-5, 3), 1e-5, "1.0", 1e-11), TypeError, r"^L must be a real number \(a width of the node"),
        ((np.linspace(0, 1e-5, 3), True, 1e-5, 1e-11), TypeError, r"^U must be a real number"),
        ((np.linspace(0, 1e-5, 3), np.ones(3), 1e-5, 1e-11), ValueError, r"^U must be a single number"),
        # D = 5e-324 gave an all-NaN profile: Pe = U L / D overflows
        ((np.linspace(0, 1e-5, 3), 1e-6, 1e-5, 5e-324), ValueError, r"^D is too extreme for float64.*got D=5e-324"),
    ],
)
def test_nodal_profile_validates_every_input_before_use(args, error, fragment):
    with pytest.raises(error, match=fragment):
        ap.nodal_profile(*args)


def test_shapes_that_do_not_broadcast_are_named():
    with pytest.raises(ValueError, match=r"^r and R must have shapes that broadcast together.*r \(2,\), R \(3,\)"):
        ap.coffee_ring_flux(np.array([0.0, 5e-4]), np.full(3, 1e-3))
