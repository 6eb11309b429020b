"""Tests of flowkit.randomwalk: closed forms, statistics of the walks, bad input.

Statistical tests use fixed seeds and tolerances derived from standard errors
(derivations in the comments). Where many correlated z-scores are checked at
once, the bound is |z| < 5: a single Gaussian z exceeds 5 with probability
5.7e-7, so even a union bound over a few hundred checks keeps a false alarm
below 1e-3. Goodness-of-fit tests use chi-square with bins pooled until every
expected count is >= 5 and fail when the p-value is below 1e-3.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from scipy import special, stats

from flowkit import _jit
from flowkit import randomwalk as rw
from flowkit.randomwalk import _inputs, lattice, rng, walkers

Z_MAX = 5.0
P_MIN = 1e-3

# Tests of the in-kernel generator, sampler and parallel layout need numba
# (without it those kernels are plain Python, far too slow at these sizes).
needs_numba = pytest.mark.skipif(not _jit.HAVE_NUMBA, reason="numba kernels disabled")


# --------------------------------------------------------------------------
# helpers written independently of the module under test
# --------------------------------------------------------------------------


def trinomial_pmf(steps, p, x):
    """P(displacement = x) by summing the trinomial law over the number of
    left hops k: k left, k + |x| right, steps - 2k - |x| stays."""
    x = abs(int(x))
    total = 0.0
    for k in range(0, (steps - x) // 2 + 1):
        right = k + x
        stay = steps - k - right
        logw = special.gammaln(steps + 1) - special.gammaln(k + 1) - special.gammaln(right + 1)
        logw -= special.gammaln(stay + 1)
        # (p/2)^(k + right) (1 - p)^stay, with 0^0 = 1
        if k + right > 0:
            logw += (k + right) * np.log(p / 2) if p > 0 else -np.inf
        if stay > 0:
            logw += stay * np.log1p(-p) if p < 1 else -np.inf
        total += np.exp(logw)
    return total


def pooled_chisquare(observed, expected, min_expected=5.0):
    """Chi-square p-value after merging neighbouring bins until each expects >= 5."""
    obs_bins, exp_bins = [], []
    o_acc = e_acc = 0.0
    for o, e in zip(observed, expected):
        o_acc += o
        e_acc += e
        if e_acc >= min_expected:
            obs_bins.append(o_acc)
            exp_bins.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc > 0 or o_acc > 0:
        obs_bins[-1] += o_acc
        exp_bins[-1] += e_acc
    obs_bins = np.array(obs_bins)
    exp_bins = np.array(exp_bins)
    exp_bins *= obs_bins.sum() / exp_bins.sum()
    return stats.chisquare(obs_bins, exp_bins).pvalue


def histogram(x, steps):
    return np.bincount(np.asarray(x) + steps, minlength=2 * steps + 1)


# --------------------------------------------------------------------------
# closed forms
# --------------------------------------------------------------------------


def test_diffusion_coefficient_hand_value():
    # p = 0.5, ell = 2e-9 m, tau = 1e-12 s: D = 0.5 * 4e-18 / 2e-12 = 1e-6 m^2/s.
    assert rw.diffusion_coefficient(0.5, 2e-9, 1e-12) == pytest.approx(1e-6, rel=1e-12, abs=0)
    # arrays in, arrays out: p = 1 doubles the p = 0.5 value, p = 0 gives 0.
    D = rw.diffusion_coefficient(np.array([0.0, 0.5, 1.0]), 1.0, 1.0)
    np.testing.assert_allclose(D, [0.0, 0.25, 0.5], rtol=1e-15)


def test_gate_flux_hand_value():
    # (p/2)(N_L - N_R)/(tau A) = 0.3 * 600 / (2 * 0.5) = 180 per m^2 per s.
    assert rw.gate_flux(1000, 400, 0.6, 2.0, 0.5) == pytest.approx(180.0, rel=1e-12)
    # Reversed gradient reverses the flux.
    assert rw.gate_flux(400, 1000, 0.6, 2.0, 0.5) == pytest.approx(-180.0, rel=1e-12)


def test_gate_flux_is_discrete_fick_law():
    # With C = N / (A ell) and D = p ell^2 / (2 tau), -D (C_R - C_L)/ell equals
    # (p/2)(N_L - N_R)/(tau A) identically; check at arbitrary numbers (rtol 1e-12).
    p, ell, tau, area = 0.37, 3e-6, 2e-3, 4e-10
    n_left, n_right = 5.0e6, 4.2e6
    D = rw.diffusion_coefficient(p, ell, tau)
    fick = -D * (n_right - n_left) / (area * ell) / ell
    assert rw.gate_flux(n_left, n_right, p, tau, area) == pytest.approx(fick, rel=1e-12)


def test_exact_pmf_matches_trinomial_sum():
    # Independent closed form (trinomial sum) vs the FFT-based exact pmf. The
    # inverse FFT of numbers of order 1 leaves absolute round-off of order
    # 1e-16 per entry, so the tolerance is atol = 1e-14 plus rtol = 1e-9.
    for steps, p in [(0, 0.4), (1, 0.5), (7, 0.3), (40, 1.0), (60, 0.8)]:
        x, pmf = rw.exact_displacement_pmf(steps, p)
        assert x[0] == -steps and x[-1] == steps
        ref = np.array([trinomial_pmf(steps, p, xi) for xi in x])
        np.testing.assert_allclose(pmf, ref, rtol=1e-9, atol=1e-14)
        assert pmf.sum() == pytest.approx(1.0, rel=1e-12)


# --------------------------------------------------------------------------
# the in-kernel binomial sampler behind lattice_gas
# --------------------------------------------------------------------------


@needs_numba
@pytest.mark.parametrize(
    "n, p",
    [
        (6, 0.3),  # inversion branch (n p < 10)
        (40, 0.5),  # transformed rejection, small n p (ratio recursion path)
        (2000, 0.3),  # transformed rejection, |k - m| > 15: the squeeze and Stirling test
        (1000, 0.93),  # p > 1/2 uses the mirror n - Bin(n, 1 - p)
        (500_000, 0.5),  # the lattice-gas regime
    ],
)
def test_binomial_sampler_goodness_of_fit(n, p):
    draws = rng.binomial_many(np.int64(n), float(p), np.uint64(12345), np.empty(200_000, np.int64))
    assert draws.min() >= 0 and draws.max() <= n
    k = np.arange(n + 1)
    observed = np.bincount(draws, minlength=n + 1)
    expected = draws.size * stats.binom.pmf(k, n, p)
    # Restrict to the populated range (the tails hold < 1e-9 of the mass).
    lo, hi = int(stats.binom.ppf(1e-9, n, p)), int(stats.binom.isf(1e-9, n, p))
    assert observed[:lo].sum() + observed[hi + 1 :].sum() <= 2
    assert pooled_chisquare(observed[lo : hi + 1], expected[lo : hi + 1]) > P_MIN


@needs_numba
def test_binomial_sampler_edge_cases():
    out = np.empty(10, np.int64)
    assert np.all(rng.binomial_many(np.int64(7), 0.0, np.uint64(1), out) == 0)
    assert np.all(rng.binomial_many(np.int64(7), 1.0, np.uint64(1), out) == 7)
    assert np.all(rng.binomial_many(np.int64(0), 0.5, np.uint64(1), out) == 0)


# --------------------------------------------------------------------------
# walk
# --------------------------------------------------------------------------


def test_walk_shape_dtype_and_bounds():
    x = rw.walk(1000, 37, 0.6, seed=3)
    assert x.shape == (1000,) and x.dtype == np.int64
    assert np.abs(x).max() <= 37
    assert rw.walk(0, 10, 0.5, seed=1).shape == (0,)
    np.testing.assert_array_equal(rw.walk(50, 0, 0.5, seed=1), 0)
    np.testing.assert_array_equal(rw.walk(50, 100, 0.0, seed=1), 0)


def test_walk_p1_parity():
    # With p = 1 every step is a hop, so x has the parity of steps.
    for steps in (64, 65, 200):
        x = rw.walk(2000, steps, 1.0, seed=8)
        assert np.all((x - steps) % 2 == 0)
        assert np.abs(x).max() <= steps


@pytest.mark.parametrize("steps, p", [(30, 0.5), (100, 0.5), (150, 1.0), (129, 0.17)])
def test_walk_histogram_matches_exact_law(steps, p):
    # 30 steps exercises only the one-draw-per-hop tail, 100 and 129 a 64-step
    # block plus a tail, p = 1 the bit-count path.
    n = 200_000
    x = rw.walk(n, steps, p, seed=2024)
    observed = histogram(x, steps)
    expected = n * np.array([trinomial_pmf(steps, p, xi) for xi in range(-steps, steps + 1)])
    if p == 1.0:
        # Only displacements of the parity of steps occur.
        keep = (np.arange(-steps, steps + 1) - steps) % 2 == 0
        assert observed[~keep].sum() == 0
        observed, expected = observed[keep], expected[keep]
    assert pooled_chisquare(observed, expected) > P_MIN


def test_walk_reproducible_and_seed_dependent():
    a = rw.walk(10_000, 300, 0.4, seed=11)
    b = rw.walk(10_000, 300, 0.4, seed=11)
    c = rw.walk(10_000, 300, 0.4, seed=12)
    np.testing.assert_array_equal(a, b)
    assert np.any(a != c)
    # A Generator seed: equal Generators give equal walks, and the Generator advances.
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    np.testing.assert_array_equal(rw.walk(500, 50, 0.5, g1), rw.walk(500, 50, 0.5, g2))
    assert np.any(rw.walk(500, 50, 0.5, g1) != rw.walk(500, 50, 0.5, np.random.default_rng(5)))


def _max_threads():
    numba = pytest.importorskip("numba")
    return numba.config.NUMBA_NUM_THREADS


@needs_numba
@pytest.mark.skipif(
    _jit.HAVE_NUMBA and _max_threads() < 2,
    reason="numba has a single thread here (NUMBA_NUM_THREADS=1 or one core): nothing to compare",
)
def test_parallel_kernels_do_not_depend_on_thread_count(monkeypatch):
    # Sizes above the work threshold, so with several threads the wrappers
    # run the parallel kernels (and the tiled lattice gas), with one thread
    # the serial ones: the numbers must not change. (The load check that
    # keeps a busy machine on one thread is switched off here.)
    numba = pytest.importorskip("numba")
    monkeypatch.setattr(_jit, "cores_idle", lambda: True)
    counts = np.full(2001, 10_000)
    n = _jit.PARALLEL_WORK // 200 + 1
    before = numba.get_num_threads()
    many = _max_threads()
    results = []
    try:
        for threads in (1, many):
            numba.set_num_threads(threads)
            # The wrappers really take the serial path on one thread and the parallel one on many.
            assert _jit.pick("parallel", "serial", n * 200) == ("serial" if threads == 1 else "parallel")
            assert lattice._tiling(counts.size, 500, False)[0] == (threads > 1)
            results.append(
                (
                    rw.walk(n, 200, 0.5, 9),
                    rw.msd(n, 200, 0.5, 9),
                    rw.walk_2d(n, 200, 0.5, 9),
                    rw.lattice_gas(counts, 500, 0.5, 9, gate=1000),
                )
            )
    finally:
        numba.set_num_threads(before)
    for one, several in zip(*results):
        if isinstance(one, tuple):
            for a, b in zip(one, several):
                np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_array_equal(one, several)


@needs_numba
def test_serial_and_parallel_walker_kernels_agree():
    # The public functions pick the one-thread or the parallel kernel by the
    # amount of work; both must give the same numbers for the same seed, for a
    # whole run and for a piece of one (walkers 100:700, steps 64 to the end).
    keys = _inputs.chunk_keys(17)
    for p in (0.35, 1.0):
        thr = rng.hop_threshold(p)
        for steps in (50, 64, 200):
            for lo, hi, start in ((0, 777, 0), (100, 700, min(64, steps // 64 * 64))):
                runs = []
                for walk_k, msd_k, walk_2d_k in (
                    (walkers._walk_serial, walkers._msd_serial, walkers._walk_2d_serial),
                    (walkers._walk_parallel, walkers._msd_parallel, walkers._walk_2d_parallel),
                ):
                    # The kernels write into the arrays they are given (and return nothing).
                    x = np.zeros(777, np.int64)
                    walk_k(lo, hi, start, steps, steps, thr, keys, x)
                    sq = np.zeros((64, steps), np.int64)
                    msd_k(777, lo, hi, start, steps, steps, thr, keys, np.zeros(777, np.int64), sq)
                    xy = np.zeros((777, 2), np.int64)
                    walk_2d_k(lo, hi, start, steps, steps, thr, keys, xy)
                    runs.append((x, sq, xy))
                for a, b in zip(*runs):
                    np.testing.assert_array_equal(a, b)
    # Above the work threshold the wrapper takes the parallel path: still reproducible.
    big = _jit.PARALLEL_WORK // 100 + 1
    np.testing.assert_array_equal(rw.walk(big, 100, 0.5, 3), rw.walk(big, 100, 0.5, 3))


@needs_numba
@pytest.mark.parametrize("hops, span", [(64, 64), (1000, 128), (5000, 192)])
def test_pieces_give_the_same_numbers_as_one_call(monkeypatch, hops, span):
    # Long runs go in pieces (Ctrl-C can stop them between two); the
    # counter-based streams make the pieces invisible. Budgets this small split
    # along walkers and steps (walk 300 x 200: pieces of 64 steps x 15 walkers
    # at 1000 hops), with a tail of 200 - 192 = 8 steps. At 64 the 300-site
    # lattice gas and the 12 x 17 grid exceed a call's budget for one step: the
    # first goes tile by tile (two tiles), the second in blocks of rows.
    whole = {
        "walk": (rw.walk(300, 200, 0.4, 5), rw.walk(300, 200, 1.0, 5), rw.walk(300, 64, 0.4, 5)),
        "msd": (rw.msd(300, 200, 0.4, 5), rw.msd(300, 200, 1.0, 5)),
        "walk_2d": (rw.walk_2d(300, 200, 0.4, 5),),
        "lattice_gas": (
            rw.lattice_gas(np.arange(300) * 1000, 50, 0.6, 5, bc="periodic", gate=299),
            rw.lattice_gas(np.arange(300) * 1000, 50, 0.6, 5, bc="noflux", gate=100),
        ),
        "lattice_gas_2d": (rw.lattice_gas_2d(np.full((12, 17), 500), 30, 0.6, 5),),
    }
    monkeypatch.setattr(walkers, "_HOPS_PER_CALL", hops)
    monkeypatch.setattr(walkers, "_MSD_SPAN", span)
    monkeypatch.setattr(lattice, "_SITE_STEPS_PER_CALL", hops)
    monkeypatch.setattr(lattice, "_SITE_STEPS_PER_CALL_2D", hops)
    pieces = {
        "walk": (rw.walk(300, 200, 0.4, 5), rw.walk(300, 200, 1.0, 5), rw.walk(300, 64, 0.4, 5)),
        "msd": (rw.msd(300, 200, 0.4, 5), rw.msd(300, 200, 1.0, 5)),
        "walk_2d": (rw.walk_2d(300, 200, 0.4, 5),),
        "lattice_gas": (
            rw.lattice_gas(np.arange(300) * 1000, 50, 0.6, 5, bc="periodic", gate=299),
            rw.lattice_gas(np.arange(300) * 1000, 50, 0.6, 5, bc="noflux", gate=100),
        ),
        "lattice_gas_2d": (rw.lattice_gas_2d(np.full((12, 17), 500), 30, 0.6, 5),),
    }
    for name in whole:
        for a, b in zip(whole[name], pieces[name]):
            if isinstance(a, tuple):
                for u, v in zip(a, b):
                    np.testing.assert_array_equal(u, v, err_msg=name)
            else:
                np.testing.assert_array_equal(a, b, err_msg=name)


# --------------------------------------------------------------------------
# msd
# --------------------------------------------------------------------------


def lazy_walk_var_x2(t, p):
    """Var(x_t^2) for the lazy walk, exactly.

    x_t is a sum of t iid steps xi with P(+-1) = p/2, P(0) = 1 - p, so
    E xi^2 = E xi^4 = p and, expanding the fourth power of the sum,
    E x^4 = t E xi^4 + 3 t (t - 1) (E xi^2)^2 = t p + 3 t (t - 1) p^2.
    Var(x^2) = E x^4 - (E x^2)^2 = t p + 2 t^2 p^2 - 3 t p^2
    (-> 2 (p t)^2, the Gaussian value, for large t).
    """
    t = np.asarray(t, dtype=float)
    return t * p + 2 * t**2 * p**2 - 3 * t * p**2


@pytest.mark.parametrize("p", [0.3, 1.0])
def test_msd_equals_p_t_within_standard_error(p):
    n, steps = 20_000, 200
    m = rw.msd(n, steps, p, seed=77)
    assert m.shape == (steps + 1,) and m.dtype == np.float64 and m[0] == 0.0
    t = np.arange(1, steps + 1)
    # The mean of n independent x_t^2 has standard error sqrt(Var(x_t^2)/n).
    se = np.sqrt(lazy_walk_var_x2(t, p) / n)
    # With p = 1, x_1^2 = 1 for every walker (zero variance): exact.
    exact = se == 0
    np.testing.assert_array_equal(m[1:][exact], p * t[exact])
    z = (m[1:][~exact] - p * t[~exact]) / se[~exact]
    assert np.max(np.abs(z)) < Z_MAX


def test_lazy_walk_variance_formula_by_enumeration():
    # Check the Var(x^2) derivation against the exact law (rtol 1e-9).
    for t, p in [(1, 0.4), (5, 0.7), (12, 1.0)]:
        xs = np.arange(-t, t + 1)
        w = np.array([trinomial_pmf(t, p, x) for x in xs])
        var = (w * xs**4).sum() - ((w * xs**2).sum()) ** 2
        assert lazy_walk_var_x2(t, p) == pytest.approx(var, rel=1e-9)


def test_msd_agrees_with_walk_for_the_same_seed():
    # msd steps the same walkers as walk, so its last value is walk's mean x^2 (exact).
    for steps in (64, 100):
        x = rw.walk(3000, steps, 0.45, seed=4)
        m = rw.msd(3000, steps, 0.45, seed=4)
        assert m[-1] == pytest.approx(np.mean(x.astype(float) ** 2), rel=1e-14)


def test_msd_reproducible():
    np.testing.assert_array_equal(rw.msd(4000, 130, 0.5, 1), rw.msd(4000, 130, 0.5, 1))
    assert np.any(rw.msd(4000, 130, 0.5, 1) != rw.msd(4000, 130, 0.5, 2))


# --------------------------------------------------------------------------
# direct sampling
# --------------------------------------------------------------------------


def test_sample_final_displacements_matches_exact_law_and_walk():
    n, steps, p = 200_000, 80, 0.6
    direct = rw.sample_final_displacements(n, steps, p, seed=31)
    assert direct.shape == (n,) and direct.dtype == np.int64
    expected = n * np.array([trinomial_pmf(steps, p, xi) for xi in range(-steps, steps + 1)])
    assert pooled_chisquare(histogram(direct, steps), expected) > P_MIN
    # Two-sample test: direct sampling vs the stepped walk (chi-square test of
    # homogeneity on bins pooled so each column expects >= 5 per sample).
    stepped = rw.walk(n, steps, p, seed=32)
    h1, h2 = histogram(direct, steps), histogram(stepped, steps)
    cols, acc = [], np.zeros(2)
    for a, b in zip(h1, h2):
        acc += (a, b)
        if acc.sum() >= 20:
            cols.append(acc.copy())
            acc[:] = 0
    cols[-1] += acc
    table = np.array(cols).T
    assert stats.chi2_contingency(table).pvalue > P_MIN
    np.testing.assert_array_equal(direct, rw.sample_final_displacements(n, steps, p, seed=31))


def test_sample_final_histogram():
    n, steps, p = 10**9, 500, 0.5
    x, counts = rw.sample_final_histogram(n, steps, p, seed=7)
    assert counts.sum() == n and counts.dtype == np.int64
    # Mean of x^2 over 1e9 walkers: SE = sqrt(Var(x^2)/n) ~ 0.01 sites^2.
    m2 = (counts * x.astype(float) ** 2).sum() / n
    assert abs(m2 - p * steps) < Z_MAX * np.sqrt(lazy_walk_var_x2(steps, p) / n)
    _, pmf = rw.exact_displacement_pmf(steps, p)
    assert pooled_chisquare(counts, n * pmf) > P_MIN
    x2, counts2 = rw.sample_final_histogram(n, steps, p, seed=7)
    np.testing.assert_array_equal(counts, counts2)


# --------------------------------------------------------------------------
# lattice gas and master equation
# --------------------------------------------------------------------------


def test_master_equation_hand_steps():
    # One step with p = 0.5 from a point: (1 - p) stays, p/2 each side.
    np.testing.assert_allclose(rw.master_equation([0, 1, 0], 1, 0.5), [0.25, 0.5, 0.25], rtol=1e-15)
    # No flux, p = 1, everything at the left wall: half hops right, half is blocked.
    np.testing.assert_allclose(rw.master_equation([1, 0, 0], 1, 1.0), [0.5, 0.5, 0.0], rtol=1e-15)
    # Periodic: the left hop from site 0 lands on the last site.
    np.testing.assert_allclose(
        rw.master_equation([1, 0, 0, 0], 1, 0.5, bc="periodic"), [0.5, 0.25, 0, 0.25], atol=1e-15
    )


@pytest.mark.parametrize("bc, rate", [("noflux", 0.5), ("periodic", 1.0)])
def test_master_equation_on_one_and_two_sites(bc, rate):
    # Two sites exchange probability at rate k per step: k = p/2 when sealed
    # (only the inner hop moves), k = p on a ring of two (both hops land on the
    # other site). The difference decays as (1 - 2k)^t, the sum is conserved.
    # One site: nothing can move. rtol 1e-14.
    p, t = 0.6, 7
    k = rate * p
    d = 0.9 * (1 - 2 * k) ** t
    np.testing.assert_allclose(rw.master_equation([1.0, 0.1], t, p, bc=bc), [0.55 + d / 2, 0.55 - d / 2], rtol=1e-14)
    np.testing.assert_allclose(rw.master_equation([3.0], t, p, bc=bc), [3.0], rtol=1e-15)


def test_master_equation_matches_exact_pmf_and_conserves():
    # On a periodic lattice wider than the walk can reach, a delta evolves into
    # the exact displacement law (trinomial sum), rtol 1e-10.
    steps, p = 25, 0.7
    prob = np.zeros(2 * steps + 5)
    prob[steps + 2] = 1.0
    out = rw.master_equation(prob, steps, p, bc="periodic")
    ref = np.array([trinomial_pmf(steps, p, i - steps - 2) for i in range(prob.size)])
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-300)
    walls = rw.master_equation(np.linspace(0, 3, 17), 500, 0.9)
    assert walls.sum() == pytest.approx(np.linspace(0, 3, 17).sum(), rel=1e-13)


def test_master_equation_matches_ftcs():
    # An explicit FTCS step with D = p ell^2/(2 tau), dx = ell, dt = tau has
    # r = D dt/dx^2 = p/2: the same map as the master equation (rtol 1e-12).
    diffusion = pytest.importorskip("flowkit.diffusion")
    ell, tau = 1e-6, 1e-3
    c0 = np.exp(-(((np.arange(80) - 30.0) / 6.0) ** 2))
    for p in (0.3, 1.0):
        D = rw.diffusion_coefficient(p, ell, tau)
        for bc in ("noflux", "periodic"):
            a = rw.master_equation(c0, 200, p, bc=bc)
            b = diffusion.ftcs(c0, D, ell, tau, 200, bc=bc)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_lattice_gas_conserves_exactly():
    counts = np.random.default_rng(0).integers(0, 10**7, size=2001)
    counts[::7] = 0
    for bc in ("noflux", "periodic"):
        out = rw.lattice_gas(counts, 200, 0.8, seed=1, bc=bc)
        assert out.dtype == np.int64 and out.shape == counts.shape
        assert out.sum() == counts.sum()
        assert out.min() >= 0
    big = np.full(2001, 10**9 // 2001)
    assert rw.lattice_gas(big, 50, 1.0, seed=2).sum() == big.sum()
    np.testing.assert_array_equal(rw.lattice_gas(counts, 300, 0.0, seed=3), counts)
    np.testing.assert_array_equal(rw.lattice_gas(counts, 0, 0.5, seed=3), counts)
    one = rw.lattice_gas([12345], 40, 0.9, seed=3)
    np.testing.assert_array_equal(one, [12345])


@pytest.mark.parametrize("bc, start", [("noflux", 3), ("periodic", 45)])
def test_lattice_gas_mean_matches_master_equation(bc, start):
    # N particles start on one site. Particles hop independently, so after t
    # steps the count on site i is Binomial(N, P_i) with P_i the master-equation
    # probability: its standard error is sqrt(N P_i (1 - P_i)). Every site must
    # lie within Z_MAX standard errors (sites with N P_i < 1 are checked jointly
    # through conservation).
    N, steps, p = 10**8, 120, 0.75
    counts = np.zeros(91, dtype=np.int64)
    counts[start] = N
    out = rw.lattice_gas(counts, steps, p, seed=99, bc=bc)
    P = rw.master_equation(counts / N, steps, p, bc=bc)
    mean = N * P
    se = np.sqrt(N * P * (1 - P))
    ok = mean > 1
    assert np.all(np.abs(out[ok] - mean[ok]) < Z_MAX * se[ok])
    assert out.sum() == N


def test_lattice_gas_reproducible_and_seed_dependent():
    counts = np.full(500, 10**6)
    a = rw.lattice_gas(counts, 50, 0.5, seed=5)
    np.testing.assert_array_equal(a, rw.lattice_gas(counts, 50, 0.5, seed=5))
    assert np.any(a != rw.lattice_gas(counts, 50, 0.5, seed=6))
    b, cross = rw.lattice_gas(counts, 50, 0.5, seed=5, gate=10)
    np.testing.assert_array_equal(a, b)  # asking for the gate does not change the walk
    assert cross.shape == (50,) and cross.dtype == np.int64


@needs_numba
@pytest.mark.parametrize("periodic", [False, True])
def test_lattice_gas_tiling_does_not_change_the_result(periodic):
    # Counter-based draws make the result independent of how the lattice is
    # cut into tiles and blocks (the parallel layout): every layout must give
    # identical counts and gate crossings, including blocks of one step and a
    # gate on a tile edge.
    counts = np.random.default_rng(3).integers(0, 10**6, size=301)
    key = np.uint64(2**63 + 12345)
    gate = 300 if periodic else 149
    results = []
    for kernel in (lattice._lattice_gas_serial, lattice._lattice_gas_parallel):
        for tiles, block in [(1, 1 << 62), (2, 32), (3, 7), (5, 1), (4, 19)]:
            cross = np.zeros(90, dtype=np.int64)
            out = counts.copy()  # advanced in place
            kernel(out, 0, 90, 0.55, periodic, gate, key, cross, tiles, block)
            results.append((out, cross))
    for out, cross in results[1:]:
        np.testing.assert_array_equal(out, results[0][0])
        np.testing.assert_array_equal(cross, results[0][1])
    assert results[0][0].sum() == counts.sum()


def test_gate_crossings_account_for_every_particle():
    # Net crossings summed over the run equal the change of the number of
    # particles right of the gate (noflux: nothing enters or leaves at the
    # ends). Exact integers.
    rng = np.random.default_rng(1)
    counts = rng.integers(0, 10**6, size=60)
    out, cross = rw.lattice_gas(counts, 300, 0.6, seed=4, gate=20)
    assert cross.sum() == out[21:].sum() - counts[21:].sum()
    assert cross.sum() != 0


def test_gate_crossings_match_discrete_fick_law():
    # Step one at a time so the counts before each step are known. The net
    # crossing R_g - L_{g+1} has conditional mean (p/2)(N_g - N_{g+1}) and,
    # being a difference of independent binomials, conditional variance
    # (p/2)(1 - p/2)(N_g + N_{g+1}). Summed over K steps the deviations form a
    # martingale, so z = sum(dev) / sqrt(sum(var)) must satisfy |z| < 5.
    p, g = 0.8, 15
    counts = np.zeros(40, dtype=np.int64)
    counts[:12] = 200_000
    rng = np.random.default_rng(2718)
    dev = var = mean_sum = 0.0
    for _ in range(300):
        before = counts
        counts, cross = rw.lattice_gas(before, 1, p, seed=rng, gate=g)
        expect = 0.5 * p * (before[g] - before[g + 1])
        dev += cross[0] - expect
        mean_sum += expect
        var += 0.5 * p * (1 - 0.5 * p) * (before[g] + before[g + 1])
    assert abs(dev / np.sqrt(var)) < Z_MAX
    assert mean_sum > 50 * np.sqrt(var)  # a real flux, well above the noise


def test_gate_flux_tends_to_minus_D_dCdx():
    # A broad Gaussian of N particles (sigma0 = 25 sites) spreads; the gate
    # sits at x_g = 30.5 sites right of the centre. In lattice units
    # (ell = tau = area = 1) the continuum limit gives J = -D dC/dx with
    # D = p/2, and the variance grows as sigma^2 = sigma0^2 + p t exactly.
    # (1) The crossings summed over the run equal N [Q(x_g/sigma_t) - Q(x_g/sigma_0)]
    #     (Q the Gaussian tail), the time integral of J (3.86e7 particles). The noise
    #     is set by the two-way traffic, not by the net count: each step adds variance
    #     (p/2)(1 - p/2)(N_g + N_g+1) ~ 0.21 * 2 * 8.3e6, so over 400 steps
    #     SE = sqrt(400 * 3.5e6) ~ 3.7e4, i.e. 9.4e-4 relative. The master equation
    #     (the exact mean) differs from the continuum formula by 2.3e-4 relative
    #     (lattice corrections O(1/sigma^2)). rtol = 5 SE + bias = 5e-3; this also
    #     catches a gate one site off (which shifts the total by ~0.8 %).
    # (2) The mean crossing per step over the last 100 steps equals -D dC/dx
    #     at the mid time. Noise: sqrt(100 * 3.5e6) / 100 / 8.7e4 = 2.1e-3 relative;
    #     time-averaging ((Delta t)^2 J''/24) and lattice bias, from the master
    #     equation: 4.7e-4. rtol = 5 SE + bias ~ 1.5e-2 (a D 3 % off fails).
    p, steps, sigma0, centre, N = 0.6, 400, 25.0, 150, 10**9
    i = np.arange(301)
    weights = stats.norm.pdf(i - centre, scale=sigma0)
    counts = np.floor(N * weights / weights.sum()).astype(np.int64)
    N = counts.sum()
    g = centre + 30
    xg = g + 0.5 - centre
    out, cross = rw.lattice_gas(counts, steps, p, seed=1, gate=g)
    sig_t = np.sqrt(sigma0**2 + p * steps)
    total = N * (stats.norm.sf(xg / sig_t) - stats.norm.sf(xg / sigma0))
    assert cross.sum() == pytest.approx(total, rel=5e-3, abs=0)
    t_mid = steps - 50
    sig_mid = np.sqrt(sigma0**2 + p * t_mid)
    D = rw.diffusion_coefficient(p, 1.0, 1.0)
    dCdx = -N * xg / sig_mid**2 * stats.norm.pdf(xg, scale=sig_mid)
    assert cross[-100:].mean() == pytest.approx(-D * dCdx, rel=1.5e-2, abs=0)


# --------------------------------------------------------------------------
# two dimensions
# --------------------------------------------------------------------------


def master_2d(prob, steps, p, periodic):
    """Independent 2D master equation: p/4 to each neighbour, blocked hops stay."""
    P = np.array(prob, dtype=float)
    for _ in range(steps):
        if periodic:
            nb = np.roll(P, 1, 0) + np.roll(P, -1, 0) + np.roll(P, 1, 1) + np.roll(P, -1, 1)
        else:
            padded = np.pad(P, 1, mode="edge")  # a blocked hop returns to its own site
            nb = padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]
        P = (1 - p) * P + 0.25 * p * nb
    return P


def check_walk_2d(pos, steps, p):
    n = pos.shape[0]
    # Each coordinate is a 1D lazy walk with hop probability p/2.
    expected = n * np.array([trinomial_pmf(steps, p / 2, xi) for xi in range(-steps, steps + 1)])
    for axis in (0, 1):
        assert pooled_chisquare(histogram(pos[:, axis], steps), expected) > P_MIN
    assert np.abs(pos).sum(axis=1).max() <= steps


def test_walk_2d_marginals_and_msd():
    n, steps, p = 100_000, 90, 0.8
    pos = rw.walk_2d(n, steps, p, seed=21)
    assert pos.shape == (n, 2) and pos.dtype == np.int64
    check_walk_2d(pos, steps, p)
    # E r^2 = p t; Var(x^2 + y^2) estimated from the sample itself (n large).
    r2 = (pos.astype(float) ** 2).sum(axis=1)
    assert abs(r2.mean() - p * steps) < Z_MAX * r2.std() / np.sqrt(n)
    np.testing.assert_array_equal(pos, rw.walk_2d(n, steps, p, seed=21))
    assert np.any(pos != rw.walk_2d(n, steps, p, seed=22))
    full = rw.walk_2d(1000, 51, 1.0, seed=1)
    assert np.all((full.sum(axis=1) - 51) % 2 == 0)  # every step moves one site


@pytest.mark.parametrize("bc, start", [("noflux", (2, 3)), ("periodic", (15, 15))])
def test_lattice_gas_2d_matches_master_equation(bc, start):
    # Site counts are Binomial(N, P_ij) for particles that all start on one
    # site (standard error sqrt(N P (1 - P))), as in the 1D test.
    N, steps, p = 10**7, 40, 0.9
    counts = np.zeros((31, 31), dtype=np.int64)
    counts[start] = N
    out = rw.lattice_gas_2d(counts, steps, p, seed=5, bc=bc)
    assert out.sum() == N and out.dtype == np.int64 and out.shape == counts.shape
    P = master_2d(counts / N, steps, p, bc == "periodic")
    mean, se = N * P, np.sqrt(N * P * (1 - P))
    ok = mean > 1
    assert np.all(np.abs(out[ok] - mean[ok]) < Z_MAX * se[ok])
    np.testing.assert_array_equal(out, rw.lattice_gas_2d(counts, steps, p, seed=5, bc=bc))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: rw.walk_2d(10, 10, 2.0, 0), "p"),
        (lambda: rw.walk_2d(10, -2, 0.5, 0), "steps"),
        (lambda: rw.lattice_gas_2d(np.ones(5, dtype=int), 3, 0.5, 0), "counts"),
        (lambda: rw.lattice_gas_2d(-np.ones((3, 3), dtype=int), 3, 0.5, 0), "counts"),
        (lambda: rw.lattice_gas_2d(np.full((3, 3), 0.5), 3, 0.5, 0), "counts"),
        (lambda: rw.lattice_gas_2d(np.ones((3, 3), dtype=int), 3, 0.5, 0, bc="fixed"), "bc"),
        (lambda: rw.lattice_gas_2d(np.ones((3, 3), dtype=int), 3, -0.5, 0), "p"),
    ],
)
def test_2d_reject_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name} must"):
        call()


# --------------------------------------------------------------------------
# NumPy fallback (what runs in the browser)
# --------------------------------------------------------------------------


def test_numpy_fallback_statistics(monkeypatch):
    monkeypatch.setattr(_jit, "HAVE_NUMBA", False)
    n, steps, p = 20_000, 60, 0.5
    m = rw.msd(n, steps, p, seed=1)
    t = np.arange(1, steps + 1)
    assert np.max(np.abs((m[1:] - p * t) / np.sqrt(lazy_walk_var_x2(t, p) / n))) < Z_MAX
    np.testing.assert_array_equal(m, rw.msd(n, steps, p, seed=1))
    x = rw.walk(n, steps, p, seed=2)
    assert x.dtype == np.int64
    expected = n * np.array([trinomial_pmf(steps, p, xi) for xi in range(-steps, steps + 1)])
    assert pooled_chisquare(histogram(x, steps), expected) > P_MIN
    counts = np.zeros(41, dtype=np.int64)
    counts[5] = 10**6
    out, cross = rw.lattice_gas(counts, 50, 0.7, seed=3, gate=10)
    assert out.sum() == 10**6 and cross.shape == (50,)
    assert cross.sum() == out[11:].sum()
    P = rw.master_equation(counts / 1e6, 50, 0.7)
    mean, se = 1e6 * P, np.sqrt(1e6 * P * (1 - P))
    ok = mean > 1
    assert np.all(np.abs(out[ok] - mean[ok]) < Z_MAX * se[ok])
    check_walk_2d(rw.walk_2d(50_000, 40, 0.6, seed=4), 40, 0.6)
    grid = np.zeros((21, 21), dtype=np.int64)
    grid[3, 10] = 10**6
    out2 = rw.lattice_gas_2d(grid, 30, 0.8, seed=6)
    assert out2.sum() == 10**6
    P2 = master_2d(grid / 1e6, 30, 0.8, False)
    mean2, se2 = 1e6 * P2, np.sqrt(1e6 * P2 * (1 - P2))
    ok2 = mean2 > 1
    assert np.all(np.abs(out2[ok2] - mean2[ok2]) < Z_MAX * se2[ok2])


def test_every_public_name_imports_from_the_package():
    import flowkit.randomwalk as package

    for name in package.__all__:
        assert getattr(rw, name) is getattr(package, name)
        assert name in dir(rw)
    from flowkit.randomwalk import lattice_gas, msd, walk  # noqa: F401  (the import paths the notebooks use)

    with pytest.raises(AttributeError, match="no attribute 'walker'"):
        rw.walker  # noqa: B018


def test_closed_forms_load_without_numba():
    # The closed forms and direct sampling are what homework notebooks call
    # first; they must not pay numba's import (~125 MiB, ~1 s). Asking for a
    # stepped walk then loads it.
    code = (
        "import sys\n"
        "from flowkit import randomwalk\n"
        "from flowkit.randomwalk import exact, sample_final_histogram\n"
        "D = randomwalk.diffusion_coefficient(0.5, 1.0, 1.0)\n"
        "x, counts = sample_final_histogram(1000, 20, 0.5, seed=1)\n"
        "randomwalk.exact_displacement_pmf(10, 0.3); randomwalk.sample_final_displacements(10, 10, 0.5, 1)\n"
        "randomwalk.gate_flux(10, 5, 0.5, 1.0, 1.0)\n"
        "assert 'numba' not in sys.modules, 'closed forms imported numba'\n"
        "randomwalk.walk(10, 10, 0.5, seed=1)\n"
        "assert 'numba' in sys.modules\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FLOWKIT_DISABLE_NUMBA"}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_package_runs_with_numba_disabled():
    code = (
        "import numpy as np\n"
        "from flowkit import randomwalk as rw, _jit\n"
        "assert not _jit.HAVE_NUMBA\n"
        "import sys; assert 'numba' not in sys.modules\n"
        "x = rw.walk(1000, 20, 0.5, 1); m = rw.msd(1000, 20, 0.5, 1)\n"
        "c = rw.lattice_gas(np.full(30, 1000), 20, 0.5, 1, bc='periodic')\n"
        "assert c.sum() == 30000 and m[0] == 0 and x.shape == (1000,)\n"
        "print('ok')\n"
    )
    env = dict(os.environ, FLOWKIT_DISABLE_NUMBA="1")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------


WALKER_FUNCS = ["walk", "msd", "walk_2d", "sample_final_displacements", "sample_final_histogram"]


@pytest.mark.parametrize("func", WALKER_FUNCS)
@pytest.mark.parametrize(
    "args, name",
    [
        ((10, 10, 1.5, 0), "p"),
        ((10, 10, -0.1, 0), "p"),
        ((10, -1, 0.5, 0), "steps"),
        ((10, 2.5, 0.5, 0), "steps"),
        ((-3, 10, 0.5, 0), "n_walkers"),
        ((7.5, 10, 0.5, 0), "n_walkers"),
        ((10, 10, 0.5, -1), "seed"),
        ((10, 10, 0.5, "abc"), "seed"),
    ],
)
def test_walker_functions_reject_bad_input(func, args, name):
    with pytest.raises(ValueError, match=f"^{name} must"):
        getattr(rw, func)(*args)


def test_msd_needs_a_walker():
    with pytest.raises(ValueError, match="n_walkers must"):
        rw.msd(0, 10, 0.5, 0)


GOOD_COUNTS = np.full(10, 100)


@pytest.mark.parametrize(
    "args, kwargs, name",
    [
        (([1, -2, 3], 5, 0.5, 0), {}, "counts"),
        (([1.0, 2.5, 3.0], 5, 0.5, 0), {}, "counts"),
        (([1.0, np.nan], 5, 0.5, 0), {}, "counts"),
        ((np.ones((3, 3), dtype=int), 5, 0.5, 0), {}, "counts"),
        (([], 5, 0.5, 0), {}, "counts"),
        ((GOOD_COUNTS, -1, 0.5, 0), {}, "steps"),
        ((GOOD_COUNTS, 3.5, 0.5, 0), {}, "steps"),
        ((GOOD_COUNTS, 5, 2.0, 0), {}, "p"),
        ((GOOD_COUNTS, 5, 0.5, 0), {"bc": "fixed"}, "bc"),
        ((GOOD_COUNTS, 5, 0.5, 0), {"gate": 9}, "gate"),  # noflux: the last gate is 8 | 9
        ((GOOD_COUNTS, 5, 0.5, 0), {"gate": -1}, "gate"),
        ((GOOD_COUNTS, 5, 0.5, 0), {"gate": 1.5}, "gate"),
        ((GOOD_COUNTS, 5, 0.5, 2.5), {}, "seed"),
    ],
)
def test_lattice_gas_rejects_bad_input(args, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must"):
        rw.lattice_gas(*args, **kwargs)


def test_lattice_gas_accepts_whole_float_counts_and_the_wrap_gate():
    # float counts that are whole numbers are fine; periodic allows the wrap gate.
    assert rw.lattice_gas([1.0, 2.0, 3.0], 5, 0.5, 0).sum() == 6
    assert rw.lattice_gas(GOOD_COUNTS, 5, 0.5, 0, bc="periodic", gate=9)[1].shape == (5,)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: rw.master_equation([0.5, -0.1], 3, 0.5), "prob"),
        (lambda: rw.master_equation([[0.5, 0.1]], 3, 0.5), "prob"),
        (lambda: rw.master_equation([0.5, 0.5], -3, 0.5), "steps"),
        (lambda: rw.master_equation([0.5, 0.5], 3, 1.01), "p"),
        (lambda: rw.master_equation([0.5, 0.5], 3, 0.5, bc="open"), "bc"),
        (lambda: rw.diffusion_coefficient(1.2, 1.0, 1.0), "p"),
        (lambda: rw.diffusion_coefficient(0.5, 0.0, 1.0), "ell"),
        (lambda: rw.diffusion_coefficient(0.5, 1.0, -1.0), "tau"),
        (lambda: rw.gate_flux(-1, 0, 0.5, 1.0, 1.0), "count_left"),
        (lambda: rw.gate_flux(1, np.inf, 0.5, 1.0, 1.0), "count_right"),
        (lambda: rw.gate_flux(1, 0, -0.5, 1.0, 1.0), "p"),
        (lambda: rw.gate_flux(1, 0, 0.5, 0.0, 1.0), "tau"),
        (lambda: rw.gate_flux(1, 0, 0.5, 1.0, -2.0), "area"),
        (lambda: rw.exact_displacement_pmf(-1, 0.5), "steps"),
    ],
)
def test_master_equation_and_closed_forms_reject_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name} must"):
        call()


@needs_numba
def test_busy_machine_keeps_kernels_on_one_thread(monkeypatch):
    # 1-minute load at or above (cores - 0.5) means no idle core to help.
    cores = os.cpu_count() or 1
    monkeypatch.setattr(os, "getloadavg", lambda: (cores + 3.0, 0.0, 0.0))
    assert not _jit.cores_idle()
    assert _jit.pick(walkers._walk_parallel, walkers._walk_serial, 10**9) is walkers._walk_serial
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert _jit.cores_idle() == (cores > 1)
