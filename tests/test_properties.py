"""Every public physics function, driven with generated bad and extreme inputs (Hypothesis).

The contract (issue 18, and the promise of ``flowkit/_validate.py``): a call
either returns finite numbers, or raises a ValueError/TypeError whose message
names the parameter. No other exception (no ZeroDivisionError, OverflowError,
numba or NumPy error), and no inf or NaN unless it is a documented limit in
``ALLOWED_NONFINITE`` below.

Functions are enumerated from each module's ``__all__``, so a new public
function fails ``test_every_public_function_has_a_spec`` until it gets an
entry in ``SPECS``: one nominal (valid) call plus the kind of each parameter,
which says what bad and extreme values to try.

Two properties per function:

* one parameter at a time gets a bad or extreme value (wrong type, NaN, inf,
  sign, subnormal, 1e308, an array where one number belongs, a huge count),
  the others stay nominal: an error must name *that* parameter;
* every numeric parameter at once takes a value anywhere in its allowed
  range (1e-300 .. 1e300 and subnormals): the result must be finite, or an
  error must name one of the parameters.

Hypothesis runs derandomized (the same examples in every run, so CI cannot
flake) with a moderate number of examples; sizes stay small, and a size-limit
refusal is a ValueError like any other.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import math
import re
import signal
import warnings
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowkit import _validate

# The physics modules, and check (its lecturer-side arguments). flowkit.limits is a setting, not physics:
# its size parsing is tested in tests/test_limits.py.
MODULES = ["flux", "fick", "diffusion", "randomwalk", "thermo", "analogies", "applications", "check"]

# Values of the wrong type for a number: none may be taken as a number.
NOT_NUMBERS = [
    "1.0",
    b"1",
    True,
    np.True_,
    1 + 1j,
    np.complex128(2.0),
    {},
    {"value": 1.0},
    object(),
    None,
    [1.0, "a"],
    [[1.0], [1.0, 2.0]],
    np.array(["1.0"]),
    np.array([True, False]),
]
NONFINITE = [math.nan, math.inf, -math.inf, np.float64("nan"), np.array([1.0, math.nan])]
EXTREME = [5e-324, -5e-324, 1e-300, 1e-30, 1e30, 1e300, 1.7976931348623157e308, -1e300, -1.0, 0.0, -0.0]
HUGE_COUNTS = [10**12, 10**30, 2**63, 2**64 + 1, 1e300]
BAD_COUNTS = [2.5, -1, -(2**63), math.inf, math.nan, "3", True, None, np.ones(3), 3 + 0j]


@dataclass
class P:
    """One parameter: its kind decides the bad values tried; ``nominal`` is a valid value."""

    # real | pos | nonneg | prob | array | optional (None or pos) | rtol | count | seed | gate | choice | label
    # | bool | shape | traps | option | options | question | fixed (the student's answer: never varied)
    kind: str
    nominal: object
    scalar: bool = False  # one number only: an array must be refused by name
    options: tuple = ()


@dataclass
class Spec:
    params: dict[str, P] = field(default_factory=dict)
    # how many examples each property gets (the slow ones get fewer)
    examples: int = 40


def real(x, scalar=False):
    return P("real", x, scalar)


def pos(x, scalar=False):
    return P("pos", x, scalar)


def nonneg(x, scalar=False):
    return P("nonneg", x, scalar)


def prob(x, scalar=False):
    return P("prob", x, scalar)


def count(x):
    return P("count", x, True)


def arr(x):
    return P("array", np.asarray(x, dtype=float))


X5 = np.linspace(0.0, 1e-5, 5)

SPECS: dict[str, Spec] = {
    # ------------------------------------------------------------------ flux
    "flux.beam_rate": Spec({"current": nonneg(1e-3), "charge": real(1.602e-19)}),
    "flux.beam_flux": Spec({"current": nonneg(1e-3), "charge": real(1.602e-19), "area": pos(1e-6)}),
    "flux.lorentz_factor": Spec({"velocity": real(1e8)}),
    "flux.number_four_flux": Spec({"n0": nonneg(1e6), "velocity": real(1e8)}),
    "flux.boost": Spec({"four_flux": arr([3e14, 1e13, 0.0, 0.0]), "velocity": real(1e7)}),
    "flux.rest_density": Spec({"four_flux": arr([3e14, 1e13, 0.0, 0.0])}),
    "flux.mean_speed": Spec({"mass": pos(6.6e-27), "T": pos(300.0)}),
    "flux.effusion_flux": Spec({"n": nonneg(2.4e25), "mean_speed": nonneg(1260.0)}),
    # ------------------------------------------------------------------ fick
    "fick.flux": Spec({"c": arr([1.0, 2.0, 4.0, 3.0]), "dx": pos(1e-3, scalar=True), "D": nonneg(1e-9)}),
    "fick.steady_flux": Spec({"D": nonneg(1e-9), "c_high": nonneg(10.0), "c_low": nonneg(1.0), "thickness": pos(1e-4)}),
    "fick.arrhenius": Spec({"D0": pos(2e-5), "Q": nonneg(1.4e5), "T": pos(1000.0)}),
    "fick.interdiffusion_profile": Spec(
        {"x": real(X5), "t": pos(3600.0), "D": pos(1e-14), "c_left": nonneg(1.0), "c_right": nonneg(0.0)}
    ),
    "fick.interface_flux": Spec({"t": pos(3600.0), "D": pos(1e-14), "c_left": nonneg(1.0), "c_right": nonneg(0.0)}),
    # ------------------------------------------------------------------ diffusion
    "diffusion.ftcs": Spec(
        {
            "c0": arr([0.0, 0.0, 1.0, 0.0, 0.0]),
            "D": nonneg(1e-9, scalar=True),
            "dx": pos(1e-4, scalar=True),
            "dt": pos(1.0, scalar=True),
            "steps": count(3),
            "bc": P("choice", "noflux", True, ("noflux", "fixed", "periodic")),
        }
    ),
    "diffusion.crank_nicolson": Spec(
        {
            "c0": arr([0.0, 0.0, 1.0, 0.0, 0.0]),
            "D": nonneg(1e-9, scalar=True),
            "dx": pos(1e-4, scalar=True),
            "dt": pos(1.0, scalar=True),
            "steps": count(3),
            "bc": P("choice", "noflux", True, ("noflux", "fixed", "periodic")),
        }
    ),
    "diffusion.stable_dt": Spec({"D": nonneg(1e-9), "dx": pos(1e-4), "dim": P("choice", 1, True, (1, 2, 3))}),
    "diffusion.diffuse_2d": Spec(
        {
            "c0": arr(np.eye(4)),
            "D": nonneg(1e-9, scalar=True),
            "dx": pos(1e-4, scalar=True),
            "dt": pos(1.0, scalar=True),
            "steps": count(3),
            "bc": P("choice", "noflux", True, ("noflux", "fixed", "periodic")),
        }
    ),
    "diffusion.gaussian": Spec({"x": real(X5), "t": pos(10.0), "D": pos(1e-9), "N": nonneg(1.0), "x0": real(0.0)}),
    # ------------------------------------------------------------------ randomwalk
    "randomwalk.diffusion_coefficient": Spec({"p": prob(0.5), "ell": pos(1e-9), "tau": pos(1e-12)}),
    "randomwalk.gate_flux": Spec(
        {"count_left": nonneg(100.0), "count_right": nonneg(20.0), "p": prob(0.5), "tau": pos(1e-3), "area": pos(1e-6)}
    ),
    "randomwalk.walk": Spec(
        {"n_walkers": count(20), "steps": count(10), "p": prob(0.5, scalar=True), "seed": P("seed", 1)}
    ),
    "randomwalk.msd": Spec(
        {"n_walkers": count(20), "steps": count(10), "p": prob(0.5, scalar=True), "seed": P("seed", 1)}
    ),
    "randomwalk.walk_2d": Spec(
        {"n_walkers": count(20), "steps": count(10), "p": prob(0.5, scalar=True), "seed": P("seed", 1)}
    ),
    "randomwalk.sample_final_displacements": Spec(
        {"n_walkers": count(20), "steps": count(10), "p": prob(0.5, scalar=True), "seed": P("seed", 1)}
    ),
    "randomwalk.sample_final_histogram": Spec(
        {"n_walkers": count(20), "steps": count(10), "p": prob(0.5, scalar=True), "seed": P("seed", 1)}
    ),
    "randomwalk.exact_displacement_pmf": Spec({"steps": count(10), "p": prob(0.5, scalar=True)}),
    "randomwalk.gate_crossings_sd": Spec({"count_left": nonneg(100.0), "count_right": nonneg(20.0), "p": prob(0.5)}),
    "randomwalk.msd_from_counts": Spec({"positions": arr([-1.0, 0.0, 1.0]), "counts": arr([1.0, 2.0, 1.0])}),
    "randomwalk.lattice_gas": Spec(
        {
            "counts": arr([5, 0, 0, 3]),
            "steps": count(5),
            "p": prob(0.5, scalar=True),
            "seed": P("seed", 1),
            "bc": P("choice", "noflux", True, ("noflux", "periodic")),
            "gate": P("gate", 1),
        }
    ),
    "randomwalk.master_equation": Spec(
        {
            "prob": arr([0.0, 1.0, 0.0, 0.0]),
            "steps": count(5),
            "p": prob(0.5, scalar=True),
            "bc": P("choice", "noflux", True, ("noflux", "periodic")),
        }
    ),
    "randomwalk.lattice_gas_2d": Spec(
        {
            "counts": arr([[5, 0], [0, 3]]),
            "steps": count(5),
            "p": prob(0.5, scalar=True),
            "seed": P("seed", 1),
            "bc": P("choice", "noflux", True, ("noflux", "periodic")),
        }
    ),
    # no inputs to drive; that it compiles every kernel is tested in tests/test_randomwalk.py
    "randomwalk.warm_up": Spec({}, examples=0),
    # ------------------------------------------------------------------ thermo
    "thermo.thermal_wavelength": Spec({"mass": pos(6.6e-27), "T": pos(300.0)}),
    "thermo.chemical_potential": Spec({"P": pos(1e5), "T": pos(300.0), "mass": pos(6.6e-27)}),
    "thermo.chemical_potential_density": Spec({"n": pos(2.4e25), "T": pos(300.0), "mass": pos(6.6e-27)}),
    "thermo.delta_mu": Spec({"P1": pos(2e5), "P2": pos(1e5), "T": pos(300.0)}),
    "thermo.sackur_tetrode": Spec({"N": nonneg(1e22), "V": pos(1e-3), "T": pos(300.0), "mass": pos(6.6e-27)}),
    "thermo.two_reservoirs": Spec(
        {
            "N1": pos(3e20, scalar=True),
            "N2": pos(1e20, scalar=True),
            "V1": pos(1e-3, scalar=True),
            "V2": pos(1e-3, scalar=True),
            "T": pos(300.0, scalar=True),
            "conductance": nonneg(1e35, scalar=True),
            "t": nonneg(np.array([0.0, 1e-9, 1e-6])),
            "mass": pos(6.6e-27, scalar=True),
        },
        examples=30,
    ),
    "thermo.onsager_fluxes": Spec({"L": arr([[2.0, 0.5], [0.5, 1.0]]), "X": arr([1.0, -1.0])}),
    "thermo.entropy_production": Spec({"L": arr([[2.0, 0.5], [0.5, 1.0]]), "X": arr([1.0, -1.0]), "T": pos(300.0)}),
    "thermo.validate_onsager": Spec({"L": arr([[2.0, 0.5], [0.5, 1.0]])}),
    "thermo.dorn_field": Spec(
        {
            "zeta": real(-0.05),
            "volume_fraction": prob(0.01),
            "delta_rho": real(1000.0),
            "conductivity": pos(0.01),
            "eps_r": pos(78.5),
            "eta": pos(8.9e-4),
            "g": nonneg(9.81),
        }
    ),
    "thermo.barometric_density": Spec(
        {
            "h": real(np.array([0.0, 1e3, 1e4])),
            "T": pos(300.0),
            "mass": pos(4.8e-26),
            "n0": nonneg(2.5e25),
            "g": nonneg(9.81),
        }
    ),
    # ------------------------------------------------------------------ analogies
    "analogies.kinetic_viscosity": Spec(
        {"n": nonneg(2.4e25), "mass": pos(4.65e-26), "mean_speed": nonneg(475.0), "mean_free_path": nonneg(6.6e-8)}
    ),
    "analogies.mean_free_path": Spec({"n": pos(2.4e25), "d": pos(3.7e-10)}),
    "analogies.hard_sphere_viscosity": Spec({"mass": pos(4.65e-26), "T": pos(300.0), "d": pos(3.7e-10)}),
    "analogies.couette_startup": Spec(
        {
            "y": nonneg(np.linspace(0, 1e-3, 5)),
            "t": nonneg(0.1),
            "U": real(0.01),
            "nu": pos(1e-6),
            "h": P("optional", 1e-3),
        }
    ),
    "analogies.couette_startup_numerical": Spec(
        {
            "t": nonneg(0.1, scalar=True),
            "U": real(0.01, scalar=True),
            "nu": pos(1e-6, scalar=True),
            "h": P("optional", 1e-3, scalar=True),
            "cells": count(11),
            "steps": count(4),
        },
        examples=30,
    ),
    "analogies.fermi_wavevector": Spec({"n": nonneg(8.5e28), "g": count(2)}),
    "analogies.fermi_velocity": Spec({"n": nonneg(8.5e28), "mass": pos(9.1e-31), "g": count(2)}),
    "analogies.fermi_energy": Spec({"n": nonneg(8.5e28), "mass": pos(9.1e-31), "g": count(2)}),
    "analogies.fermi_effusion_flux": Spec({"n": nonneg(8.5e28), "mass": pos(9.1e-31), "g": count(2)}),
    "analogies.effusion_flux_fd": Spec({"n": pos(8.5e28), "mass": pos(9.1e-31), "T": pos(300.0), "g": count(2)}),
    "analogies.fermi_dirac_integral": Spec(
        {"j": P("choice", 0.5, True, (-0.5, 0.5, 1)), "eta": real(np.array([-5.0, 0.0, 5.0]))}
    ),
    # ------------------------------------------------------------------ applications
    "applications.solar_wind_pressure": Spec({"n": nonneg(5e6), "v": nonneg(4e5), "mass": pos(1.67e-27)}),
    "applications.magnetopause_standoff": Spec({"n": pos(5e6), "v": pos(4e5), "B0": pos(3.12e-5)}),
    "applications.coffee_ring_flux": Spec({"r": nonneg(np.array([0.0, 5e-4])), "R": pos(1e-3)}),
    "applications.coffee_ring_velocity": Spec(
        {"r": nonneg(np.array([0.0, 5e-4])), "R": pos(1e-3), "t": nonneg(10.0), "t_f": pos(100.0)}
    ),
    "applications.coffee_ring_deposit": Spec({"t": nonneg(np.array([0.0, 50.0])), "t_f": pos(100.0)}),
    "applications.drop_evaporation_rate": Spec(
        {"R": pos(1e-3), "D_v": pos(2.5e-5), "c_sat": nonneg(0.02), "humidity": prob(0.5)}
    ),
    "applications.drop_drying_time": Spec(
        {
            "R": pos(1e-3),
            "theta": pos(0.4),
            "D_v": pos(2.5e-5),
            "c_sat": pos(0.02),
            "humidity": prob(0.5),
            "density": pos(997.0),
        }
    ),
    "applications.stokes_einstein": Spec({"radius": pos(1e-8), "T": pos(310.0), "eta": pos(1e-3)}),
    "applications.nodal_peclet": Spec({"U": nonneg(1e-5), "L": pos(5e-5), "D": pos(1e-10)}),
    "applications.nodal_profile": Spec(
        {
            "x": nonneg(np.linspace(0, 5e-5, 5)),
            "U": nonneg(1e-5, scalar=True),
            "L": pos(5e-5, scalar=True),
            "D": pos(1e-10, scalar=True),
        }
    ),
    # ------------------------------------------------------------------ check (lecturer-side arguments only;
    # the student's ``answer`` has its own student-facing messages and stays nominal)
    "check.close": Spec(
        {
            "answer": P("fixed", 1.0),
            "expected": real(1.0, scalar=True),
            "rtol": P("rtol", 0.01, True),
            "unit": P("label", "m"),
            "name": P("label", "J"),
            "atol": nonneg(0.0, scalar=True),
            "hidden": P("bool", False),
        }
    ),
    "check.within": Spec(
        {
            "answer": P("fixed", 1.0),
            "low": real(0.5, scalar=True),
            "high": real(2.0, scalar=True),
            "unit": P("label", "m"),
            "name": P("label", "J"),
        }
    ),
    "check.sign": Spec(
        {
            "answer": P("fixed", 1.0),
            "expected": P("choice", 1, True, (1, -1, "positive", "negative", "+", "-")),
            "name": P("label", "J"),
            "reason": P("label", ""),
        }
    ),
    "check.array_close": Spec(
        {
            "answer": P("fixed", np.array([1.0, 2.0])),
            "expected": arr([1.0, 2.0]),
            "rtol": P("rtol", 0.01, True),
            "atol": nonneg(0.0, scalar=True),
            "unit": P("label", "m"),
            "name": P("label", "c"),
            "hidden": P("bool", False),
        }
    ),
    "check.shape": Spec({"answer": P("fixed", np.zeros(3)), "expected": P("shape", (3,)), "name": P("label", "v")}),
    "check.number": Spec({"answer": P("fixed", 1.0), "name": P("label", "J")}),
    # the coaching checks: they never raise for the student's answer, only for a mis-specified check
    "check.prediction": Spec(
        {
            "answer": P("fixed", 0.5),
            "expected": real(0.5, scalar=True),
            "rtol": P("rtol", 0.05, True),
            "traps": P("traps", ((2.0, "More area, same flux per area."),)),
            "hint": P("label", "Write J = I/(qA)."),
            "why": P("label", "Half the flux."),
            "unit": P("label", ""),
            "name": P("label", "flux factor"),
            "blank": P("label", "your prediction"),
        }
    ),
    "check.multiple_choice": Spec(
        {
            "answer": P("fixed", "b"),
            "correct": P("option", "b"),
            "options": P("options", {"a": "One-sided count.", "b": "Net count."}),
            "name": P("label", "your choice"),
        }
    ),
    "check.predict": Spec({"question_id": P("question", "01.area"), "answer": P("fixed", 0.5)}),
    "check.found": Spec({"question_id": P("question", "06.try.geo"), "answer": P("fixed", ...)}),
}

# Results that may be inf or NaN by design: the reason (as documented in the function) and which
# non-finite values it covers. Keep this short: each entry is a documented limit, never a NaN.
ALLOWED_NONFINITE = {
    "diffusion.stable_dt": (
        "+inf: every dt is stable (D = 0, or D so small that dx^2 / (2 dim D) exceeds float64)",
        lambda out: not np.any(np.isnan(out)) and np.all(np.isfinite(out) | (np.asarray(out) > 0)),
    ),
}


def public_functions():
    found = []
    for mod_name in MODULES:
        mod = importlib.import_module(f"flowkit.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            # classes (the Reservoirs result record) and constants are not called with user input
            if callable(obj) and not inspect.isclass(obj):
                found.append(f"{mod_name}.{name}")
    return found


def resolve(qualname):
    mod_name, name = qualname.split(".")
    return getattr(importlib.import_module(f"flowkit.{mod_name}"), name)


def test_every_public_function_has_a_spec():
    missing = sorted(set(public_functions()) - set(SPECS))
    assert not missing, f"public functions without a strategy entry in SPECS: {missing}"
    stale = sorted(set(SPECS) - set(public_functions()))
    assert not stale, f"SPECS entries for functions that are no longer public: {stale}"


@pytest.mark.parametrize("qualname", sorted(SPECS))
def test_spec_matches_signature_and_nominal_call_is_finite(qualname):
    func, spec = resolve(qualname), SPECS[qualname]
    assert list(inspect.signature(func).parameters) == list(spec.params)
    if spec.examples == 0:
        return
    outcome = call(func, nominal(spec), budget=None)  # also compiles or loads its numba kernels
    assert outcome[0] == "ok", f"the nominal call of {qualname} failed: {outcome}"
    assert not nonfinite(outcome[1])


# ---------------------------------------------------------------- strategies


def nominal(spec):
    return {name: p.nominal for name, p in spec.params.items()}


def arrays_like(p):
    """Arrays of valid-looking entries: where one number belongs, or of the wrong shape where an array does."""
    base = np.asarray(p.nominal, dtype=float) if p.kind not in ("count", "choice") else np.asarray(1.0)
    return [
        np.full(3, base.ravel()[0] if base.size else 1.0),
        np.full((2, 7), base.ravel()[0] if base.size else 1.0),
        np.array([]),
    ]


def bad_values(p):
    """A strategy of bad or extreme values for one parameter of kind ``p.kind``."""
    if p.kind in ("real", "pos", "nonneg", "prob", "array", "optional", "rtol"):
        numbers = st.one_of(
            st.sampled_from(EXTREME + NONFINITE),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(2**70), max_value=2**70),
            st.just(Fraction(1, 3)),
        )
        curated = NOT_NUMBERS if p.kind != "optional" else [v for v in NOT_NUMBERS if v is not None]
        return st.one_of(numbers, st.sampled_from(curated), st.sampled_from(arrays_like(p)))
    if p.kind == "count":
        return st.one_of(
            st.sampled_from(HUGE_COUNTS + BAD_COUNTS + [0, 1, 2, 3.0, np.int64(5)]),
            st.integers(min_value=-10, max_value=50),  # small: a mid-sized count would only cost time
        )
    if p.kind == "gate":
        return st.sampled_from([-1, 2.5, "1", True, 10**12, np.ones(2), 1 + 0j, 4, 3, 0, None])
    if p.kind == "seed":
        return st.sampled_from([-1, 1.7, "1", True, 2**64, 2**200, np.float64(3.0), {}, np.ones(2), None, 0])
    if p.kind == "choice":
        return st.sampled_from(
            ["open", "", None, True, np.ones(3), 0.25, {}, "NOFLUX", 2, -2, 0.5 + 0j] + list(p.options)
        )
    if p.kind == "label":
        return st.sampled_from([None, 1, 1.0, b"m", ["m"], True, ""])
    if p.kind == "bool":
        return st.sampled_from([0, 1, "True", None, np.ones(2), 1.0, np.True_])
    if p.kind == "shape":
        return st.sampled_from([(-1,), (2.5,), ("3",), "3", None, 3.0, (True,), (10**30,), {}, (3, 4)])
    if p.kind == "traps":
        return st.sampled_from(
            [None, 5, "x", [(1.0,)], [(1.0, 2.0)], [("1", "a")], [(np.nan, "a")], [((2.0, 1.0), "a")], {}]
        )
    if p.kind == "option":
        return st.sampled_from([None, "z", 1.5, {}, np.ones(2), True, ""])
    if p.kind == "options":
        return st.sampled_from([None, {}, [], {"a": 1}, {"b": ""}, {"": "x"}, "ab", {None: "x", "b": "y"}])
    if p.kind == "question":
        return st.sampled_from([None, "nope", "01", 1, 1.5, np.ones(2), {}, "01.area ", b"01.area"])
    if p.kind == "fixed":
        return st.just(p.nominal)
    raise AssertionError(f"unknown kind {p.kind}")


def in_range(p):
    """A strategy of valid but extreme values for a numeric parameter (for the joint property)."""
    tiny = st.sampled_from([5e-324, 1e-308, 1e-300, 1e-100, 1e-30, 1.0, 1e30, 1e100, 1e300, 1.7976931348623157e308])
    if p.kind == "pos":
        return st.one_of(tiny, st.floats(min_value=5e-324, max_value=1.7976931348623157e308))
    if p.kind in ("nonneg",):
        return st.one_of(tiny, st.just(0.0), st.floats(min_value=0.0, max_value=1.7976931348623157e308))
    if p.kind == "real":
        return st.one_of(tiny, tiny.map(lambda v: -v), st.floats(allow_nan=False, allow_infinity=False))
    if p.kind == "prob":
        return st.one_of(st.sampled_from([0.0, 5e-324, 1e-300, 0.5, 1.0 - 1e-16, 1.0]), st.floats(0.0, 1.0))
    if p.kind == "optional":
        return st.one_of(st.none(), tiny, st.floats(min_value=5e-324, max_value=1.7976931348623157e308))
    if p.kind == "count":
        return st.sampled_from([0, 1, 2, 3])  # huge counts: one at a time, in the other property
    if p.kind == "seed":
        return st.one_of(st.none(), st.integers(min_value=0, max_value=2**128))
    return st.just(p.nominal)


def varied(p, value):
    """``value`` shaped like the nominal of an array parameter (a scalar for a scalar one)."""
    base = np.asarray(p.nominal)
    if p.kind in ("array",) or (not p.scalar and base.ndim > 0 and p.kind in ("real", "pos", "nonneg")):
        return np.full(base.shape, value, dtype=float)
    return value


# ---------------------------------------------------------------- calling and judging


class OverBudget(BaseException):
    """Raised by the CPU-time alarm; a BaseException, like Ctrl-C, so no ``except Exception`` swallows it."""


def _over_budget(signum, frame):
    raise OverBudget


# Run time alone is never refused (issue 18): walk(20, 10**12) starts, and runs in pieces that an
# interrupt stops. The test interrupts such a call after this much CPU time, the way Ctrl-C would.
BUDGET_S = 0.5
#: CPU seconds between repeated alarms once the budget is spent.
REPEAT_S = 0.1


def call(func, kwargs, budget=BUDGET_S):
    """('ok', result), ('raised', exception) or ('interrupted', None); stdout (the checks print) swallowed.

    ``budget=None``: no time limit (the first call of a numba kernel may compile it)."""
    previous = signal.signal(signal.SIGPROF, _over_budget)  # SIGALRM belongs to pytest-timeout
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an overflow warning before a ValueError, or OscillationWarning, is fine
            # The alarm repeats: a raise that lands in a callback Python cannot propagate from (a gc
            # callback of Hypothesis's, say) is swallowed as "unraisable", and a one-shot alarm would
            # then let a 10**12-step call run on until pytest-timeout (seen in CI: 900 s lost).
            signal.setitimer(signal.ITIMER_PROF, budget or 0, REPEAT_S if budget else 0)
            try:
                return "ok", func(**kwargs)
            except SystemError as exc:
                if isinstance(exc.__cause__, OverBudget):
                    # the alarm landed inside numba's dispatcher, which reports it as a SystemError
                    return "interrupted", None
                return "raised", exc
            except Exception as exc:  # judged by the caller
                return "raised", exc
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
    except OverBudget:
        return "interrupted", None
    finally:
        signal.signal(signal.SIGPROF, previous)


def nonfinite(out):
    """True if any number in the result (scalars, arrays, tuples of them) is inf or NaN."""
    if out is None or isinstance(out, (str, bool)):
        return False
    if isinstance(out, tuple):
        return any(nonfinite(o) for o in out)
    arr_ = np.asarray(out)
    if arr_.dtype.kind in "iub":
        return False
    return not np.all(np.isfinite(arr_))


def names_one_of(message, names):
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?![\w(])", message) for n in names)


def judge(qualname, kwargs, outcome, blamed):
    """Assert the contract for one call; ``blamed`` = the parameter names an error may name."""
    status, value = outcome
    where = f"{qualname}({', '.join(f'{k}={_validate.show(v)}' for k, v in kwargs.items())})"
    if status == "interrupted":
        # accepted only as long work that a huge count asked for, never as a hang on a bad value
        spec = SPECS[qualname].params
        huge = [k for k, v in kwargs.items() if spec[k].kind == "count" and isinstance(v, (int, float)) and v >= 10**6]
        assert huge, f"{where} was still running after {BUDGET_S} s of CPU time"
        return
    if status == "ok":
        if nonfinite(value):
            allowed = qualname in ALLOWED_NONFINITE and ALLOWED_NONFINITE[qualname][1](value)
            assert allowed, f"{where} returned inf or NaN: {_validate.show(value)}"
        return
    exc = value
    if qualname.startswith("check.") and isinstance(exc, AssertionError) and str(exc).startswith("Keep working"):
        return  # the check ran and judged the (fixed) answer against a valid but odd expectation
    assert isinstance(exc, (ValueError, TypeError)), f"{where} raised {type(exc).__name__}: {exc}"
    assert names_one_of(str(exc), blamed), f"{where}: the message does not name {blamed}: {exc}"


FUNCS = sorted(q for q, spec in SPECS.items() if spec.examples > 0)
DERANDOMIZED = dict(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("qualname", FUNCS)
def test_one_bad_argument_is_refused_by_name(qualname):
    func, spec = resolve(qualname), SPECS[qualname]
    func(**nominal(spec))  # compile or load numba kernels outside the time budget
    names = [n for n, p in spec.params.items() if p.kind != "fixed"]

    @settings(max_examples=spec.examples, **DERANDOMIZED)
    @given(data=st.data())
    def run(data):
        name = data.draw(st.sampled_from(names), label="parameter")
        p = spec.params[name]
        value = data.draw(bad_values(p), label=name)
        if data.draw(st.booleans(), label="as array like the nominal"):
            with contextlib.suppress(TypeError, ValueError):
                value = varied(p, value)
        kwargs = nominal(spec) | {name: value}
        judge(qualname, kwargs, call(func, kwargs), [name])

    run()


@pytest.mark.parametrize(
    "qualname",
    [
        q
        for q in FUNCS
        if any(p.kind not in ("fixed", "label", "bool", "choice", "shape") for p in SPECS[q].params.values())
    ],
)
def test_extreme_valid_arguments_give_finite_results_or_a_named_error(qualname):
    func, spec = resolve(qualname), SPECS[qualname]
    func(**nominal(spec))  # compile or load numba kernels outside the time budget

    @settings(max_examples=spec.examples, **DERANDOMIZED)
    @given(data=st.data())
    def run(data):
        kwargs = {
            name: varied(p, data.draw(in_range(p), label=name)) if p.kind != "fixed" else p.nominal
            for name, p in spec.params.items()
        }
        judge(qualname, kwargs, call(func, kwargs), list(spec.params))

    run()


# ---------------------------------------------------------------- what a careless student typed (tried by hand)


def _module(name):
    return importlib.import_module(f"flowkit.{name}")


TYPED = [
    (lambda: _module("flux").mean_speed("4.65e-26 kg", 300), TypeError, r"^mass must be a real number"),
    (lambda: _module("fick").arrhenius(2e-5, 1.4e5, ["1000", "1100"]), TypeError, r"^T must be .*dtype <U4"),
    (lambda: _module("flux").effusion_flux(2.4e25, np.sqrt(-1 + 0j)), TypeError, r"^mean_speed must be real.*complex"),
    (lambda: _module("applications").stokes_einstein({"radius": 1e-8}), TypeError, r"^radius must be .*not a dict"),
    (lambda: _module("randomwalk").walk(10, 10, 0.5, seed=1.7), TypeError, r"^seed must be None, an integer >= 0"),
    (lambda: _module("randomwalk").walk(10, 10, np.array([0.5, 0.5])), ValueError, r"^p must be a single number"),
    (
        lambda: _module("diffusion").ftcs(np.r_[0, 0, 1.0, 0, 0], 1e-9, 1e-4, 1.0, 3, bc=np.ones(3)),
        TypeError,
        r"^bc must be one of 'noflux', 'fixed', 'periodic', not an array",
    ),
    (lambda: _module("diffusion").ftcs(np.r_[0, 0, 1.0, 0, 0], 1e-9, 1e-4, 1.0, 1000.5), ValueError, r"^steps must"),
    (lambda: _module("diffusion").gaussian(np.linspace(-1, 1, 3), 5e-324, 1e-9), ValueError, r"^t is too extreme"),
    (
        lambda: _module("fick").interdiffusion_profile(np.zeros(5), np.ones(3), 1e-14, 1.0, 0.0),
        ValueError,
        r"^x and t must have shapes that broadcast together.*x \(5,\), t \(3,\)$",
    ),
    (lambda: _module("check").close(1.0, 1.0, rtol="1%"), TypeError, r"^rtol must be a real number"),
]


@pytest.mark.parametrize("typed, error, message", TYPED)
def test_what_a_careless_student_typed(typed, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(error, match=message):
            typed()
