"""One slider app per chapter of the course.

>>> from flowkit.apps import flux_app
>>> app = flux_app(current=1e-6, charge=1, area_mm2=1.0)
>>> f"{app.values['flux']:.4g}"                       # 1 µA of protons on 1 mm², per m² per s
'6.242e+18'
>>> f"{app.update(charge=2).values['flux']:.4g}"      # alphas: half as many for the same current
'3.121e+18'
>>> sorted(app.curves)[:2]                           # what the CSV export writes
['area_mm2', 'beam_flux_per_m2_s']

In a notebook, ``app`` as the last line of a cell shows the sliders, the
figure and the readout.

Each factory returns a :class:`~flowkit.apps._base.SliderApp`: it displays as
a widget, and has ``.update(**params)``, ``.controls``, ``.figure``,
``.readout``, ``.values``, ``.curves``, ``.export_csv()`` and ``.save_csv()``.

Importing this package is cheap; a chapter's module (and the kernels it needs,
numba included) loads only when its app is first asked for, so the chapters
without loop kernels never load numba.
"""

import importlib

from flowkit import chapters as _registry

_OTHER = {"SliderApp": "_base"}


def _factories():
    """factory -> module (one module per chapter), read from the one chapter registry."""
    return {chapter.app: chapter.app_module for chapter in _registry.app_chapters()}


__all__ = list(_factories()) + list(_OTHER)


def __getattr__(name):
    # PEP 562: resolve a factory the first time it is asked for.
    module = _factories().get(name) or _OTHER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
