"""Code the grader runs inside the student's kernel (silently, outside the history).

:data:`INSTALL` runs once, before any student cell. It keeps private references to
``type``, ``json`` and NumPy so that later patches by the student do not change it, and
installs:

* ``dump(names)``: the student's variables as JSON. A value leaves the kernel only when
  its type is exactly (``type(x) is``) one of ``int``, ``float``, ``complex``, ``str``,
  ``bool``, ``None``, a NumPy scalar type or ``numpy.ndarray`` of a numeric dtype, or a
  ``list``/``tuple`` of those. It is read through the built-in types' own C methods, so no
  method the student defined (``__array__``, ``__float__``, ``__eq__`` ...) ever runs;
  anything else is "refused" and only its type's name leaves the kernel.
* an audit hook (which Python code cannot remove) that logs file access outside the
  submission's folder, programs started and network connections;
* a snapshot of ``builtins``, ``math``, ``numpy`` and ``flowkit.check``, compared with the
  end state by ``probe()`` to report what the student rebound.

None of this is trusted: the student's code runs in the same process and can forge what
it returns. The grader therefore re-checks every value's type on its side, and a forged
value can only be the student's own answer, never the expected one (which is not here).
"""

INSTALL = r"""
def _pfg_install(sandbox):
    import base64, builtins, json, math, os, sys
    import numpy
    import flowkit.check

    _type, _len, _isinstance, _str, _list = type, len, isinstance, str, list
    _float_hex = float.hex
    _name_of = type.__dict__["__name__"].__get__
    _dumps, _b64 = json.dumps, base64.b64encode
    _ndarray, _generic, _asc = numpy.ndarray, numpy.generic, numpy.ascontiguousarray
    scalar_types = frozenset(
        t for t in set(numpy.sctypeDict.values())
        if _isinstance(t, type) and issubclass(t, _generic) and numpy.dtype(t).kind in "biufc"
    )
    max_bytes = 16 * 2**20

    def encode(x, depth=0):
        t = _type(x)
        if t is bool:
            return {"k": "bool", "v": x}
        if t is int:
            return {"k": "int", "v": int.__repr__(x)} if int.bit_length(x) < 4000 else {"k": "refused", "t": "huge int"}
        if t is float:
            return {"k": "float", "v": _float_hex(x)}
        if t is complex:
            return {"k": "complex", "v": [_float_hex(complex.real.__get__(x)), _float_hex(complex.imag.__get__(x))]}
        if t is str:
            return {"k": "str", "v": str.__getitem__(x, slice(0, 2000))}
        if x is None:
            return {"k": "none"}
        if t in scalar_types:
            a = numpy.array(x)
            return {"k": "npscalar", "dtype": a.dtype.str, "b64": _b64(a.tobytes()).decode()}
        if t is _ndarray:
            dt = _ndarray.dtype.__get__(x)
            if dt.kind not in "biufc" or dt.fields is not None or dt.subdtype is not None:
                return {"k": "refused", "t": "numpy.ndarray of dtype " + _str(dt)}
            if _ndarray.nbytes.__get__(x) > max_bytes:
                return {"k": "refused", "t": "an array larger than 16 MiB"}
            a = _asc(x)
            return {"k": "ndarray", "dtype": dt.str, "shape": _list(_ndarray.shape.__get__(x)),
                    "b64": _b64(_ndarray.tobytes(a)).decode()}
        if (t is list or t is tuple) and depth < 3 and _len(x) <= 100000:
            return {"k": _name_of(t), "v": [encode(v, depth + 1) for v in (list.__iter__(x) if t is list else tuple.__iter__(x))]}
        return {"k": "refused", "t": _name_of(t)}

    user_ns = get_ipython().user_ns

    def dump(names):
        out = {}
        for name in names:
            if name in user_ns:
                try:
                    out[name] = encode(user_ns[name])
                except Exception as exc:  # a value that breaks the encoder is refused, never trusted
                    out[name] = {"k": "refused", "t": "unreadable (" + _name_of(_type(exc)) + ")"}
            else:
                out[name] = {"k": "missing"}
        return _dumps(out)

    # ---------------------------------------------------------------- what the student rebinds
    watched = {"builtins": builtins, "math": math, "numpy": numpy, "flowkit.check": flowkit.check}
    before = {label: {k: id(v) for k, v in vars(mod).items()} for label, mod in watched.items()}

    # IPython itself rebinds these around every execution
    ipython_swaps = {"exit", "quit", "get_ipython", "input", "display", "help", "raw_input"}

    def changed():
        found = []
        for label, mod in watched.items():
            now = {k: id(v) for k, v in vars(mod).items()}
            for k in sorted(set(now) | set(before[label])):
                if k.startswith("__") or k == "_" or (label == "builtins" and k in ipython_swaps):
                    continue
                if now.get(k) != before[label].get(k):
                    found.append(label + "." + k)
        if sys.modules.get("flowkit.check") is not flowkit.check:
            found.append("sys.modules['flowkit.check']")
        return found

    # ---------------------------------------------------------------- what it reaches for
    real = os.path.realpath
    allowed = tuple(
        real(p) + os.sep
        for p in {sandbox, sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/lib", "/lib64", "/proc", "/sys",
                  "/dev", "/etc"}
    )
    log = []

    def hook(event, args):
        if _len(log) >= 50:
            return
        try:
            if event in ("open", "os.listdir", "os.scandir", "os.chdir", "glob.glob", "shutil.copyfile"):
                path = args[0] if args else None
                if _isinstance(path, bytes):
                    path = path.decode(errors="replace")
                if _isinstance(path, str):
                    full = real(path if path.startswith("/") else os.path.join(sandbox_cwd(), path))
                    if not (full + os.sep).startswith(allowed):
                        log.append(event + " " + full)
            elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn"):
                log.append(event + " " + _str(args[0])[:200])
            elif event in ("socket.connect", "socket.bind"):
                log.append(event + " " + _str(args[1])[:200])
        except Exception:
            pass

    sandbox_cwd = os.getcwd
    sys.addaudithook(hook)

    def probe():
        return _dumps({"changed": changed(), "log": _list(log)})

    return dump, probe


_pfg_dump, _pfg_probe = _pfg_install(SANDBOX)
del _pfg_install
"""


def install_code(sandbox: str) -> str:
    return INSTALL.replace("SANDBOX", repr(str(sandbox)))
