"""The package itself: cheap import, the one jit decorator and input validation helpers."""

import re
import subprocess
import sys

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
