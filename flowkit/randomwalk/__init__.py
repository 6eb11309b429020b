"""Random walks on a lattice: from single hopping walkers to a billion particles.

Every walker sits on a 1D lattice of spacing ``ell`` (m). Once per time step
``tau`` (s) it hops one site to the left with probability ``p/2``, one site to
the right with probability ``p/2``, and stays put with probability ``1 - p``.
The mean squared displacement after ``t`` steps is exactly ``p t`` sites²,
i.e. ``2 D t tau`` with ``D = p ell² / (2 tau)``: Fick's law from coin flips.

Three levels of description live here, each checked against the others in
the tests:

* :func:`walk`, :func:`msd` - individual walkers, really stepped hop by hop
  (lattice units, O(n_walkers) memory, never an n_walkers x steps array);
* :func:`lattice_gas` - occupation numbers: each step every site splits its
  count into stay/left/right with two binomial draws, so the cost is
  O(sites x steps) however many particles there are;
* :func:`master_equation` - the deterministic average of the same walk (an
  explicit diffusion step with ``r = D tau / ell² = p/2``).

:func:`sample_final_displacements` and :func:`sample_final_histogram` are
*direct sampling*: they draw the end state from its exact distribution without
stepping, for when only the final histogram or spread is wanted.

Where things live
-----------------
:mod:`~flowkit.randomwalk.exact`
    Closed forms, the exact displacement law and direct sampling. Imports no
    numba: ``randomwalk.diffusion_coefficient`` costs milliseconds.
:mod:`~flowkit.randomwalk.rng`
    The counter-based generator (SplitMix64) and the exact binomial sampler
    used inside the kernels.
:mod:`~flowkit.randomwalk.walkers`
    :func:`walk`, :func:`msd`, :func:`walk_2d`.
:mod:`~flowkit.randomwalk.lattice`
    :func:`lattice_gas`, :func:`lattice_gas_2d` (and their parallel tiling),
    :func:`master_equation`.

Every public name is available here; the numba modules load the first time
one of their functions is asked for.

Randomness and reproducibility
------------------------------
Every stochastic function takes ``seed`` (an int, a
:class:`numpy.random.Generator`, or None for fresh entropy). The walker
kernels split the walkers into a fixed number of chunks (:data:`N_CHUNKS`);
each chunk gets its own seed from ``numpy.random.SeedSequence(seed).spawn``
and runs a SplitMix64 generator inside the kernel. The lattice-gas kernels
hash one SeedSequence key with the (site, step) index, so every site and step
has its own stream. Either way the division of work never depends on the
number of threads, and the same seed gives the same result on any machine,
serial or parallel. Without numba (``flowkit._jit.HAVE_NUMBA`` false, e.g. in
the browser) the same functions run a NumPy path vectorised over walkers or
sites; it is statistically identical but draws a different stream, so its
results differ from the numba path for the same seed.

Speed: the first numba call in a process costs about half a second (numba
initialising itself, even with every kernel cached on disk); :func:`warm_up`
pays that, and loads each kernel, before a slider is touched.

Bounded and interruptible: every function that allocates in proportion to
its arguments checks its estimate against :mod:`flowkit.limits` before it
starts (``walk(10**12, 10, 0.5)`` is a ValueError naming ``n_walkers``, not a
frozen notebook), and long runs go in pieces of about 0.1 s, so Ctrl-C (the
notebook's interrupt button) stops them within a second and a progress bar
appears after 2 s. The pieces never change the numbers a seed gives.

Examples
--------
>>> from flowkit import randomwalk
>>> x = randomwalk.walk(1000, 100, 0.5, seed=1)
>>> x.shape, int(abs(x).max()) <= 100
((1000,), True)
"""

import importlib

from ._inputs import N_CHUNKS
from .exact import (
    diffusion_coefficient,
    exact_displacement_pmf,
    gate_crossings_sd,
    gate_flux,
    msd_from_counts,
    sample_final_displacements,
    sample_final_histogram,
)

__all__ = [
    "N_CHUNKS",
    "diffusion_coefficient",
    "gate_flux",
    "gate_crossings_sd",
    "msd_from_counts",
    "walk",
    "msd",
    "lattice_gas",
    "master_equation",
    "walk_2d",
    "lattice_gas_2d",
    "sample_final_displacements",
    "sample_final_histogram",
    "exact_displacement_pmf",
    "warm_up",
]

# Public functions whose module imports numba: loaded on first use (PEP 562).
_LAZY = {
    "walk": "walkers",
    "msd": "walkers",
    "walk_2d": "walkers",
    "lattice_gas": "lattice",
    "lattice_gas_2d": "lattice",
    "master_equation": "lattice",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def warm_up():
    """Load every kernel once at a tiny size (compile on the first run ever).

    Call this when building an app, so the first slider move does not pay
    numba's start-up (about 0.5 s per process) or a kernel load. Returns the
    seconds it took. Without numba it returns at once.
    """
    import time

    from . import lattice, walkers

    start = time.perf_counter()
    walkers.warm_up()
    lattice.warm_up()
    return time.perf_counter() - start
