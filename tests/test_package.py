"""The package itself: cheap import, the one jit decorator and input validation helpers."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from flowkit import _validate as v


def test_import_flowkit_loads_nothing_heavy():
    code = (
        "import sys, flowkit\n"
        "heavy = [m for m in ('numpy', 'scipy', 'numba', 'matplotlib', 'ipywidgets') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("module", ["flux", "fick", "thermo", "analogies", "applications"])
def test_closed_form_modules_do_not_load_numba_or_matplotlib(module):
    # numba costs ~125 MiB a kernel; chapters without a loop kernel must never load it,
    # and physics modules never touch plotting.
    code = f"import sys, flowkit.{module}; print('numba' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_jit_fallback_returns_plain_function(monkeypatch):
    code = (
        "import os; os.environ['FLOWKIT_DISABLE_NUMBA'] = '1'\n"
        "from flowkit import _jit\n"
        "@_jit.jit\n"
        "def twice(x):\n"
        "    return 2 * x\n"
        "assert not _jit.HAVE_NUMBA and _jit.prange is range\n"
        "assert twice(21) == 42 and not hasattr(twice, 'py_func')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_jit_with_numba_compiles():
    pytest.importorskip("numba")
    from flowkit import _jit

    @_jit.jit
    def twice(x):
        return 2 * x

    assert _jit.HAVE_NUMBA
    assert twice(21) == 42 and hasattr(twice, "py_func")


@pytest.mark.parametrize(
    "check, value, fragment",
    [
        (lambda x: v.positive("area", x), 0.0, "area must be > 0"),
        (lambda x: v.nonnegative("D", x), -1.0, "D must be >= 0"),
        (lambda x: v.probability("p", x), 1.5, "p must lie in [0, 1]"),
        (lambda x: v.finite("x", x), np.nan, "x must be finite"),
        (lambda x: v.count("steps", x), 2.5, "steps must be an integer"),
        (lambda x: v.count("steps", x), -3, "steps must be an integer >= 0"),
        (lambda x: v.choice("bc", x, ("noflux", "fixed")), "open", "bc must be one of"),
    ],
)
def test_validation_messages_name_argument_and_value(check, value, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)) as err:
        check(value)
    assert "got" in str(err.value)


def test_validation_returns_float_values():
    assert v.positive("T", 300) == 300.0 and isinstance(v.positive("T", 300), float)
    arr = v.nonnegative("n", [1, 2])
    assert arr.dtype == np.float64 and arr.tolist() == [1.0, 2.0]
    assert v.count("steps", 3.0) == 3


# ---------------------------------------------------------------- strict types (issue 18)

NOT_A_NUMBER = ["1.0", b"1", True, np.False_, 1 + 0j, {}, {"D": 1.0}, object(), None, [1.0, "a"], [[1.0], [1.0, 2.0]]]


@pytest.mark.parametrize("check", [v.finite, v.positive, v.nonnegative, v.probability])
@pytest.mark.parametrize("value", NOT_A_NUMBER, ids=repr)
def test_numbers_refuse_other_types_by_name(check, value):
    # "1.0" and True were taken as 1.0 before; a string gave NumPy's "could not convert string to float"
    with pytest.raises(TypeError, match=r"^D must be (real|a real number)") as err:
        check("D", value, "a diffusion coefficient in m^2/s")
    assert isinstance(err.value, ValueError)  # ArgumentTypeError: code that catches ValueError keeps working
    assert "a diffusion coefficient in m^2/s" in str(err.value) and "got" in str(err.value)


def test_numbers_accept_real_numbers_of_every_kind():
    from fractions import Fraction

    assert v.finite("x", np.int8(3)) == 3.0
    assert v.finite("x", np.float32(0.5)) == 0.5
    assert v.finite("x", Fraction(1, 4)) == 0.25
    assert v.finite("x", 10**20) == 1e20  # a Python int beyond int64 (NumPy makes it an object)
    assert v.finite("x", [[1, 2], [3, 4]]).shape == (2, 2)
    with pytest.raises(ValueError, match=r"^x must be finite in float64"):
        v.finite("x", 10**400)


@pytest.mark.parametrize("value", [np.ones(3), [1.0, 2.0], np.zeros((1, 1))], ids=["array", "list", "2d"])
def test_scalar_parameters_refuse_arrays_by_name(value):
    with pytest.raises(ValueError, match=r"^dt must be a single number \(a time step in s\), not an array; got"):
        v.positive("dt", value, "a time step in s", scalar=True)


@pytest.mark.parametrize(
    "value, error, fragment",
    [
        (True, TypeError, "not a bool"),
        ("3", TypeError, "not a str"),
        (None, TypeError, "not None"),
        (np.ones(3), TypeError, "not an array"),
        (3 + 0j, TypeError, "not a complex"),
        (2.5, ValueError, "got 2.5"),
        (float("inf"), ValueError, "got inf"),
        (float("nan"), ValueError, "got nan"),
        (-1, ValueError, "got -1"),
        (11, ValueError, "got 11"),
    ],
)
def test_count_refuses_non_integers_and_bounds(value, error, fragment):
    with pytest.raises(error, match=r"^steps must be an integer in \[0, 10\] \(time steps\)") as err:
        v.count("steps", value, "time steps", maximum=10)
    assert fragment in str(err.value)


def test_count_accepts_integer_valued_numbers():
    assert v.count("steps", np.int64(4)) == 4 and v.count("steps", np.array(4)) == 4 and v.count("steps", 4.0) == 4
    assert type(v.count("steps", np.uint8(4))) is int


@pytest.mark.parametrize("value", [None, 0, 12345, np.uint64(7), np.random.SeedSequence(1), np.random.default_rng(1)])
def test_seed_accepts_the_documented_kinds(value):
    out = v.seed("seed", value)
    assert out is value or out == value


@pytest.mark.parametrize(
    "value, error", [(1.7, TypeError), (True, TypeError), ("1", TypeError), (np.ones(2), TypeError), (-1, ValueError)]
)
def test_seed_refuses_what_would_be_truncated_or_guessed(value, error):
    with pytest.raises(error, match=r"^seed must be None, an integer >= 0"):
        v.seed("seed", value)


@pytest.mark.parametrize("value", [np.ones(3), None, 1, True], ids=repr)
def test_choice_refuses_non_strings_by_name(value):
    # np.ones(3) gave "truth value of an array is ambiguous"
    with pytest.raises(TypeError, match=r"^bc must be one of 'noflux', 'fixed', not"):
        v.choice("bc", value, ("noflux", "fixed"))


def test_choice_compares_type_and_value():
    assert v.choice("j", 1, (0.5, 1)) == 1
    with pytest.raises(ValueError, match=r"^j must be one of 0.5, 1; got True"):
        v.choice("j", True, (0.5, 1))


def test_flag_text_and_broadcast():
    assert v.flag("hidden", np.True_) is True
    with pytest.raises(TypeError, match=r"^hidden must be True or False, not an int; got 1"):
        v.flag("hidden", 1)
    with pytest.raises(TypeError, match=r"^unit must be a string"):
        v.text("unit", 3)
    assert v.broadcast(x=np.ones(5), t=2.0) == (5,)
    with pytest.raises(ValueError, match=r"^x and t must have shapes that broadcast together.*x \(5,\), t \(3,\)"):
        v.broadcast(x=np.ones(5), t=np.ones(3))


def test_result_converts_and_names_the_input_that_overflowed():
    assert v.result(np.float64(2.0)) == 2.0 and type(v.result(np.float64(2.0))) is float
    assert v.result([1, 2]).dtype == np.float64
    assert np.isnan(v.result(np.nan))  # without inputs nothing is judged
    with pytest.raises(ValueError, match=r"^D is too extreme for float64.*got D=5e-324 \(with U=1e-06, L=1e-05\)"):
        v.result(np.array([np.nan, 1.0]), U=1e-6, L=1e-5, D=5e-324)


def test_show_keeps_messages_short():
    assert v.show(np.arange(10)).startswith("array of shape (10,) (first values [0, 1, 2])")
    assert len(v.show({"k" * 200: 1})) == 80
    assert v.show(np.float64(0.5)) == "0.5"


# ---------------------------------------------------------------- one place for each thing (issue 15)

FLOWKIT = Path(__file__).resolve().parents[1] / "flowkit"

# Private names still imported across modules, with the owner who should make them public or move them.
# Keep empty; an entry here is a known debt, not a permission.
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str]] = set()


def _private_uses(path, text=None):
    """(module, 'flowkit.x._name') for each private name this file (or ``text`` in its place) takes from
    another flowkit module."""
    import ast

    rel = path.relative_to(FLOWKIT.parent).with_suffix("")
    here = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    is_module = {
        ".".join(p.relative_to(FLOWKIT.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in FLOWKIT.rglob("*.py")
    }
    aliases, found = {}, set()
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            if not base.startswith("flowkit"):
                continue
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in is_module:
                    aliases[alias.asname or alias.name] = target
                elif alias.name.startswith("_") and base != here:
                    found.add((here, target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("flowkit"):
                    aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            target = aliases[node.value.id]
            if (
                node.attr.startswith("_")
                and not node.attr.startswith("__")
                and f"{target}.{node.attr}" not in is_module
            ):
                if target != here:
                    found.add((here, f"{target}.{node.attr}"))
    return found


def test_no_private_helper_is_imported_across_modules():
    # a helper another module needs is public (in _validate, _jit, _chunks, limits ...), not copied or reached into
    used = set().union(*(_private_uses(p) for p in FLOWKIT.rglob("*.py")))
    assert used - KNOWN_PRIVATE_IMPORTS == set()


def test_the_private_import_check_can_fail():
    probe = FLOWKIT / "fick.py"
    assert _private_uses(probe) == set()  # fick takes only public helpers from _validate
    text = probe.read_text(encoding="utf-8") + "\nfrom ._validate import _real_array\nx = _v._out\n"
    found = {target for _, target in _private_uses(probe, text)}
    assert found == {"flowkit._validate._real_array", "flowkit._validate._out"}
