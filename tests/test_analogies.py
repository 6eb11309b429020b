"""Tests for flowkit.analogies: viscosity as momentum flux, Couette start-up, Fermi effusion."""

import numpy as np
import pytest
from scipy.constants import hbar, k, m_e, m_u
from scipy.integrate import quad
from scipy.special import expit, gamma

from flowkit import analogies as an

M_N2 = 28.0134 * m_u  # kg

# ---------------------------------------------------------------- viscosity


def test_hard_sphere_viscosity_of_nitrogen():
    # d = 3.681e-10 m: the collision diameter of N2 fitted to viscosity data, tabulated in
    # Hirschfelder, Curtiss & Bird, "Molecular Theory of Gases and Liquids" (Wiley, 1954)
    # (the Lennard-Jones sigma; used here as a hard-sphere diameter).
    # Hand: pi m k T = pi * 4.6518e-26 * 1.380649e-23 * 300 = 6.0529e-46 -> sqrt = 2.4603e-23
    #       (5/16) * 2.4603e-23 = 7.6884e-24;  pi d^2 = pi * (3.681e-10)^2 = 4.2568e-19
    #       eta = 1.806e-5 Pa s.
    eta = an.hard_sphere_viscosity(M_N2, 300.0, 3.681e-10)
    assert eta == pytest.approx(1.806e-5, rel=2e-3)
    # Measured N2 at 300 K and 1 bar: 1.79e-5 Pa s. The hard-sphere model ignores the
    # attractive well (eps/k ~ 90 K, comparable to T/3), so agreement is only a few per cent:
    # here 0.9 %; we assert 3 %.
    assert eta == pytest.approx(1.79e-5, rel=0.03)
    # Density independence is built in; sqrt(T) scaling is the hard-sphere signature.
    assert an.hard_sphere_viscosity(M_N2, 1200.0, 3.681e-10) == pytest.approx(2 * eta, rel=1e-12)


def test_kinetic_estimate_vs_chapman_enskog_ratio():
    # With the hard-sphere free path, n m <v> lambda / 3 = m <v> / (3 sqrt2 pi d^2), and the
    # ratio (5/16) sqrt(pi m k T) / [m sqrt(8kT/(pi m)) / (3 sqrt2)] = 15 pi / 32 = 1.4726
    # is independent of everything (worked in the docstring of hard_sphere_viscosity).
    n, d, T = 2.45e25, 3.681e-10, 300.0
    vbar = np.sqrt(8 * k * T / (np.pi * M_N2))
    assert vbar == pytest.approx(476.2, rel=1e-3)  # hand: sqrt(8*4.1419e-21/(pi*4.6518e-26))
    lam = an.mean_free_path(n, d)
    # hand: 1/(1.41421 * 2.45e25 * 4.2568e-19) = 6.78e-8 m
    assert lam == pytest.approx(6.78e-8, rel=2e-3)
    eta_kin = an.kinetic_viscosity(n, M_N2, vbar, lam)
    assert an.hard_sphere_viscosity(M_N2, T, d) / eta_kin == pytest.approx(15 * np.pi / 32, rel=1e-12)
    # The elementary estimate is about 1.23e-5 Pa s: 30 % below the measured 1.79e-5.
    assert eta_kin == pytest.approx(1.227e-5, rel=2e-3)


# ---------------------------------------------------------------- Couette start-up


def test_semi_infinite_profile_by_hand():
    # erfc(0) = 1, erfc(1) = 0.157299, erfc(0.5) = 0.479500 (tables)
    nu, t = 1e-6, 4.0  # 2 sqrt(nu t) = 4e-3 m
    y = np.array([0.0, 2e-3, 4e-3])
    u = an.couette_startup(y, t, 0.5, nu)
    assert u == pytest.approx(0.5 * np.array([1.0, 0.479500, 0.157299]), rel=1e-5)


