"""flowkit: the physics and slider apps behind the *Particle Flow* course.

Importing :mod:`flowkit` is cheap: it loads no NumPy, SciPy, numba, matplotlib
or ipywidgets. Each chapter imports only what it uses, e.g.::

    from flowkit import fick            # closed-form physics, no numba
    from flowkit.apps import fick_app   # widgets + the kernels that chapter needs

Submodules
----------
flux, fick, diffusion, randomwalk, thermo, analogies, applications
    Physics (SI units, validated inputs, numba kernels where a loop runs).
apps
    One slider app per chapter.
chapters
    The one list of chapters, their notebooks, apps and homework.
check
    In-notebook self-checks used by the homework.
limits
    The memory limit every allocating function checks before it starts.
style
    Figure defaults and the lecture (projector) mode.
"""

__version__ = "0.1.0"

__all__ = [
    "flux",
    "fick",
    "diffusion",
    "randomwalk",
    "thermo",
    "analogies",
    "applications",
    "apps",
    "chapters",
    "check",
    "limits",
    "style",
]


def __getattr__(name):
    # Lazy submodule access (PEP 562): `flowkit.fick` works without importing
    # every chapter's dependencies at `import flowkit`.
    if name in __all__:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'flowkit' has no attribute {name!r}")
