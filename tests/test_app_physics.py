"""Physics that the slider apps used to compute themselves, now in the physics layer.

Each function is checked against a value worked by hand (stated in the comment)
or against an independent route to the same number.
"""

import numpy as np
import pytest
from scipy.constants import k as K_B

from flowkit import diffusion, fick, randomwalk, thermo


# --------------------------------------------------------------------------- thermo.max_entropy_gain
def test_max_entropy_gain_hand_value():
    # 0.7e20 and 0.3e20 atoms in V1 = 4/3 L and V2 = 2/3 L; n_f = 1e20 / 2 L, so
    # n1/n_f = 0.7 / (2/3) = 1.05 and n2/n_f = 0.3 / (1/3) = 0.9:
    # dS/k_B = 1e20 (0.7 ln 1.05 + 0.3 ln 0.9) = 1e20 (0.0341530 - 0.0316082) = 2.5448e17
    gain = thermo.max_entropy_gain(0.7e20, 0.3e20, 4e-3 / 3, 2e-3 / 3)
    assert gain / K_B == pytest.approx(2.5448e17, rel=1e-4)


def test_max_entropy_gain_equals_the_sackur_tetrode_difference():
    # the independent route: S_eq - S(0) from four Sackur-Tetrode totals (~1e21 k_B each,
    # so the difference keeps about 1e-16 * 1e21 / 1e18 = 1e-7 of its digits: rtol 1e-6)
    N1, N2, V1, V2, T, m = 3e20, 1e20, 1e-3, 3e-3, 250.0, thermo.HELIUM_MASS
    st = thermo.sackur_tetrode
    N1_eq = (N1 + N2) * V1 / (V1 + V2)
    direct = st(N1_eq, V1, T, m) + st(N1 + N2 - N1_eq, V2, T, m) - st(N1, V1, T, m) - st(N2, V2, T, m)
    assert thermo.max_entropy_gain(N1, N2, V1, V2) == pytest.approx(direct, rel=1e-6)


def test_max_entropy_gain_limits():
    # equal densities: nothing to gain (exactly, in this form)
    assert thermo.max_entropy_gain(2e20, 1e20, 2e-3, 1e-3) == pytest.approx(0.0, abs=1e-9 * K_B * 3e20)
    # all atoms in box 1 of two equal boxes: free expansion into twice the volume, N k ln 2
    assert thermo.max_entropy_gain(1e20, 0.0, 1e-3, 1e-3) == pytest.approx(1e20 * K_B * np.log(2), rel=1e-12)
    with pytest.raises(ValueError, match="V1"):
        thermo.max_entropy_gain(1e20, 1e20, 0.0, 1e-3)
    with pytest.raises(ValueError, match="N1 \\+ N2 must be positive"):
        thermo.max_entropy_gain(0.0, 0.0, 1e-3, 1e-3)


# --------------------------------------------------------------------------- diffusion.ftcs_steps
def test_ftcs_steps_hand_values():
    # dx = 0.2 mm, D = 2e-6 m^2/s: dt_max = dx^2 / (2 D) = 4e-8 / 4e-6 = 0.01 s
    assert diffusion.ftcs_steps(5.0, 2e-6, 2e-4) == (500, pytest.approx(0.01, rel=1e-12))
    steps, dt = diffusion.ftcs_steps(5.001, 2e-6, 2e-4)  # one step more, each a little shorter
    assert steps == 501 and dt <= 0.01 and steps * dt == pytest.approx(5.001, rel=1e-15)
    # in 2D the limit halves: 1000 steps of 0.005 s
    assert diffusion.ftcs_steps(5.0, 2e-6, 2e-4, dim=2)[0] == 1000
    assert diffusion.ftcs_steps(1e-9, 2e-6, 2e-4) == (1, pytest.approx(1e-9))  # at least one step
    assert diffusion.ftcs_steps(3.0, 0.0, 2e-4) == (1, 3.0)  # nothing moves: one step will do


def test_ftcs_steps_run_matches_the_exact_solution():
    # the step choice is stable: a Gaussian of age t0 run on for t agrees with the Gaussian of
    # age t0 + t (a smooth start: at r = 1/2 a single-cell spike would split into a checkerboard)
    dx, D, t0, t = 1e-4, 1e-6, 1.0, 2.0
    steps, dt = diffusion.ftcs_steps(t, D, dx)
    assert D * dt / dx**2 <= 0.5
    x = (np.arange(801) - 400) * dx
    c = diffusion.ftcs(diffusion.gaussian(x, t0, D), D, dx, dt, steps, bc="noflux")
    np.testing.assert_allclose(c, diffusion.gaussian(x, t0 + t, D), atol=0.01 * c.max())