def test_finite_gap_limits_and_series_agreement():
    h, nu, U = 1e-2, 1e-6, 0.2
    y = np.linspace(0.0, h, 51)
    # t = 0: only the wall moves
    u0 = an.couette_startup(y, 0.0, U, nu, h=h)
    assert u0[0] == U and np.all(u0[1:] == 0.0)
    # walls: u(0) = U, u(h) = 0 at every time
    for t in (1.0, 50.0, 500.0):
        u = an.couette_startup(y, t, U, nu, h=h)
        assert u[0] == pytest.approx(U, abs=1e-14) and u[-1] == pytest.approx(0.0, abs=1e-14)
    # steady state (nu t / h^2 = 50): linear shear profile
    assert an.couette_startup(y, 5000.0, U, nu, h=h) == pytest.approx(U * (1 - y / h), abs=1e-14)
    # early times: the far wall is almost invisible and the semi-infinite erfc holds. The
    # largest correction is the first image, U erfc((2h - y)/(2 sqrt(nu t))) <= U erfc(h/(2e-3 m))
    # = 0.2 * erfc(5) = 0.2 * 1.537e-12 = 3.07e-13 at t = 1 s; bound 3.2e-13.
    semi = an.couette_startup(y, 1.0, U, nu)
    diff = an.couette_startup(y, 1.0, U, nu, h=h) - semi
    assert np.max(np.abs(diff)) <= 3.2e-13
    assert np.max(np.abs(diff)) > 1e-13  # ...and it is really there: the wall is felt


def test_couette_both_series_agree_at_the_switch():
    # The image sum and the Fourier series are two exact forms of one solution.
    y = np.linspace(0.0, 1.0, 101)
    # (the Fourier form is kept to ~10 terms, so compare only where it is used: tau >= 0.05)
    for tau in (0.05, 0.1, 0.3):
        assert an._couette_images(y, tau, 1.0) == pytest.approx(an._couette_fourier(y, tau, 1.0), abs=1e-13)


