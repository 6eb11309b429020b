"""Test cells run in the grader's process, on the student's answers taken out as data.

:func:`decode` turns what the kernel sent into Python values, accepting only the plain
types listed in :mod:`.kernel_code` (again with ``type(x) is``, since the kernel may lie).
:func:`run_test` runs a test cell's visible and hidden lines with those values and the
real :mod:`flowkit.check`, through :class:`RedactingCheck`: a failed check keeps its
diagnosis (wrong sign, power of ten, factor 2, type, shape, NaN) but loses the expected
value, so even a hidden ``check.close(x, 4.2e-3)`` written without ``hidden=True`` cannot
reveal it.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import io
import json
import math
import re
import signal
import types

import numpy as np

from flowkit import check as real_check

ALLOWED_DTYPE_KINDS = "biufc"


class Refused(Exception):
    """A value that is not plain data."""


def decode(item):
    """One value from the kernel's JSON, or raise :class:`Refused`."""
    if not isinstance(item, dict):
        raise Refused("malformed")
    kind = item.get("k")
    if kind == "bool" and type(item.get("v")) is bool:
        return item["v"]
    if kind == "int" and type(item.get("v")) is str and re.fullmatch(r"-?\d{1,1300}", item["v"]):
        return int(item["v"])
    if kind == "float" and type(item.get("v")) is str:
        return float.fromhex(item["v"])
    if kind == "complex" and type(item.get("v")) is list and len(item["v"]) == 2:
        return complex(float.fromhex(item["v"][0]), float.fromhex(item["v"][1]))
    if kind == "str" and type(item.get("v")) is str:
        return item["v"]
    if kind == "none":
        return None
    if kind in ("npscalar", "ndarray"):
        dtype = np.dtype(str(item.get("dtype")))
        if dtype.kind not in ALLOWED_DTYPE_KINDS or dtype.fields is not None or dtype.hasobject:
            raise Refused(f"an array of dtype {dtype}")
        raw = base64.b64decode(str(item.get("b64", "")), validate=True)
        if kind == "npscalar":
            if len(raw) != dtype.itemsize:
                raise Refused("malformed")
            return np.frombuffer(raw, dtype=dtype)[0]
        shape = item.get("shape")
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape) and len(shape) <= 32):
            raise Refused("malformed")
        if len(raw) != dtype.itemsize * math.prod(shape):
            raise Refused("malformed")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if kind in ("list", "tuple") and type(item.get("v")) is list:
        values = [decode(v) for v in item["v"]]
        return values if kind == "list" else tuple(values)
    if kind == "missing":
        raise KeyError
    raise Refused(str(item.get("t", "unknown"))[:80])


def decode_payload(text):
    """{name: value} and {name: why refused} from the kernel's reply (a JSON string)."""
    values, refused = {}, {}
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return values, {"*": "the kernel's reply was not readable"}
    if not isinstance(data, dict):
        return values, {"*": "the kernel's reply was not readable"}
    for name, item in data.items():
        try:
            values[name] = decode(item)
        except KeyError:
            pass  # not defined: the test cell's NameError says so
        except Refused as exc:
            refused[name] = str(exc)
        except (ValueError, TypeError, OverflowError):
            refused[name] = "malformed"
    return values, refused


# --------------------------------------------------------------------------- redaction


def _forms(value):
    """How check's messages (4 significant digits) or a print could render ``value``."""
    out = set()
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        return out
    for v in arr[:1000]:
        if math.isfinite(v) and v != 0:
            out |= {f"{v:.4g}", f"{v:.6g}", f"{v:.3g}", repr(float(v))}
    return out


class RedactingCheck(types.SimpleNamespace):
    """``flowkit.check`` for the grader: same verdicts, messages without expected values."""

    def __init__(self):
        super().__init__()
        self.expected = []
        for name in real_check.__all__:
            setattr(self, name, self._wrap(name, getattr(real_check, name)))

    def _wrap(self, name, func):
        def call(*args, **kwargs):
            if name in ("close", "array_close"):
                exp = kwargs.get("expected", args[1] if len(args) > 1 else None)
                self.expected.append(exp)
            return func(*args, **kwargs)

        call.__name__ = name
        return call

    def redact(self, text, values_too=True):
        text = re.sub(r"\s*Expected: .*?\(tolerance ([^)]*)\)\.", r" (tolerance \1).", text)
        text = re.sub(r" where [^;]*? is expected\.", ".", text)
        text = re.sub(
            r", but it should be zero \(to within [^)]*\)\.",
            ", which is not close enough to the value the grader expects.",
            text,
        )
        text = re.sub(r" \(within [^)]* of the expected value\)", "", text)
        for exp in self.expected if values_too else ():
            for form in sorted(_forms(exp), key=len, reverse=True):
                text = re.sub(rf"(?<![\w.]){re.escape(form)}(?![\w])", "...", text)
        return text


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def run_code(code, namespace, seconds=60):
    """Run lecturer code; return (passed, printed text, ``ErrorName: message`` or '')."""
    out = io.StringIO()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(compile(code, "<test cell>", "exec"), namespace)  # noqa: S102 (lecturer's test code, plain data)
        return True, out.getvalue(), ""
    except _Timeout:
        return False, out.getvalue(), "TimeoutError: the check took too long"
    except Exception as exc:  # the student's answer fails the lecturer's check
        return False, out.getvalue(), f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_test(test, base_namespace, values, refused, literal_forms=()):
    """Grade one test cell: {'passed', 'visible_passed', 'text', 'error'}."""
    messages = []
    for name in test.answers:
        if name in refused:
            messages.append(
                f"Keep working: {name} is {refused[name]}, not a plain number, string or NumPy array; "
                "the grader accepts only those."
            )
    results = {}
    check_proxy = RedactingCheck()
    for part, code in (("visible", test.visible), ("full", test.source)):
        namespace = dict(base_namespace)
        namespace["check"] = check_proxy
        namespace.update({k: v for k, v in values.items() if k in test.answers})
        results[part] = run_code(code, namespace)
    passed, printed, error = results["full"]
    # the student's own answer, when right, may be shown; a failure never shows the expected value
    text = check_proxy.redact(printed, values_too=not passed)
    error = check_proxy.redact(error, values_too=True)
    if not passed:
        for form in sorted(literal_forms, key=len, reverse=True):
            text = re.sub(rf"(?<![\w.]){re.escape(form)}(?![\w])", "...", text)
            error = re.sub(rf"(?<![\w.]){re.escape(form)}(?![\w])", "...", error)
    if messages:
        text = "\n".join(messages) + ("\n" + text if text else "")
    return {
        "passed": bool(passed) and not any(n in refused for n in test.answers),
        "visible_passed": bool(results["visible"][0]),
        "text": text,
        "error": error,
    }


def names_in(code):
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
