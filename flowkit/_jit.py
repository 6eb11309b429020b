"""The one jit decorator of flowkit, and when its kernels may use a second thread.

Every loop kernel in flowkit is decorated with :func:`jit`. With numba present
it is ``numba.njit(cache=True, ...)``, so a compiled kernel is written to disk
once (Binder's ``postBuild`` warms that cache) and later processes load it in
milliseconds. Without numba (Pyodide/JupyterLite, or ``FLOWKIT_DISABLE_NUMBA=1``)
the decorator returns the Python function unchanged; public wrappers then pick
NumPy-vectorised paths or smaller default sizes by looking at
:data:`HAVE_NUMBA` (read it as ``_jit.HAVE_NUMBA`` at call time, so a test can
switch the NumPy paths on by patching this one name).

Importing this module imports numba (about 125 MiB of resident memory), so only
modules that own a kernel import it.

One source, two compilations
----------------------------
A kernel that loops with :data:`prange` can be compiled twice from the same
Python function: ``jit(f)`` runs the loop on one thread, ``jit(f,
parallel=True)`` on all of them. Numba's on-disk cache does not allow that by
itself: a cached binary is filed under the function's qualified name and line,
and looked up by signature and bytecode hash, but *not* by the compile flags.
Compiled both ways, the two dispatchers would share one cache entry, and
whichever compiled second (this process, or any later one) would load the
other's binary: the "serial" kernel would wake threads, or the "parallel" one
would run on a single thread. :func:`jit` therefore compiles the parallel
variant from a copy of the function whose qualified name ends in
``__parallel``, which gives it a cache file of its own.
``tests/test_jit.py`` pins both facts (the numba behaviour and the fix) in fresh
processes, so a numba release that changes either is noticed.

Loading with Ctrl-C held
------------------------
Numba compiles a kernel, or loads it from the disk cache, partly inside
callbacks that cannot pass an exception on: a KeyboardInterrupt raised there is
printed ("Exception ignored on calling ctypes callback function") and dropped,
and the long call that follows then runs to its end as if Ctrl-C had never been
pressed (seen in tests/test_interrupt.py on a fresh clone, where the parallel
kernels compile during the first long call). :func:`load_once` therefore loads
a module's kernels once per process, before its first long call, with SIGINT
held by :func:`interrupt_deferred` and delivered as soon as loading ends.

Threads
-------
:func:`use_threads` is the one place that decides whether a job is worth a
parallel region: big enough, more than one numba thread, and a machine whose
cores are not already busy. Seeded results never depend on the answer.
"""

import contextlib
import os
import signal
import threading
import types

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

#: Below this many elementary updates (hops, or site-steps x 10) a kernel runs
#: on one thread: waking a second thread costs up to ~10 ms on a busy machine,
#: more than the work. Results are identical either way.
PARALLEL_WORK = 1 << 23

#: Suffix of the qualified name under which the ``parallel=True`` compilation
#: of a function is cached (see "One source, two compilations" above).
PARALLEL_SUFFIX = "__parallel"


def _parallel_copy(f):
    """``f`` under another qualified name, so numba caches it in its own file."""
    g = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
    g.__qualname__ = f.__qualname__ + PARALLEL_SUFFIX
    g.__module__ = f.__module__
    g.__doc__ = f.__doc__
    return g


def jit(func=None, *, parallel=False, fastmath=False):
    """Compile ``func`` with ``numba.njit(cache=True)``, or return it unchanged.

    Parameters
    ----------
    func : callable, optional
        The kernel. When omitted, returns a decorator (``@jit(parallel=True)``).
    parallel : bool
        Let numba run ``prange`` loops on all cores. The same Python function
        may also be compiled with ``parallel=False``: the two are cached apart.
    fastmath : bool
        Allow numba to reorder floating-point arithmetic (only for kernels whose
        result does not depend on summation order).
    """

    def decorate(f):
        if not HAVE_NUMBA:
            return f
        source = _parallel_copy(f) if parallel else f
        return _numba.njit(cache=True, parallel=parallel, fastmath=fastmath)(source)

    if func is not None:
        return decorate(func)
    return decorate


def num_threads():
    """Number of threads numba's parallel regions use (1 without numba)."""
    if not HAVE_NUMBA:
        return 1
    return _numba.get_num_threads()


def cores_idle():
    """True unless the machine is already busy (1-minute load >= cores - 0.5).

    A parallel region finishes only when its slowest thread does; on a shared
    machine whose cores are taken by other processes, the second thread waits
    for a time slice at every region and the parallel kernel runs slower than
    the serial one (measured here: 2-3x slower). Results do not depend on the
    choice.
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - platforms without loadavg
        return True
    return load < (os.cpu_count() or 1) - 0.5


def use_threads(work):
    """Whether a job of ``work`` elementary updates should run in parallel."""
    return work >= PARALLEL_WORK and num_threads() > 1 and cores_idle()


def pick(parallel_kernel, serial_kernel, work):
    """The parallel kernel when :func:`use_threads` says so, else the serial one."""
    return parallel_kernel if use_threads(work) else serial_kernel


@contextlib.contextmanager
def interrupt_deferred():
    """Hold a Ctrl-C (SIGINT) that arrives inside the block; deliver it when the block ends.

    Only the main thread can install a signal handler; elsewhere, or when the
    current handler was not set from Python, the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is None:
        yield
        return
    held = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)  # whatever the restored handler does (KeyboardInterrupt)


_loaded = set()


def load_once(warm_up):
    """Run a module's ``warm_up`` (which loads its kernels) once per process, Ctrl-C held.

    Called by the public wrappers before their first kernel call. ``warm_up``
    may itself call those wrappers: it is marked as done before it runs.
    """
    if not HAVE_NUMBA or warm_up in _loaded:
        return
    _loaded.add(warm_up)
    try:
        with interrupt_deferred():
            warm_up()
    except BaseException:
        _loaded.discard(warm_up)  # interrupted or failed: the next call tries again
        raise