def test_couette_solution_satisfies_the_diffusion_equation():
    # du/dt = nu d2u/dy2 checked by centred differences (error O(dt^2, dy^2) ~ 1e-6 relative).
    h, nu, U = 1.0, 1.0, 1.0
    y = np.linspace(0.2, 0.8, 7)
    t, dt, dy = 0.04, 1e-5, 1e-3
    ut = (an.couette_startup(y, t + dt, U, nu, h=h) - an.couette_startup(y, t - dt, U, nu, h=h)) / (2 * dt)
    uyy = (
        an.couette_startup(y + dy, t, U, nu, h=h)
        - 2 * an.couette_startup(y, t, U, nu, h=h)
        + an.couette_startup(y - dy, t, U, nu, h=h)
    ) / dy**2
    assert ut == pytest.approx(nu * uyy, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("tau", [0.001, 0.05, 1.0])
def test_numerical_couette_matches_series(tau):
    # Crank-Nicolson is second order in dy and dt; with 201 grid points the largest error
    # measured is 3.4e-4 U (at tau = 1e-3, where the layer is only ~6 cells thick). We assert
    # 1e-3 U, and that doubling the resolution cuts the error by more than 2 (convergence).
    h, nu, U = 2e-3, 1e-6, 0.1
    t = tau * h**2 / nu
    errs = []
    for cells, steps in ((201, 200), (401, 400)):
        y, u = an.couette_startup_numerical(t, U, nu, h=h, cells=cells, steps=steps)
        assert y[0] == 0.0 and y[-1] == pytest.approx(h)
        errs.append(np.max(np.abs(u - an.couette_startup(y, t, U, nu, h=h))))
    assert errs[0] < 1e-3 * U
    assert errs[1] < errs[0] / 2


def test_numerical_couette_semi_infinite():
    y, u = an.couette_startup_numerical(2.0, 1.0, 1e-6)
    assert y[-1] == pytest.approx(10 * np.sqrt(2e-6))
    assert np.max(np.abs(u - an.couette_startup(y, 2.0, 1.0, 1e-6))) < 1e-3


# ---------------------------------------------------------------- Fermi gas

N_NA = 2.65e28  # conduction electrons of sodium, 1/m^3


def test_sodium_fermi_numbers_by_hand():
    # k_F = (3 pi^2 n)^(1/3) = (29.609 * 2.65e28)^(1/3) = (7.8463e29)^(1/3) = 9.222e9 1/m
    # v_F = hbar k_F / m_e = 1.05457e-34 * 9.222e9 / 9.10938e-31 = 1.0676e6 m/s
    # E_F = m v_F^2 / 2 = 0.5 * 9.10938e-31 * (1.0676e6)^2 = 5.191e-19 J = 3.24 eV
    # flux = (3/16) n v_F = 0.1875 * 2.65e28 * 1.0676e6 = 5.305e33 1/(m^2 s)
    assert an.fermi_wavevector(N_NA) == pytest.approx(9.222e9, rel=1e-3)
    assert an.fermi_velocity(N_NA, m_e) == pytest.approx(1.0676e6, rel=1e-3)
    assert an.fermi_energy(N_NA, m_e) == pytest.approx(5.191e-19, rel=1e-3)
    assert an.fermi_effusion_flux(N_NA, m_e) == pytest.approx(5.305e33, rel=1e-3)
    # g = 1 (spin-polarised): k_F grows by 2^(1/3)
    assert an.fermi_wavevector(N_NA, g=1) == pytest.approx(2 ** (1 / 3) * 9.222e9, rel=1e-3)


def test_fermi_effusion_flux_by_direct_integration():
    # flux = int over the half Fermi sphere of v_z, density n/((4/3) pi v_F^3) in velocity space
    vF = an.fermi_velocity(N_NA, m_e)
    rho = N_NA / (4 / 3 * np.pi * vF**3)
    radial = quad(lambda v: v**3, 0, vF)[0]
    angular = quad(lambda th: np.cos(th) * np.sin(th), 0, np.pi / 2)[0] * 2 * np.pi
    assert an.fermi_effusion_flux(N_NA, m_e) == pytest.approx(rho * radial * angular, rel=1e-12)


def _fd_reference(j, eta):
    # Independent adaptive quadrature in u = sqrt(x) (removes the x^j endpoint singularity)
    top = np.sqrt(max(eta, 0.0) + 60.0)
    pts = [np.sqrt(eta)] if eta > 0 else None
    val = quad(
        lambda u: 2 * u ** (2 * j + 1) * expit(eta - u * u), 0, top, points=pts, limit=500, epsabs=0, epsrel=1e-13
    )
    return val[0] / gamma(j + 1)


@pytest.mark.parametrize("j", [-0.5, 0.5, 1])
def test_fermi_dirac_integral_against_quad(j):
    for eta in (-20.0, -5.0, -2.01, -1.99, 0.0, 3.0, 39.9, 40.1, 80.0):
        assert an.fermi_dirac_integral(j, eta) == pytest.approx(_fd_reference(j, eta), rel=1e-10, abs=0)
    # limits: Boltzmann e^eta, degenerate eta^(j+1)/Gamma(j+2)
    # abs=0: approx's default abs=1e-12 would accept 0 for these tiny values
    assert an.fermi_dirac_integral(j, -40.0) == pytest.approx(
        np.exp(-40.0) * (1 - np.exp(-40.0) / 2 ** (j + 1)), rel=1e-15, abs=0
    )
    # deep in the Boltzmann regime: F_j(eta) = e^eta (1 - e^eta / 2^(j+1) + ...), relative error e^-200
    assert an.fermi_dirac_integral(j, -200.0) == pytest.approx(np.exp(-200.0), rel=1e-14, abs=0)
    assert an.fermi_dirac_integral(j, 1e6) == pytest.approx(1e6 ** (j + 1) / gamma(j + 2), rel=1e-10)


def test_effusion_flux_fd_cold_limit():
    # Sodium: E_F/k = 3.76e4 K. At T = 30 K, kT/E_F = 8e-4; the Sommerfeld correction to the
    # flux is of relative order (kT/E_F)^2 ~ 6e-7, so rtol 1e-5 is generous yet decisive.
    f0 = an.fermi_effusion_flux(N_NA, m_e)
    assert an.effusion_flux_fd(N_NA, m_e, 30.0) == pytest.approx(f0, rel=1e-5)
    # First Sommerfeld correction at fixed n (hand): F_1(eta) = eta^2/2 + pi^2/6 (exact for
    # eta >> 1), eta = (E_F/kT)(1 - pi^2/12 (kT/E_F)^2), so
    # flux/flux0 = 1 + (pi^2/6)(kT/E_F)^2 + O((kT/E_F)^4). At 300 K: E_F/k = 37598 K,
    # (pi^2/6) (300/37598)^2 = 1.047e-4. The next order is ~(kT/E_F)^4 ~ 4e-9, i.e. rtol 1e-3
    # on the correction itself.
    T_F = an.fermi_energy(N_NA, m_e) / k
    for T in (300.0, 1000.0):
        corr = an.effusion_flux_fd(N_NA, m_e, T) / f0 - 1
        assert corr == pytest.approx(np.pi**2 / 6 * (T / T_F) ** 2, rel=1e-3)


def test_effusion_flux_fd_hot_limit():
    # kT = 1e4 E_F: n lambda^3 / g ~ 1e-6, first quantum correction relative ~ 2^-5/2 * 1e-6 ... tiny;
    # rtol 1e-5.
    T = 3.76e8
    maxwell = N_NA * np.sqrt(8 * k * T / (np.pi * m_e)) / 4
    assert an.effusion_flux_fd(N_NA, m_e, T) == pytest.approx(maxwell, rel=1e-5)


def test_effusion_flux_fd_crossover_is_monotone_and_between_limits():
    T = np.logspace(1, 9, 300)
    f = an.effusion_flux_fd(N_NA, m_e, T)
    assert f.shape == T.shape
    assert np.all(np.diff(f) > 0)
    f0 = an.fermi_effusion_flux(N_NA, m_e)
    maxwell = N_NA * np.sqrt(8 * k * T / (np.pi * m_e)) / 4
    # Pauli blocking raises the mean speed above the classical one: flux >= both limits
    assert np.all(f >= f0 * (1 - 1e-12))
    assert np.all(f >= maxwell * (1 - 1e-9))


def test_effusion_flux_fd_at_the_crossover_by_quadrature():
    # T = E_F/k: find eta by brentq on a quad-based F_{1/2}, then flux = n sqrt(kT/(2 pi m)) F_1/F_1/2,
    # i.e. the 1D speed integrals of the docstring evaluated independently.
    from scipy.optimize import brentq

    T = an.fermi_energy(N_NA, m_e) / k
    lam3 = (2 * np.pi * hbar**2 / (m_e * k * T)) ** 1.5
    y = N_NA * lam3 / 2
    eta = brentq(lambda e: _fd_reference(0.5, e) - y, -10, 50, xtol=1e-14)
    # direct speed integrals: n = C 4 pi int v^2 f dv, flux = C pi int v^3 f dv
    vt = np.sqrt(2 * k * T / m_e)

    def f(v):
        return expit(eta - (v / vt) ** 2)

    n_int = quad(lambda v: 4 * np.pi * v**2 * f(v), 0, 20 * vt, epsabs=0, epsrel=1e-12)[0]
    j_int = quad(lambda v: np.pi * v**3 * f(v), 0, 20 * vt, epsabs=0, epsrel=1e-12)[0]
    assert an.effusion_flux_fd(N_NA, m_e, T) == pytest.approx(N_NA * j_int / n_int, rel=1e-9)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: an.kinetic_viscosity(-1.0, 1e-26, 400.0, 1e-7), "n"),
        (lambda: an.kinetic_viscosity(1e25, 0.0, 400.0, 1e-7), "mass"),
        (lambda: an.kinetic_viscosity(1e25, 1e-26, -1.0, 1e-7), "mean_speed"),
        (lambda: an.kinetic_viscosity(1e25, 1e-26, 400.0, -1e-7), "mean_free_path"),
        (lambda: an.mean_free_path(0.0, 3e-10), "n"),
        (lambda: an.mean_free_path(1e25, 0.0), "d"),
        (lambda: an.hard_sphere_viscosity(1e-26, 0.0, 3e-10), "T"),
        (lambda: an.hard_sphere_viscosity(1e-26, 300.0, -3e-10), "d"),
        (lambda: an.couette_startup(-1.0, 1.0, 1.0, 1e-6), "y"),
        (lambda: an.couette_startup(0.0, -1.0, 1.0, 1e-6), "t"),
        (lambda: an.couette_startup(0.0, 1.0, np.nan, 1e-6), "U"),
        (lambda: an.couette_startup(0.0, 1.0, 1.0, 0.0), "nu"),
        (lambda: an.couette_startup(0.0, 1.0, 1.0, 1e-6, h=0.0), "h"),
        (lambda: an.couette_startup(2.0, 1.0, 1.0, 1e-6, h=1.0), "y"),
        (lambda: an.couette_startup_numerical(-1.0, 1.0, 1e-6, h=1.0), "t"),
        (lambda: an.couette_startup_numerical(0.0, 1.0, 1e-6), "t"),
        (lambda: an.couette_startup_numerical(1.0, 1.0, 1e-6, h=1.0, cells=2), "cells"),
        (lambda: an.couette_startup_numerical(1.0, 1.0, 1e-6, h=1.0, steps=0), "steps"),
        (lambda: an.fermi_wavevector(-1.0), "n"),
        (lambda: an.fermi_wavevector(1e28, g=0), "g"),
        (lambda: an.fermi_velocity(1e28, 0.0), "mass"),
        (lambda: an.effusion_flux_fd(1e28, m_e, 0.0), "T"),
        (lambda: an.effusion_flux_fd(0.0, m_e, 300.0), "n"),
        (lambda: an.fermi_dirac_integral(1.5, 0.0), "j"),
        (lambda: an.fermi_dirac_integral(0.5, np.inf), "eta"),
    ],
)
def test_rejects_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_effusion_flux_fd_at_extreme_temperatures_uses_the_exact_limits():
    # Hot, dilute electrons: n lambda^3 / g ~ 1e-30, so the flux is the Maxwell value
    # n sqrt(8 kT/(pi m))/4 to ~1e-30 relative; by hand at n = 1 m^-3, T = 1e6 K:
    # <v> = sqrt(8 * 1.380649e-23 * 1e6 / (pi * 9.1093837e-31)) = 6.2124e6 m/s -> flux 1.5531e6.
    assert an.effusion_flux_fd(1.0, m_e, 1e6) == pytest.approx(1.5531e6, rel=1e-4)
    for n_, T_ in ((1.0, 1e6), (1e-10, 1e3), (1.0, 1e12), (1e20, 1e6)):
        maxwell = n_ * np.sqrt(8 * k * T_ / (np.pi * m_e)) / 4
        assert an.effusion_flux_fd(n_, m_e, T_) == pytest.approx(maxwell, rel=1e-9), (n_, T_)
    # Absurdly cold (kT/E_F ~ 1e-300): exactly the T = 0 value, never NaN.
    f0 = an.fermi_effusion_flux(N_NA, m_e)
    assert an.effusion_flux_fd(N_NA, m_e, 1e-300) == pytest.approx(f0, rel=1e-12)
    # The hand-off at ln y = 21 (eta ~ 1e6) is seamless: just either side agree to 1e-11.
    T_F = an.fermi_energy(N_NA, m_e) / k
    pair = an.effusion_flux_fd(N_NA, m_e, np.array([0.9e-6, 1.1e-6]) * T_F)
    np.testing.assert_allclose(pair, f0, rtol=1e-11)
    # Vectorised sweep across all three regimes keeps its shape and is finite.
    sweep = an.effusion_flux_fd(N_NA, m_e, np.logspace(-300, 12, 50).reshape(5, 10))
    assert sweep.shape == (5, 10) and np.all(np.isfinite(sweep)) and np.all(np.diff(sweep.ravel()) >= 0)


