"""flowkit.diffusion: the grid solvers against the Gaussian and erf solutions.

Deterministic numerics, so the tolerances come from the schemes' orders: the
leading error of FTCS at fixed r = D dt/dx^2 and of Crank-Nicolson at fixed
dt/dx is C dx^2, so halving dx divides the error by 4 (observed order
log2(e_coarse / e_fine) = 2). We accept 1.8 to 2.2: the next term is
O(dx^4), at most a few per cent of the leading one on these grids.
Round-off bounds for conservation are worked where they are used.
"""

import math
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from flowkit import diffusion as dif
from flowkit import fick

EPS = np.finfo(float).eps


def centres(n, length, left):
    """Cell centres and width of n cells covering [left, left + length]."""
    dx = length / n
    return left + (np.arange(n) + 0.5) * dx, dx


def order(errors):
    errors = np.asarray(errors)
    return np.log2(errors[:-1] / errors[1:])


def assert_second_order(errors):
    p = order(errors)
    assert np.all((p > 1.8) & (p < 2.2)), f"observed orders {p} from errors {errors}"


def reflected_gaussian(x, t, D, x0, length, images=6):
    """Point source at x0 between sealed walls at 0 and length (method of images)."""
    total = 0.0
    for k in range(-images, images + 1):
        total = total + dif.gaussian(x, t, D, x0=x0 + 2 * k * length) + dif.gaussian(x, t, D, x0=-x0 + 2 * k * length)
    return total


def wrapped_gaussian(x, t, D, x0, length, images=6):
    """Point source on a ring of circumference length."""
    return sum(dif.gaussian(x, t, D, x0=x0 + k * length) for k in range(-images, images + 1))


# ---------------------------------------------------------------- closed forms


def test_gaussian_peak_area_and_width():
    # Peak at t = 1 s, D = 1 m^2/s: 1 / sqrt(4 pi) = 0.2820948 per m.
    assert dif.gaussian(0.0, 1.0, 1.0) == pytest.approx(0.2820948, rel=1e-6)
    x = np.linspace(-40, 40, 8001)
    g = dif.gaussian(x, 2.0, 1.5, N=3.0, x0=1.0)
    # Trapezoid on a smooth, fully resolved bump: area and variance exact to ~1e-12.
    assert np.trapezoid(g, x) == pytest.approx(3.0, rel=1e-10)
    var = np.trapezoid(g * (x - 1.0) ** 2, x) / 3.0
    assert var == pytest.approx(2 * 1.5 * 2.0, rel=1e-10)  # <x^2> = 2 D t = 6 m^2


def test_stable_dt_by_hand():
    # dx = 1 mm, D = 1e-9 m^2/s: dx^2 / (2 D) = 1e-6 / 2e-9 = 500 s; in 2D half that, in 3D a third.
    assert dif.stable_dt(1e-9, 1e-3) == pytest.approx(500.0, rel=1e-14)
    assert dif.stable_dt(1e-9, 1e-3, dim=2) == pytest.approx(250.0, rel=1e-14)
    assert dif.stable_dt(1e-9, 1e-3, dim=3) == pytest.approx(500.0 / 3, rel=1e-14)
    assert dif.stable_dt(0.0, 1e-3) == math.inf


# ---------------------------------------------------------------- accuracy


def test_ftcs_converges_to_gaussian_at_second_order():
    # D = 1, from the Gaussian at t = 1 s to t = 2 s on [-20, 20] (walls 14 sigma away).
    # r = 0.390625 on every grid (steps = 16, 64, 256), away from r = 1/6 where FTCS is 4th order.
    errors = []
    for n in (100, 200, 400):
        x, dx = centres(n, 40.0, -20.0)
        steps = round(1.0 / (0.390625 * dx * dx))
        c = dif.ftcs(dif.gaussian(x, 1.0, 1.0), 1.0, dx, 1.0 / steps, steps)
        errors.append(np.max(np.abs(c - dif.gaussian(x, 2.0, 1.0))))
    assert_second_order(errors)
    assert errors[-1] < 1e-4  # 0.1% of the peak 0.2 on the finest grid