def test_ftcs_steps_rejects_bad_time():
    with pytest.raises(ValueError, match="t must be"):
        diffusion.ftcs_steps(0.0, 1e-6, 1e-4)


# --------------------------------------------------------------------------- fick.StepLadder
def test_step_ladder_keeps_states_and_advances_at_most_one_interval():
    calls = []

    def advance(state, n):
        calls.append(n)
        return state + n

    ladder = fick.StepLadder(0, every=100)
    assert ladder.at(250, advance) == 250 and calls == [100, 100, 50]
    assert sorted(ladder.states) == [0, 100, 200]
    calls.clear()
    assert ladder.at(120, advance) == 120 and calls == [20]  # from the kept state at 100
    calls.clear()
    assert ladder.at(200, advance) == 200 and calls == []  # a kept state: no work
    with pytest.raises(ValueError, match="every"):
        fick.StepLadder(0, every=0)


def test_step_ladder_equals_one_uninterrupted_solver_call():
    c0 = np.zeros(101)
    c0[50] = 1.0
    ladder = fick.StepLadder(c0, every=64)
    run = lambda state, n: diffusion.ftcs(state, 1.0, 1.0, 0.4, n)  # noqa: E731
    for k in (300, 70, 129, 0):
        np.testing.assert_allclose(ladder.at(k, run), diffusion.ftcs(c0, 1.0, 1.0, 0.4, k), rtol=1e-12, atol=1e-15)


# --------------------------------------------------------------------------- randomwalk.msd_from_counts
def test_msd_from_counts_hand_and_exact_values():
    assert randomwalk.msd_from_counts([-1, 0, 1], [1, 2, 1]) == 0.5  # (1 + 1) / 4
    # the exact distribution after t lazy steps has <x^2> = p t (each step adds p)
    x, pmf = randomwalk.exact_displacement_pmf(40, 0.3)
    assert randomwalk.msd_from_counts(x, pmf) == pytest.approx(0.3 * 40, rel=1e-12)
    with pytest.raises(ValueError, match="counts must hold at least one particle"):
        randomwalk.msd_from_counts([0, 1], [0, 0])
    with pytest.raises(ValueError, match="one shape"):
        randomwalk.msd_from_counts([0, 1], [1, 2, 3])


# --------------------------------------------------------------------------- randomwalk.gate_crossings_sd
def test_gate_crossings_sd_hand_values():
    assert randomwalk.gate_crossings_sd(100, 0, 1.0) == 5.0  # 100 fair coins
    # p = 0.5: each crosses with 1/4, var = (1/4)(3/4)(300 + 100) = 75
    assert randomwalk.gate_crossings_sd(300, 100, 0.5) == pytest.approx(np.sqrt(75.0), rel=1e-15)
    assert randomwalk.gate_crossings_sd(10, 10, 0.0) == 0.0
    with pytest.raises(ValueError, match="count_left"):
        randomwalk.gate_crossings_sd(-1, 0, 0.5)


def test_gate_readout_agrees_with_the_lattice_gas_over_many_seeds():
    """z = (net crossings in the last step - (p/2)(n0 - n1)) / sigma, with n0, n1 counted before
    that step, has mean 0 and standard deviation 1 over 600 seeded histories (N = 1e9, p = 0.9,
    20 steps, what the chapter-3 app shows). Standard errors: mean 1/sqrt(600) = 0.041 and
    sd 1/sqrt(2 * 600) = 0.029; allowed 4 of each. The counts *after* the step (the app's old
    readout) give sd = 1 + p = 1.9: the step's own crossings leave n0 - n1 with the opposite sign."""
    p, steps, n, gate = 0.9, 20, 10**9, 200
    start = np.zeros(401, dtype=np.int64)
    start[gate] = n
    z, z_after = [], []
    for seed in range(600):
        before = randomwalk.lattice_gas(start, steps - 1, p, seed=seed)
        after, crossings = randomwalk.lattice_gas(start, steps, p, seed=seed, gate=gate)
        expected = randomwalk.gate_flux(before[gate], before[gate + 1], p, 1.0, 1.0)
        sd = randomwalk.gate_crossings_sd(before[gate], before[gate + 1], p)
        z.append((crossings[-1] - expected) / sd)
        z_after.append((crossings[-1] - randomwalk.gate_flux(after[gate], after[gate + 1], p, 1.0, 1.0)) / sd)
    z = np.asarray(z)
    assert abs(z.mean()) < 4 * 0.041, z.mean()
    assert abs(z.std(ddof=1) - 1.0) < 4 * 0.029, z.std(ddof=1)
    assert np.asarray(z_after).std(ddof=1) == pytest.approx(1.9, abs=4 * 0.029 * 1.9)