# ---------------------------------------------------------------- bad and extreme inputs (issue 18)


@pytest.mark.parametrize("name", ["t", "U", "nu", "h"])
def test_couette_startup_numerical_scalars_refuse_arrays(name):
    args = dict(t=0.1, U=0.01, nu=1e-6, h=1e-3, cells=11, steps=4)
    with pytest.raises(ValueError, match=rf"^{name} must be a single number"):
        an.couette_startup_numerical(**(args | {name: np.full(2, args[name])}))


@pytest.mark.parametrize("name, value", [("cells", 10**12), ("steps", 10**12)])
def test_couette_startup_numerical_refuses_sizes_before_allocating(name, value):
    with pytest.raises(ValueError, match=rf"^{name} = {value} would make couette_startup_numerical\(\) need about"):
        an.couette_startup_numerical(0.1, 0.01, 1e-6, 1e-3, **{name: value})


@pytest.mark.parametrize("j", [np.array([0.5]), True, "0.5", 0.5 + 0j])
def test_fermi_dirac_order_is_one_number(j):
    with pytest.raises((TypeError, ValueError), match=r"^j must be"):
        an.fermi_dirac_integral(j, 1.0)


def test_huge_spin_degeneracy_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^g must be an integer in \[1, 9007199254740992\]"):
        an.effusion_flux_fd(8.5e28, 9.1e-31, 300.0, g=10**30)