def test_crank_nicolson_converges_to_gaussian_at_second_order():
    # dt = dx / 4, so both the dt^2 and the dx^2 error terms shrink by 4 per halving (r up to 2.5).
    errors = []
    for n in (100, 200, 400):
        x, dx = centres(n, 40.0, -20.0)
        steps = round(4.0 / dx)
        c = dif.crank_nicolson(dif.gaussian(x, 1.0, 1.0), 1.0, dx, 1.0 / steps, steps)
        errors.append(np.max(np.abs(c - dif.gaussian(x, 2.0, 1.0))))
    assert_second_order(errors)


def test_crank_nicolson_is_second_order_in_time():
    # Fixed grid, dt halved: successive differences shrink by 4 (the grid's own dx^2 error cancels).
    x, dx = centres(400, 40.0, -20.0)
    c0 = dif.gaussian(x, 1.0, 1.0)
    runs = [dif.crank_nicolson(c0, 1.0, dx, 1.0 / s, s) for s in (5, 10, 20, 40)]
    diffs = [np.max(np.abs(runs[i] - runs[i + 1])) for i in range(3)]
    assert_second_order(diffs)


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson"])
def test_diffusion_couple_from_a_step_matches_erf(solver):
    # Two bars at 1.0 and 0.2 joined at x = 0 (a cell face), ends held far away (erfc(20/2) ~ 2e-45).
    errors = []
    for n in (100, 200, 400):
        x, dx = centres(n, 40.0, -20.0)
        c0 = np.where(x < 0, 1.0, 0.2)
        if solver == "ftcs":
            steps = round(1.0 / (0.390625 * dx * dx))
            c = dif.ftcs(c0, 1.0, dx, 1.0 / steps, steps, bc="fixed")
        else:
            steps = round(4.0 / dx)
            c = dif.crank_nicolson(c0, 1.0, dx, 1.0 / steps, steps, bc="fixed")
        errors.append(np.max(np.abs(c - fick.interdiffusion_profile(x, 1.0, 1.0, 1.0, 0.2))))
    assert_second_order(errors)


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson"])
def test_sealed_walls_match_method_of_images(solver):
    # Source 1.5 m from the left wall of a 10 m box, t = 0.5 s -> 3 s: the pulse hits the wall hard.
    errors = []
    for n in (50, 100, 200):
        x, dx = centres(n, 10.0, 0.0)
        c0 = reflected_gaussian(x, 0.5, 1.0, 1.5, 10.0)
        if solver == "ftcs":
            steps = round(2.5 / (0.390625 * dx * dx))
            c = dif.ftcs(c0, 1.0, dx, 2.5 / steps, steps, bc="noflux")
        else:
            steps = round(10.0 / dx)
            c = dif.crank_nicolson(c0, 1.0, dx, 2.5 / steps, steps, bc="noflux")
        errors.append(np.max(np.abs(c - reflected_gaussian(x, 3.0, 1.0, 1.5, 10.0))))
    assert_second_order(errors)


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson"])
def test_periodic_matches_wrapped_gaussian(solver):
    # Ring of 8 m, spread sqrt(2 D t) = 2.4 m at t = 3 s: the tails overlap across the seam.
    errors = []
    for n in (40, 80, 160):
        x, dx = centres(n, 8.0, 0.0)
        c0 = wrapped_gaussian(x, 1.0, 1.0, 7.0, 8.0)
        if solver == "ftcs":
            steps = round(2.0 / (0.390625 * dx * dx))
            c = dif.ftcs(c0, 1.0, dx, 2.0 / steps, steps, bc="periodic")
        else:
            steps = round(8.0 / dx)
            c = dif.crank_nicolson(c0, 1.0, dx, 2.0 / steps, steps, bc="periodic")
        errors.append(np.max(np.abs(c - wrapped_gaussian(x, 3.0, 1.0, 7.0, 8.0))))
        # Mass is conserved on a ring as well (worst-case round-off bound, see the conservation test).
        assert np.sum(c) == pytest.approx(np.sum(c0), rel=20 * steps * EPS)
    assert_second_order(errors)


