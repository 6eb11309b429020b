"""Tests of flowkit._jit: one source compiled serial and parallel, cached apart.

numba files a cached binary under the function's qualified name and looks it
up by signature and bytecode, not by compile flags (``parallel=True``). A
function compiled both ways with plain ``numba.njit(cache=True)`` therefore
shares one cache entry, and one of the two dispatchers runs the other's
binary. ``flowkit._jit.jit`` compiles the parallel variant under its own name.
The probe below records numba's thread id in every iteration of a ``prange``
loop: a serial binary reports only thread 0, a parallel one (2 threads) also
thread 1.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from flowkit import _jit

pytestmark = pytest.mark.skipif(not _jit.HAVE_NUMBA, reason="numba kernels disabled")

PROBE = textwrap.dedent(
    """
    import numba
    import numpy as np

    from flowkit._jit import jit, prange


    def ids_numba(n):
        out = np.zeros(n, np.int64)
        for i in prange(n):
            out[i] = numba.get_thread_id()
        return out


    def ids_flowkit(n):
        out = np.zeros(n, np.int64)
        for i in prange(n):
            out[i] = numba.get_thread_id()
        return out


    numba_serial = numba.njit(cache=True)(ids_numba)
    numba_parallel = numba.njit(cache=True, parallel=True)(ids_numba)
    flowkit_serial = jit(ids_flowkit)
    flowkit_parallel = jit(ids_flowkit, parallel=True)
    """
)

# The parallel variants run first: they start numba's thread pool, which a
# serial binary that asks for its thread id needs in a process that loaded it
# from the cache.
RUN = (
    "import json, probe_module as m\n"
    "order = ['flowkit_parallel', 'numba_parallel', 'numba_serial', 'flowkit_serial']\n"
    "print(json.dumps({k: int(getattr(m, k)(1000).max()) for k in order}))\n"
)


def _run(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), NUMBA_NUM_THREADS="2", PYTHONPATH=str(tmp_path))
    env.pop("FLOWKIT_DISABLE_NUMBA", None)
    res = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_serial_and_parallel_compilations_of_one_source_are_cached_apart(tmp_path):
    (tmp_path / "probe_module.py").write_text(PROBE)
    compiled = _run(tmp_path)  # fresh cache: compiles, writes the cache
    loaded = _run(tmp_path)  # a later process: everything from the cache
    for result in (compiled, loaded):
        # flowkit's jit: the parallel variant uses both threads, the serial one only the first.
        assert result["flowkit_parallel"] == 1
        assert result["flowkit_serial"] == 0
        # Plain numba, the hazard flowkit works around: after the parallel
        # compilation is cached, the "serial" dispatcher loads it and runs on two
        # threads. If this starts failing, numba keys its cache by the compile
        # flags and the renaming in flowkit._jit.jit may go.
        assert result["numba_parallel"] == 1
        assert result["numba_serial"] == 1
    cached = sorted(p.name for p in (tmp_path / "cache").rglob("*.nbi"))
    assert any("ids_flowkit" + _jit.PARALLEL_SUFFIX in name for name in cached), cached
    assert sum("ids_numba" in name for name in cached) == 1, cached


def test_pick_follows_size_threads_and_load(monkeypatch):
    monkeypatch.setattr(_jit, "cores_idle", lambda: True)
    monkeypatch.setattr(_jit, "num_threads", lambda: 2)
    assert _jit.pick("par", "ser", _jit.PARALLEL_WORK) == "par"
    assert _jit.pick("par", "ser", _jit.PARALLEL_WORK - 1) == "ser"
    monkeypatch.setattr(_jit, "num_threads", lambda: 1)
    assert _jit.pick("par", "ser", 10**12) == "ser"
    monkeypatch.setattr(_jit, "num_threads", lambda: 2)
    monkeypatch.setattr(_jit, "cores_idle", lambda: False)
    assert _jit.pick("par", "ser", 10**12) == "ser"
