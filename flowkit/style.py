"""Figure defaults for the course and a lecture (projector) mode.

Two modes share one colour-blind-safe palette family (Okabe & Ito, 2008):

* :func:`default` -- the course's everyday look: matplotlib's own sizes, a
  light grid and the Okabe-Ito colours.
* :func:`lecture` -- for a projector at the back of a hall: larger type,
  thicker lines and markers, and the palette re-ordered so that the first
  colours have the most contrast on white (yellow, which washes out on a
  projector, is dropped).

Both change :data:`matplotlib.rcParams` for the whole session, so every app
built afterwards picks up the mode (apps read colours and sizes when they
are built). :func:`context` applies a mode only inside a ``with`` block.

Importing this module loads matplotlib but no pyplot, widgets or numba.
"""

from contextlib import contextmanager

import matplotlib as mpl
from cycler import cycler

__all__ = ["OKABE_ITO", "default", "lecture", "context", "mode", "colors", "rc", "lw", "ms"]

#: The eight Okabe-Ito colours, in their published order.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

# Everyday order: the usual blue/orange/green start that readers of matplotlib
# plots expect, all from the colour-blind-safe set.
_DEFAULT_CYCLE = [
    OKABE_ITO[k] for k in ("blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "black")
]
# Projector order: darkest, most saturated first; yellow left out (too pale on a
# bright screen), sky blue last.
_LECTURE_CYCLE = [
    OKABE_ITO[k] for k in ("blue", "vermillion", "bluish green", "black", "reddish purple", "orange", "sky blue")
]

_DEFAULT_RC = {
    "figure.dpi": 100.0,
    "font.size": 10.0,
    "axes.titlesize": "large",
    "axes.labelsize": "medium",
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
    "lines.linewidth": 1.5,
    "lines.markersize": 6.0,
    "axes.linewidth": 0.8,
    "xtick.major.width": 0.8,
    "ytick.major.width": 0.8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": cycler(color=_DEFAULT_CYCLE),
}

_LECTURE_RC = {
    "figure.dpi": 100.0,
    "font.size": 15.0,
    "axes.titlesize": "large",
    "axes.labelsize": "large",
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
    "lines.linewidth": 3.0,
    "lines.markersize": 11.0,
    "axes.linewidth": 1.6,
    "xtick.major.width": 1.6,
    "ytick.major.width": 1.6,
    "axes.grid": True,
    "grid.alpha": 0.45,
    "axes.prop_cycle": cycler(color=_LECTURE_CYCLE),
}

_RC = {"default": _DEFAULT_RC, "lecture": _LECTURE_RC}
_mode = "default"


def rc(name="default"):
    """The rcParams (a new dict) that mode ``name`` ("default" or "lecture") sets."""
    if name not in _RC:
        raise ValueError(f"name must be one of 'default', 'lecture'; got {name!r}")
    return dict(_RC[name])


def default():
    """Switch to the everyday course style (undoes :func:`lecture`).

    Sets font sizes, line widths and the palette in :data:`matplotlib.rcParams`;
    apps built afterwards use it. Returns the mode name.
    """
    global _mode
    mpl.rcParams.update(_DEFAULT_RC)
    _mode = "default"
    return _mode


def lecture():
    """Switch to projector mode: bigger fonts, thicker lines, high-contrast colours.

    Build (or rebuild) an app after calling this; figures that already exist
    keep their look. :func:`default` switches back. Returns the mode name.
    """
    global _mode
    mpl.rcParams.update(_LECTURE_RC)
    _mode = "lecture"
    return _mode


def mode():
    """The mode last selected: ``"default"`` or ``"lecture"``."""
    return _mode


@contextmanager
def context(name="lecture"):
    """Apply a mode only inside a ``with`` block (rcParams are restored after)."""
    global _mode
    settings = rc(name)
    before = _mode
    with mpl.rc_context(settings):
        _mode = name
        try:
            yield
        finally:
            _mode = before


def colors():
    """The current colour cycle as a list of hex strings (what apps draw with)."""
    cycle = mpl.rcParams["axes.prop_cycle"].by_key().get("color")
    return list(cycle) if cycle else list(_DEFAULT_CYCLE)


def lw(factor=1.0):
    """A line width ``factor`` times the current ``lines.linewidth`` (so it grows in lecture mode)."""
    return factor * float(mpl.rcParams["lines.linewidth"])


def ms(factor=1.0):
    """A marker size ``factor`` times the current ``lines.markersize``."""
    return factor * float(mpl.rcParams["lines.markersize"])