def test_ink_drop_2d_matches_product_gaussian():
    # In 2D the point source is g(x, t) g(y, t); r = 0.1953125 <= 1/4 on both grids.
    errors = []
    for n in (40, 80, 160):
        x, dx = centres(n, 16.0, -8.0)
        c0 = np.outer(dif.gaussian(x, 0.5, 1.0), dif.gaussian(x, 0.5, 1.0))
        steps = round(1.0 / (0.1953125 * dx * dx))
        c = dif.diffuse_2d(c0, 1.0, dx, 1.0 / steps, steps)
        exact = np.outer(dif.gaussian(x, 1.5, 1.0), dif.gaussian(x, 1.5, 1.0))
        errors.append(np.max(np.abs(c - exact)))
    assert_second_order(errors)


def test_ink_drop_2d_periodic_and_rectangular():
    # A 30 x 50 ring-torus: a uniform field stays uniform, and a profile varying only along x
    # evolves exactly like the 1D periodic FTCS run (same r, same stencil per row).
    x, dx = centres(50, 5.0, 0.0)
    row = wrapped_gaussian(x, 0.2, 1.0, 1.0, 5.0)
    field = np.tile(row, (30, 1))
    out = dif.diffuse_2d(field, 1.0, dx, 0.2 * dx * dx, 100, bc="periodic")
    one_d = dif.ftcs(row, 1.0, dx, 0.2 * dx * dx, 100, bc="periodic")
    # Each 2D update adds the two y-terms a[i-1,j] + a[i+1,j] - 2 a[i,j] = 0 exactly for equal rows;
    # the 1D and 2D sums are ordered differently, so allow a few ulps per step.
    np.testing.assert_allclose(out, np.tile(one_d, (30, 1)), rtol=0, atol=100 * 8 * EPS * row.max())


# ---------------------------------------------------------------- conservation and boundaries


@pytest.mark.parametrize("solver, dt_factor", [("ftcs", 0.5), ("crank_nicolson", 2.0)])
@pytest.mark.parametrize("bc", ["noflux", "periodic"])
def test_particle_number_conserved_to_round_off(solver, dt_factor, bc):
    rng = np.random.default_rng(7)
    c0 = rng.uniform(0.0, 1.0, 200)
    dx, D, steps = 1e-3, 1e-9, 1000
    dt = dt_factor * dx**2 / D  # r = 1/2 (FTCS limit) or r = 2 (CN)
    c = getattr(dif, solver)(c0, D, dx, dt, steps, bc=bc)
    # Every cell update is a few flops with relative error ~ eps on values <= max(c) (<= 1 + 2r
    # times that for CN's solve), so the total sum moves by at most ~ 8 (1 + 2r) eps sum(c) per step.
    r = D * dt / dx**2
    bound = steps * 8 * (1 + 2 * r) * EPS * np.sum(c0) * dx
    assert abs(np.sum(c) * dx - np.sum(c0) * dx) <= bound
    assert np.ptp(c) < np.ptp(c0)  # and it did actually diffuse


def test_particle_number_conserved_in_2d():
    rng = np.random.default_rng(11)
    c0 = rng.uniform(0.0, 1.0, (64, 48))
    steps = 500
    c = dif.diffuse_2d(c0, 2.0, 0.5, dif.stable_dt(2.0, 0.5, dim=2), steps, bc="noflux")
    bound = steps * 16 * EPS * np.sum(c0)  # 5-point update, ~2x the 1D flop count per cell
    assert abs(np.sum(c) - np.sum(c0)) <= bound
    assert np.ptp(c) < 0.5 * np.ptp(c0)


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson"])
def test_fixed_ends_are_held(solver):
    c0 = np.linspace(3.0, 1.0, 30) ** 2
    c0[10:20] = 10.0
    c = getattr(dif, solver)(c0, 1.0, 0.1, 0.004, 200, bc="fixed")
    assert c[0] == c0[0] and c[-1] == c0[-1]
    assert not np.allclose(c[1:-1], c0[1:-1])


