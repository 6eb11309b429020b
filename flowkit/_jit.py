"""The one jit decorator of flowkit.

Every loop kernel in flowkit is decorated with :func:`jit`. With numba present
it is ``numba.njit(cache=True, ...)``, so a compiled kernel is written to disk
once (Binder's ``postBuild`` warms that cache) and later processes load it in
milliseconds. Without numba (Pyodide/JupyterLite, or ``FLOWKIT_DISABLE_NUMBA=1``)
the decorator returns the Python function unchanged; public wrappers then pick
NumPy-vectorised paths or smaller default sizes by looking at
:data:`HAVE_NUMBA`.

Importing this module imports numba (about 125 MiB of resident memory), so only
modules that own a kernel import it.
"""

import os

HAVE_NUMBA = False
if os.environ.get("FLOWKIT_DISABLE_NUMBA", "") in ("", "0"):
    try:
        import numba as _numba

        HAVE_NUMBA = True
    except ImportError:  # pragma: no cover - depends on the platform
        _numba = None

if HAVE_NUMBA:
    prange = _numba.prange
else:
    prange = range


def jit(func=None, *, parallel=False, fastmath=False):
    """Compile ``func`` with ``numba.njit(cache=True)``, or return it unchanged.

    Parameters
    ----------
    func : callable, optional
        The kernel. When omitted, returns a decorator (``@jit(parallel=True)``).
    parallel : bool
        Let numba run ``prange`` loops on all cores.
    fastmath : bool
        Allow numba to reorder floating-point arithmetic (only for kernels whose
        result does not depend on summation order).
    """

    def decorate(f):
        if not HAVE_NUMBA:
            return f
        return _numba.njit(cache=True, parallel=parallel, fastmath=fastmath)(f)

    if func is not None:
        return decorate(func)
    return decorate