def test_fixed_ring_held_in_2d():
    c0 = np.zeros((20, 25))
    c0[0, :] = 1.0  # a hot top edge feeding the sheet
    c = dif.diffuse_2d(c0, 1.0, 0.1, 0.0025, 300, bc="fixed")
    ring = np.ones_like(c0, dtype=bool)
    ring[1:-1, 1:-1] = False
    np.testing.assert_array_equal(c[ring], c0[ring])
    assert c[1, 12] > 0.1  # the row next to the hot edge has warmed


@pytest.mark.parametrize("p", [0.3, 1.0])
def test_explicit_step_is_the_lattice_walk_with_blocked_hops(p):
    # A walker hops left or right with probability p/2 each; a hop into a wall is blocked and
    # it stays. Build that transition matrix by hand and compare with one FTCS step at r = p/2.
    n = 7
    M = np.zeros((n, n))
    for i in range(n):
        M[i, i] += 1 - p
        M[max(i - 1, 0), i] += p / 2
        M[min(i + 1, n - 1), i] += p / 2
    c0 = np.arange(1.0, n + 1) ** 2
    dx, D = 0.1, 1.0
    c = dif.ftcs(c0, D, dx, (p / 2) * dx**2 / D, 1, bc="noflux")
    np.testing.assert_allclose(c, M @ c0, rtol=1e-14)


def test_crank_nicolson_stays_bounded_for_huge_steps():
    # r = 1000 (2000 times the FTCS limit): CN's amplification factors lie in (-1, 1], so the
    # L2 norm cannot grow; FTCS refuses the same dt.
    rng = np.random.default_rng(3)
    c0 = rng.uniform(0.0, 1.0, 100)
    with pytest.warns(dif.OscillationWarning, match=r"r = D dt / dx\^2 = 1e\+03 > 1"):
        c = dif.crank_nicolson(c0, 1.0, 0.01, 0.1, 50, bc="noflux")
    assert np.linalg.norm(c) <= np.linalg.norm(c0)
    assert np.all(np.isfinite(c))
    with pytest.raises(ValueError, match="largest stable dt"):
        dif.ftcs(c0, 1.0, 0.01, 0.1, 50)


# ---------------------------------------------------------------- the stability limit


def _stable_dt_in_message(message):
    found = re.search(r"largest stable dt is ([0-9.eE+-]+) s", message)
    assert found, message
    return float(found.group(1))


def test_ftcs_accepts_r_exactly_one_half():
    # D and dx chosen so dx**2 / (2 D) is not a round binary number; r may land a ulp above 1/2.
    dx, D = 0.3, 0.7
    c = dif.ftcs(np.arange(10.0), D, dx, dx**2 / (2 * D), 5)
    assert np.all(np.isfinite(c))
    dif.ftcs(np.arange(10.0), D, dx, dif.stable_dt(D, dx) * (1 + 5e-13), 5)  # inside the 1e-12 slack


def test_ftcs_rejects_r_above_one_half_and_names_stable_dt():
    # dx = 1 mm, D = 1e-9 m^2/s: stable dt = 500 s (worked above).
    with pytest.raises(ValueError, match=r"^dt = .*beyond the explicit stability limit") as err:
        dif.ftcs(np.ones(10), 1e-9, 1e-3, 500.0 * (1 + 1e-9), 3)
    assert _stable_dt_in_message(str(err.value)) == pytest.approx(500.0, rel=1e-14)


def test_diffuse_2d_limit_is_one_quarter():
    # dx = 1 mm, D = 1e-9: stable dt in 2D = 1e-6 / 4e-9 = 250 s.
    c0 = np.ones((5, 5))
    dif.diffuse_2d(c0, 1e-9, 1e-3, 250.0, 2)
    with pytest.raises(ValueError, match=r"^dt = .*must be <= 0.25 in 2D") as err:
        dif.diffuse_2d(c0, 1e-9, 1e-3, 251.0, 2)
    assert _stable_dt_in_message(str(err.value)) == pytest.approx(250.0, rel=1e-14)


# ---------------------------------------------------------------- copies, dtypes


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson", "diffuse_2d"])
def test_no_motion_returns_a_float_copy(solver):
    c0 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] if solver == "diffuse_2d" else [1, 2, 3, 4]
    arr = np.array(c0)
    f = getattr(dif, solver)
    for D, steps in ((0.0, 10), (1.0, 0)):
        out = f(arr, D, 1.0, 0.1, steps)
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, arr)
        out[...] = -1.0
        np.testing.assert_array_equal(arr, np.array(c0))  # input untouched


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson"])
def test_input_array_is_never_mutated(solver):
    c0 = np.linspace(0.0, 1.0, 20) ** 2
    keep = c0.copy()
    getattr(dif, solver)(c0, 1.0, 0.1, 0.004, 50, bc="periodic")
    np.testing.assert_array_equal(c0, keep)


# ---------------------------------------------------------------- fallback path

_FALLBACK_SCRIPT = r"""
import os, sys
os.environ["FLOWKIT_DISABLE_NUMBA"] = "1"
import numpy as np
from flowkit import _jit, diffusion as dif
assert not _jit.HAVE_NUMBA and "numba" not in sys.modules
rng = np.random.default_rng(5)
c1 = rng.uniform(0.0, 1.0, 50)
c2 = rng.uniform(0.0, 1.0, (20, 24))
out = {}
for bc in ("noflux", "fixed", "periodic"):
    out["ftcs_" + bc] = dif.ftcs(c1, 1.0, 0.1, 0.004, 100, bc=bc)
    out["cn_" + bc] = dif.crank_nicolson(c1, 1.0, 0.1, 0.03, 100, bc=bc)
    out["d2_" + bc] = dif.diffuse_2d(c2, 1.0, 0.1, 0.002, 100, bc=bc)
np.savez(sys.argv[1], **out)
"""


def test_numpy_fallback_matches_numba(tmp_path):
    from flowkit import _jit

    if not _jit.HAVE_NUMBA:
        pytest.skip("numba not installed: only the fallback exists")
    target = tmp_path / "fallback.npz"
    subprocess.run([sys.executable, "-c", _FALLBACK_SCRIPT, str(target)], check=True)
    saved = np.load(target)
    rng = np.random.default_rng(5)
    c1 = rng.uniform(0.0, 1.0, 50)
    c2 = rng.uniform(0.0, 1.0, (20, 24))
    for bc in ("noflux", "fixed", "periodic"):
        np.testing.assert_allclose(dif.ftcs(c1, 1.0, 0.1, 0.004, 100, bc=bc), saved["ftcs_" + bc], rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            dif.crank_nicolson(c1, 1.0, 0.1, 0.03, 100, bc=bc), saved["cn_" + bc], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            dif.diffuse_2d(c2, 1.0, 0.1, 0.002, 100, bc=bc), saved["d2_" + bc], rtol=0, atol=1e-12
        )


# ---------------------------------------------------------------- bad input

_C0 = np.ones(10)


@pytest.mark.parametrize("solver", ["ftcs", "crank_nicolson"])
@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"D": -1.0}, "D"),
        ({"D": np.nan}, "D"),
        ({"dx": 0.0}, "dx"),
        ({"dt": 0.0}, "dt"),
        ({"dt": -1e-3}, "dt"),
        ({"steps": -1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"bc": "open"}, "bc"),
        ({"c0": np.ones(2)}, "c0"),
        ({"c0": np.ones((4, 4))}, "c0"),
        ({"c0": np.array([1.0, np.inf, 1.0])}, "c0"),
    ],
)
def test_1d_solvers_reject_bad_input(solver, kwargs, name):
    args = {"c0": _C0, "D": 1.0, "dx": 0.1, "dt": 1e-3, "steps": 5, "bc": "noflux"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=rf"^{name} must"):
        getattr(dif, solver)(**args)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"D": -1.0}, "D"),
        ({"dx": -0.1}, "dx"),
        ({"dt": 0.0}, "dt"),
        ({"steps": -2}, "steps"),
        ({"bc": "reflect"}, "bc"),
        ({"c0": np.ones(9)}, "c0"),
        ({"c0": np.ones((2, 9))}, "c0"),
    ],
)
def test_diffuse_2d_rejects_bad_input(kwargs, name):
    args = {"c0": np.ones((5, 5)), "D": 1.0, "dx": 0.1, "dt": 1e-3, "steps": 5, "bc": "noflux"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=rf"^{name} must"):
        dif.diffuse_2d(**args)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: dif.stable_dt(-1.0, 0.1), "D"),
        (lambda: dif.stable_dt(1.0, 0.0), "dx"),
        (lambda: dif.stable_dt(1.0, 0.1, dim=0), "dim"),
        (lambda: dif.stable_dt(1.0, 0.1, dim=4), "dim"),
        (lambda: dif.gaussian(0.0, 0.0, 1.0), "t"),
        (lambda: dif.gaussian(0.0, 1.0, 0.0), "D"),
        (lambda: dif.gaussian(0.0, 1.0, 1.0, N=-1.0), "N"),
        (lambda: dif.gaussian(np.nan, 1.0, 1.0), "x"),
        (lambda: dif.gaussian(0.0, 1.0, 1.0, x0=np.inf), "x0"),
    ],
)
def test_helpers_reject_bad_input(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        call()


def test_fortran_ordered_and_strided_input_give_the_same_answer():
    rng = np.random.default_rng(9)
    field = rng.uniform(size=(12, 17))
    expected = dif.diffuse_2d(np.ascontiguousarray(field.T), 1.0, 0.1, 0.002, 20)
    np.testing.assert_array_equal(dif.diffuse_2d(field.T, 1.0, 0.1, 0.002, 20), expected)
    line = rng.uniform(size=40)
    np.testing.assert_array_equal(
        dif.ftcs(line[::2], 1.0, 0.1, 0.004, 20), dif.ftcs(line[::2].copy(), 1.0, 0.1, 0.004, 20)
    )


# ---------------------------------------------------------------- Crank-Nicolson at large r


def _dense_cn(c0, r, steps, bc):
    """Crank-Nicolson by dense matrices built from the stencil, solved with LAPACK (reference)."""
    n = len(c0)
    L = np.zeros((n, n))
    for i in range(n):
        L[i, i] = -2.0
        for j in (i - 1, i + 1):
            if 0 <= j < n:
                L[i, j] = 1.0
            elif bc == "periodic":
                L[i, j % n] = 1.0
            elif bc == "noflux":
                L[i, i] += 1.0  # the ghost copies the end cell
    if bc == "fixed":
        L[0] = 0.0
        L[-1] = 0.0
    A = np.eye(n) - 0.5 * r * L
    B = np.eye(n) + 0.5 * r * L
    c = np.array(c0, dtype=float)
    for _ in range(steps):
        c = np.linalg.solve(A, B @ c)
    return c


@pytest.mark.parametrize("bc", ["noflux", "periodic", "fixed"])
@pytest.mark.parametrize("r", [0.3, 2.0, 999.0, 1001.0, 1e5])
def test_crank_nicolson_matches_dense_matrices(bc, r):
    # Below r = 1e3 the tridiagonal solve, above it the transform: both are the same
    # map as the dense (I - r/2 L)^-1 (I + r/2 L). Dense LU on a matrix of condition
    # ~ 2r leaves ~ r eps relative error per step: atol = 1e-9 covers r = 1e5, 5 steps.
    c0 = np.exp(-(((np.arange(40) - 17.0) / 3.0) ** 2)) + 0.3 * np.cos(np.arange(40))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dif.OscillationWarning)
        got = dif.crank_nicolson(c0, r, 1.0, 1.0, 5, bc=bc)
    np.testing.assert_allclose(got, _dense_cn(c0, r, 5, bc), rtol=0, atol=1e-9)


@pytest.mark.parametrize("dt", [1e26, 1e18, 1e300])
def test_crank_nicolson_infinite_r_limit(dt):
    # For r -> inf every amplification factor but the uniform mode's is exactly -1
    # in floating point, so after an odd number of steps the non-uniform part flips
    # sign: c -> 2 mean(c) - c when sealed or periodic (mean 0.2 here), and the
    # interior flips about the straight line between the held ends (0 here).
    # Worked by hand; rtol 1e-12. Before: [0, 0, -1, 0, 0] (not conserved) at 1e26
    # and a ZeroDivisionError at 1e18.
    c0 = np.r_[0.0, 0.0, 1.0, 0.0, 0.0]
    for bc, expected in [
        ("noflux", [0.4, 0.4, -0.6, 0.4, 0.4]),
        ("periodic", [0.4, 0.4, -0.6, 0.4, 0.4]),
        ("fixed", [0.0, 0.0, -1.0, 0.0, 0.0]),
    ]:
        with pytest.warns(dif.OscillationWarning, match="flip sign every step"):
            got = dif.crank_nicolson(c0, 1.0, 1.0, dt, 3, bc=bc)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
        with pytest.warns(dif.OscillationWarning):
            np.testing.assert_allclose(dif.crank_nicolson(c0, 1.0, 1.0, dt, 4, bc=bc), c0, rtol=0, atol=1e-15)


@pytest.mark.parametrize("bc", ["noflux", "periodic"])
def test_crank_nicolson_conservative_and_bounded_at_every_r(bc):
    # Round-off of the transform: the total moves by a few eps times sum |c| (bound 64 eps);
    # every |g| <= 1, so the L2 norm cannot grow (slack 1e-12 relative).
    rng = np.random.default_rng(8)
    c0 = rng.uniform(0.0, 1.0, 257)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dif.OscillationWarning)
        for r in np.logspace(-2, 300, 40):
            c = dif.crank_nicolson(c0, 1.0, 1.0, r, 7, bc=bc)
            assert np.all(np.isfinite(c)), r
            assert abs(c.sum() - c0.sum()) <= 64 * EPS * c0.sum(), r
            assert np.linalg.norm(c) <= np.linalg.norm(c0) * (1 + 1e-12), r


def test_crank_nicolson_warns_only_when_wiggles_survive():
    x = np.arange(100.0)
    bump = np.exp(-(((x - 50.0) / 6.0) ** 2))
    # r = 1e5: one step turns the bump upside down (the issue's -0.64); warned.
    with pytest.warns(dif.OscillationWarning, match=r"r = D dt / dx\^2 = 1e\+05 > 1") as record:
        c = dif.crank_nicolson(bump, 1.0, 1.0, 1e5, 1)
    assert c.min() < -0.5 and "range of c0" in str(record[0].message)
    assert c.sum() == pytest.approx(bump.sum(), rel=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("error", dif.OscillationWarning)
        # r = 3 on a bump 6 cells wide: its sign-flipping modes hold ~1e-3 of it, damped
        # by |g| <= 5/7 per step: nothing visible after 10 steps, no warning.
        assert dif.crank_nicolson(bump, 1.0, 1.0, 3.0, 10).min() > 0
        # r <= 1: no mode flips hard enough to matter (g >= -1/3), even for a jump.
        dif.crank_nicolson(np.r_[np.ones(20), np.zeros(20)], 1.0, 1.0, 1.0, 3)
        # many steps at r = 50 damp even the slowest wiggle ((99/101)^2000 ~ 4e-18).
        dif.crank_nicolson(np.r_[np.ones(20), np.zeros(20)], 1.0, 1.0, 50.0, 2000)
    # The same jump after 3 steps at r = 50 still rings: warned.
    with pytest.warns(dif.OscillationWarning):
        dif.crank_nicolson(np.r_[np.ones(20), np.zeros(20)], 1.0, 1.0, 50.0, 3)
