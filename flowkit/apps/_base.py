"""The shared base of every chapter app: widgets -> update -> physics -> artists.

A chapter app subclasses :class:`SliderApp`, never overrides ``__init__``, and
fills in these hooks:

``_controls()``
    Return ``{name: widget}``; the names are the keywords of :meth:`update`.
``_build(fig, p)``
    Create axes and artists once (``p`` holds the current control values).
``_redraw(p) -> Drawn``
    Call the physics in :mod:`flowkit`, move the artists in place
    (``set_data``, ``set_ydata``, ``set_offsets``, ``set_array``,
    ``set_text``) and return a :class:`Drawn` record: the readout HTML, the key
    numbers (``app.values``) and the curves on screen (the CSV export). The base
    class stores it as ``app.drawn``; nothing else is read back from the app.

Declarative class attributes instead of code: ``options`` (keywords that are not
controls, such as a seed, set as attributes before anything is built),
``view_control`` / ``view_controls`` (which controls act on which view: the
others are hidden while it shows) and ``release_only`` (controls that wait for
the mouse button to be released in a costly view). Expensive results are kept
with :meth:`SliderApp._memo`, the one cache of an app.

The figure is built once under ``plt.ioff()``, laid out once (constrained
layout, then frozen) and never rebuilt. :class:`StaticLayer` keeps the
rendered axes, ticks and labels, so a redraw repaints only the moving
artists unless an axis limit changed. Kernels run on one numba thread while
an app redraws (see :class:`one_numba_thread`). With the
ipympl backend (``%matplotlib widget``) its canvas is itself a widget and is
placed in the layout; under a non-interactive backend (Agg in tests and in
exported HTML) the layout shows an ``ipywidgets.Image`` that is re-rendered on
each update.
"""

import csv
import html
import io
import math
import numbers
import os
import sys
from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = [
    "SliderApp",
    "Drawn",
    "StaticLayer",
    "nice_upper",
    "set_limits",
    "sci",
    "quantity",
    "float_slider",
    "log_slider",
    "int_slider",
    "one_numba_thread",
]


@dataclass(frozen=True)
class Drawn:
    """What one redraw put on screen: returned by ``_redraw``, stored as ``app.drawn``.

    Attributes
    ----------
    readout : str
        The readout's HTML.
    values : dict
        The readout's numbers as floats in SI (or the stated lattice) units: ``app.values``.
    curves : dict
        ``{column: 1-D array}`` of the plotted curves, column names with units: the CSV export.
    """

    readout: str
    values: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- formatting
_SUPERSCRIPT_MINUS = "\u2212"


# --------------------------------------------------------------------------- ipympl private state
#: Private traits of ipympl's ``Canvas`` that flowkit sets, all in :func:`ipympl_private_state`.
IPYMPL_PRIVATE_TRAITS = ("_size", "_data_url")


def ipympl_private_state(canvas, data_url=False):
    """Set the private ipympl state an app needs, and fail loudly if ipympl changed it.

    ``_size``: ipympl sets a canvas's pixel size itself only when the canvas is
    displayed on its own (``_repr_mimebundle_``). Embedded in a box, it stays
    (0, 0) until the browser says "initialized"; the kernel then sets ``_size``
    and sends a "resize" message, and if the browser handles that message before
    the state update has landed, every view keeps a 0 x 0 canvas and the figure
    never shows (seen now and then in the browser tests). With the size known
    from the start, views are created at the right size and a late "resize" is
    harmless. The size is the one the kernel itself sends on "initialized": the
    figure bbox in CSS pixels.

    ``_data_url`` (with ``data_url=True``): the PNG a static page (exported HTML,
    the course site) shows in place of the live canvas; ipympl, too, fills it
    only when the canvas is displayed on its own.

    No public API does either (ipympl 0.9-0.10). If a later ipympl renames these
    traits, this raises ``RuntimeError`` instead of silently showing nothing, and
    ``tests/test_apps.py`` fails.
    """
    import ipympl

    missing = [name for name in IPYMPL_PRIVATE_TRAITS if not canvas.has_trait(name)]
    if missing:
        raise RuntimeError(
            f"ipympl {ipympl.__version__} has no Canvas trait {', '.join(missing)}; flowkit.apps sets them "
            "(see flowkit.apps._base.ipympl_private_state): pin ipympl or update that function"
        )
    width, height = canvas.figure.bbox.size
    ratio = getattr(canvas, "device_pixel_ratio", 1.0) or 1.0
    canvas._size = (width / ratio, height / ratio)
    if data_url:
        import base64

        buf = io.BytesIO()
        canvas.figure.savefig(buf, format="png", dpi="figure")
        canvas._data_url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def sci(x, digits=3):
    """Format ``x`` with ``digits`` significant figures as HTML (``1.6×10<sup>19</sup>``).

    Numbers between 1e-3 and 1e4 are written plainly.
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    if -3 <= exponent < 4:
        decimals = max(digits - 1 - exponent, 0)
        return f"{x:.{decimals}f}"
    mantissa = x / 10.0**exponent
    text = f"{mantissa:.{digits - 1}f}"
    if text.lstrip("-").startswith("10"):  # rounding carried into the next decade
        mantissa /= 10.0
        exponent += 1
        text = f"{mantissa:.{digits - 1}f}"
    sign = _SUPERSCRIPT_MINUS if exponent < 0 else ""
    return f"{text}\u00d710<sup>{sign}{abs(exponent)}</sup>"


def nice_upper(x, steps=(1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0)):
    """The smallest number of the form s * 10**k (s in ``steps``) that is >= x > 0.

    Axis limits snapped to this ladder change only now and then while a
    slider moves, so the static layer (ticks, labels) is redrawn rarely.
    """
    x = float(x)
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    decade = 10.0 ** math.floor(math.log10(x))
    for s in steps:
        if s * decade >= x * (1 - 1e-12):
            return s * decade
    return 10.0 * decade


def set_limits(ax, x=None, y=None):
    """Set an axes' x and/or y limits, but only when they change.

    ``set_xlim``/``set_ylim`` mark the axes and the figure stale even when the
    limits are the same. In a kernel with ``%matplotlib widget``, every widget
    message ends with pyplot's post-execute hook, which asks for a full repaint
    of every stale figure: a redraw that the static layer had just avoided came
    back on every slider move (44-53 ms a move in the class load test).
    """
    if x is not None and tuple(ax.get_xlim()) != (float(x[0]), float(x[1])):
        ax.set_xlim(*x)
    if y is not None and tuple(ax.get_ylim()) != (float(y[0]), float(y[1])):
        ax.set_ylim(*y)


def quantity(label, value, unit="", digits=3):
    """One readout line: ``<b>label</b> = value unit`` (HTML)."""
    unit = f"&nbsp;{unit}" if unit else ""
    return f"<b>{label}</b> = {sci(value, digits)}{unit}"


# --------------------------------------------------------------------------- control factories
# Sliders fill the controls column beside the figure (see SliderApp._layout).
_LAYOUT = dict(width="100%")
_STYLE = dict(description_width="10em")
#: Width of the controls column at its narrowest: beside the figure when the app's box is at
#: least the figure's width plus this (760 + 300 px for a 7.6-inch figure at 100 dpi), below it otherwise.
CONTROLS_MIN_WIDTH = "300px"


def float_slider(description, value, vmin, vmax, step, fmt=".3g", continuous=True):
    """A FloatSlider with the course's label width and readout format."""
    return widgets.FloatSlider(
        value=value,
        min=vmin,
        max=vmax,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=continuous,
        layout=widgets.Layout(**_LAYOUT),
        style=_STYLE,
    )


def log_slider(description, value, vmin, vmax, step=0.05, fmt=None, continuous=True):
    """A FloatLogSlider from ``vmin`` to ``vmax`` (actual values, not exponents).

    The readout is formatted in the browser by d3-format, whose ``g`` writes
    1e-6 to 1e-4 in full ("0.00000178", too wide for the readout box); so by
    default a range reaching below 1e-3 is shown in exponent form ("1.78e-6").
    """
    if fmt is None:
        fmt = ".2e" if vmin < 1e-3 else ".3g"
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=math.log10(vmin),
        max=math.log10(vmax),
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=continuous,
        layout=widgets.Layout(**_LAYOUT),
        style=_STYLE,
    )


def int_slider(description, value, vmin, vmax, step=1, continuous=True):
    """An IntSlider with the course's label width."""
    return widgets.IntSlider(
        value=value,
        min=vmin,
        max=vmax,
        step=step,
        description=description,
        continuous_update=continuous,
        layout=widgets.Layout(**_LAYOUT),
        style=_STYLE,
    )


def control_range(widget):
    """``(low, high)`` of a numeric control in the units its ``value`` uses, or None."""
    if isinstance(widget, widgets.FloatLogSlider):
        return widget.base**widget.min, widget.base**widget.max
    if hasattr(widget, "min") and hasattr(widget, "max"):
        return widget.min, widget.max
    return None


# --------------------------------------------------------------------------- numba threads
class one_numba_thread:
    """Run kernels on one thread while an app redraws.

    A slider's kernels are small (hundreds of sites); with ``parallel=True``
    they meet a thread barrier every step, and on a shared, busy machine a
    descheduled worker turns a 2 ms call into 0.1-1.5 s (measured on the
    course's 2-core box). One thread is steady. Nothing happens if numba was
    never imported (chapters without kernels must not load it).
    """

    def __enter__(self):
        numba = sys.modules.get("numba")
        self._restore = None
        if numba is not None:
            try:
                self._restore = numba.get_num_threads()
                numba.set_num_threads(1)
            except Exception:  # no threading layer: nothing to limit
                self._restore = None
        return self

    def __exit__(self, *exc):
        if self._restore is not None:
            sys.modules["numba"].set_num_threads(self._restore)
        return False


# --------------------------------------------------------------------------- cached static layer
class StaticLayer:
    """Draw a figure's static parts once; a slider move repaints only what moves.

    This is matplotlib's documented blitting recipe ("Faster rendering by using
    blitting"), public API only. A slider changes lines, markers, images, texts
    and legends, but rarely the axes, ticks, labels or titles around them -- and
    those (text glyphs above all) are most of the cost of an Agg draw. So:

    * every moving artist (the lines, images, collections, patches, texts and
      legend of each axes) is ``set_animated(True)``: an ordinary draw leaves it
      out, and changing it does not mark the figure stale;
    * a ``draw_event`` callback keeps the rendered static layer
      (``canvas.copy_from_bbox``) after every full draw -- the first one, a
      resize, a zoom, a new axis limit -- and paints the moving artists on top
      (``figure.draw_artist``), so a full draw still shows the whole figure;
    * :meth:`repaint` (what an app calls after a slider move) pastes the kept
      layer back (``canvas.restore_region``), draws the moving artists and
      calls ``canvas.blit``, unless the static look may have changed (axes limits,
      scales, visibility, frame, position, figure size or dpi): then it draws
      the whole figure.

    ``savefig`` is unaffected: matplotlib draws animated artists when saving.
    Moving artists are drawn above the axes frame (a line may cover a spine by
    a pixel).
    """

    def __init__(self, figure):
        self.figure = figure
        self.canvas = figure.canvas
        self.background = None
        self.key = None
        #: False: every repaint draws the whole figure (for comparison, see bench_apps.py)
        self.enabled = True
        self.full_draws = 0
        self.fast_draws = 0
        self.moving = []
        for ax in figure.axes:
            for artist in self._moving(ax):
                artist.set_animated(True)
                self.moving.append(artist)
        self._cid = self.canvas.mpl_connect("draw_event", self._on_draw)

    @staticmethod
    def _moving(ax):
        artists = [*ax.lines, *ax.images, *ax.collections, *ax.patches, *ax.texts, *ax.artists]
        if ax.get_legend() is not None:
            artists.append(ax.get_legend())
        return sorted(artists, key=lambda a: a.get_zorder())  # the order Axes.draw uses

    def static_key(self):
        """What the static layer's look depends on; a new value means a full draw."""
        fig = self.figure
        key = [fig.dpi, tuple(self.canvas.get_width_height(physical=True))]
        for ax in fig.axes:
            key.append(
                (
                    ax.get_visible(),
                    ax.axison,
                    ax.get_xlim(),
                    ax.get_ylim(),
                    ax.get_xscale(),
                    ax.get_yscale(),
                    ax.get_position(original=True).bounds,  # original: no apply_aspect, nothing marked stale
                )
            )
        return tuple(key)

    def _draw_moving(self):
        # Drawing a legend resizes its frame patch, which marks the axes and the figure stale
        # (the patch reports to its axes, past the animated legend); nothing on screen changed,
        # so the flags are put back and no full redraw is asked for.
        stale = [(a, a.stale) for a in (*self.figure.axes, self.figure)]
        for artist in self.moving:
            if artist.axes.get_visible():
                self.figure.draw_artist(artist)
        for a, was in stale:
            a.stale = was

    def _on_draw(self, event):
        if event is not None and event.canvas is not self.canvas:
            return
        if self.canvas.is_saving():  # savefig drew everything itself (at its own dpi)
            self.background = None
            return
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.key = self.static_key()
        self._draw_moving()
        self.full_draws += 1

    def repaint(self, idle=False):
        """Show the current state of the figure: blit the moving artists, or draw it all.

        With ``idle=True`` a full draw is requested with ``draw_idle`` (an
        interactive canvas then draws once, when the browser asks for it).
        """
        if not self.enabled or self.background is None or self.static_key() != self.key:
            if idle:
                self.canvas.draw_idle()
            else:
                self.canvas.draw()
            return
        self.canvas.restore_region(self.background)
        self._draw_moving()
        self.canvas.blit(self.figure.bbox)
        self.fast_draws += 1

    def invalidate(self):
        """Force the next repaint to draw everything (e.g. after relabelling an axis)."""
        self.key = None


# --------------------------------------------------------------------------- the base class
class SliderApp:
    """Controls wired to a figure that is updated in place.

    Parameters
    ----------
    **initial
        Starting values for any of the controls (by name).

    Attributes
    ----------
    controls : dict
        Control name -> ipywidget. Moving a widget calls :meth:`update`.
    figure : matplotlib.figure.Figure
        Built once; artists are updated in place.
    readout : ipywidgets.HTML
        The key numbers with units (CSS class ``flowkit-readout``).
    values : dict
        The numbers shown in the readout, as floats in SI units.
    """

    #: Short name, used for the CSV file written by the export button.
    name = "app"
    #: Figure size in inches at the current style's dpi.
    figsize = (7.6, 3.6)
    #: Keyword options that are not controls, with their defaults (e.g. ``{"seed": 2024}``).
    #: Each is checked by :meth:`_check_option` and set as an attribute before ``_build`` runs.
    options = {}
    #: Name of the control (a toggle) that picks the view on screen, or None.
    view_control = None
    #: ``{view: (control, ...)}``: controls that act on that view only; hidden in the others.
    view_controls = {}
    #: ``{view: (control, ...)}``: controls that fire on release only while that view shows
    #: (``continuous_update=False``: the view is too costly to follow the pointer).
    release_only = {}

    def __init__(self, **initial):
        for key, default in self.options.items():
            setattr(self, key, self._check_option(key, initial.pop(key, default)))
        self.values = {}
        self.drawn = None
        self.controls = dict(self._controls())
        self._check_names(initial)
        self._silent = True
        try:
            for key, value in initial.items():
                self._set_control(key, value)
        finally:
            self._silent = False
        self.readout = widgets.HTML(value="")
        self.readout.add_class("flowkit-readout")
        self.status = widgets.HTML(value="")
        self._image = None
        self._widget = None
        with plt.ioff():
            self.figure = plt.figure(figsize=self.figsize, layout="constrained")
        canvas = self.figure.canvas
        # ipympl's canvas is a DOMWidget; a plain Agg canvas (tests, inline,
        # exported HTML) is not interactive and draws eagerly on draw_idle.
        self._canvas_is_widget = isinstance(canvas, widgets.DOMWidget)
        self._interactive = self._canvas_is_widget or type(canvas) is not FigureCanvasAgg
        if self._canvas_is_widget:
            for attr, val in (
                ("header_visible", False),
                ("footer_visible", False),
                ("resizable", False),
                ("toolbar_visible", "fade-in-fade-out"),
            ):
                try:
                    setattr(canvas, attr, val)
                except Exception:  # older ipympl: cosmetic only
                    pass
            ipympl_private_state(canvas)
        self._build(self.figure, self.params)
        self._apply_view()
        self._redraw_into_readout()
        # Lay the figure out once (constrained layout), then freeze the axes in
        # place: re-running the layout engine on every redraw doubles its cost.
        # Axes sharing a slot (one shown at a time) are all made visible for
        # the layout, so each gets the slot's frozen position.
        shown = [(ax, ax.get_visible()) for ax in self.figure.axes]
        for ax, _ in shown:
            ax.set_visible(True)
        self.figure.draw_without_rendering()
        self.figure.set_layout_engine("none")
        for ax, visible in shown:
            ax.set_visible(visible)
        self.layers = StaticLayer(self.figure)
        self._show_figure()
        if self.view_control is not None:
            # before _on_control: the controls of the new view are set up before it is drawn
            self.controls[self.view_control].observe(self._apply_view, names="value")
        for widget in self.controls.values():
            widget.observe(self._on_control, names="value")

    # ----------------------------------------------------------------- hooks
    def _controls(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _build(self, fig, p):  # pragma: no cover - abstract
        raise NotImplementedError

    def _redraw(self, p):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_option(self, name, value):
        """Check one of :attr:`options` and return the value to keep (override to validate)."""
        return value

    def _memo(self, key, compute, size=32):
        """``compute()`` cached under ``key``: a panel whose inputs did not move is not recomputed.

        The one cache of an app (keys are tuples that start with the panel's name).
        """
        cache = self.__dict__.setdefault("_memo_cache", {})
        if key not in cache:
            if len(cache) >= size:
                cache.pop(next(iter(cache)))  # oldest first
            cache[key] = compute()
        return cache[key]

    def _extra_buttons(self):
        """Buttons shown next to the export button (e.g. a new-seed button)."""
        return []

    def _extra_widgets(self):
        """Widgets shown under the controls (e.g. a Play control)."""
        return []

    # ----------------------------------------------------------------- public API
    @property
    def params(self):
        """Current control values, ``{name: value}``."""
        return {key: w.value for key, w in self.controls.items()}

    def update(self, **params):
        """Set any subset of the controls and redraw once.

        This is what a slider calls. Raises ``ValueError`` for a name that is
        not a control, or a value outside the control's range.
        """
        self._check_names(params)
        checked = {key: self._checked(key, value) for key, value in params.items()}  # all or nothing
        self._silent = True  # one redraw for the whole batch, not one per widget
        try:
            for key, value in checked.items():
                self.controls[key].value = value
        finally:
            self._silent = False
        self._refresh()
        return self

    @property
    def curves(self):
        """``{column: 1-D array}`` of the curves on screen (what the CSV export writes)."""
        return self.drawn.curves

    def export_csv(self, path=None, overwrite=False):
        """The plotted curves as CSV text (header row with units, one column per curve).

        Columns of different lengths are padded with empty cells. When ``path``
        is given the text is also written there; an existing file is never replaced
        unless ``overwrite=True`` (``FileExistsError`` names it otherwise).
        """
        curves = self.curves
        columns = [np.atleast_1d(np.asarray(v)).ravel() for v in curves.values()]
        length = max(len(c) for c in columns)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(list(curves.keys()))
        for i in range(length):
            writer.writerow([repr(float(c[i])) if i < len(c) else "" for c in columns])
        text = buf.getvalue()
        if path is not None:
            if not isinstance(path, (str, os.PathLike)):
                raise TypeError(f"path must be a file name (str or os.PathLike); got {path!r}")
            if not isinstance(overwrite, bool):
                raise TypeError(f"overwrite must be True or False; got {overwrite!r}")
            # "x" creates the file and fails if it exists: no check-then-write race
            with open(path, "w" if overwrite else "x", encoding="utf-8", newline="") as fh:
                fh.write(text)
        return text

    def save_csv(self, directory=None):
        """Write the curves to a new file ``<name>_curves_NNN.csv`` and return its absolute path.

        ``NNN`` is the first number whose file does not exist yet in ``directory``
        (default: the working directory), so no file is ever replaced: not the
        student's own, not an earlier export. This is what the "Export CSV" button does.
        """
        directory = os.getcwd() if directory is None else os.fspath(directory)
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"directory must be an existing folder; got {directory!r}")
        text = self.export_csv()
        for number in range(1, 100_000):
            path = os.path.abspath(os.path.join(directory, f"{self.name}_curves_{number:03d}.csv"))
            try:
                with open(path, "x", encoding="utf-8", newline="") as fh:  # "x": never an existing file
                    fh.write(text)
            except FileExistsError:
                continue
            return path
        raise FileExistsError(f"{directory!r} already holds 99,999 exports of {self.name}; clear some out")

    def close(self):
        """Release the figure (pyplot keeps a reference to every open figure)."""
        plt.close(self.figure)

    @property
    def widget(self):
        """The ipywidgets layout: controls, figure, readout and buttons."""
        if self._widget is None:
            self._widget = self._layout()
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        # --- course website hook (site helper): while site/build.py executes the chapters it sets
        # FLOWKIT_STATIC_SITE=1, and the app shows pre-rendered frames instead (flowkit/apps/_static.py).
        if os.environ.get("FLOWKIT_STATIC_SITE") == "1":
            from ._static import static_mimebundle

            return static_mimebundle(self, **kwargs)
        # --- end of the course website hook
        return self.widget._repr_mimebundle_(**kwargs)

    def show(self):
        """Display the app (same as leaving it as the last expression of a cell)."""
        from IPython.display import display

        display(self.widget)
        return None

    # ----------------------------------------------------------------- internals
    def _check_names(self, params):
        unknown = sorted(set(params) - set(self.controls))
        if unknown:
            allowed = ", ".join(self.controls)
            raise ValueError(
                f"{type(self).__name__}.update got unknown control(s) {', '.join(unknown)}; allowed: {allowed}"
            )

    def _set_control(self, key, value):
        self.controls[key].value = self._checked(key, value)

    def _checked(self, key, value):
        """``value`` as control ``key`` takes it, or a ValueError/TypeError naming ``key``."""
        widget = self.controls[key]
        span = control_range(widget)
        if span is not None:
            low, high = span
            # True is not 1.0 and "0.5" is not 0.5: a slider takes real numbers only
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise TypeError(f"{key} must be a number in [{low:g}, {high:g}]; got {value!r}")
            v = float(value)
            if not math.isfinite(v):
                raise ValueError(f"{key} must be a finite number in [{low:g}, {high:g}]; got {value!r}")
            # Relative slack: a log slider's ends are 10**min, which round-trips inexactly.
            tol = 1e-9 * max(abs(low), abs(high), 1e-300)
            if not (low - tol <= v <= high + tol):
                raise ValueError(f"{key} must lie in [{low:g}, {high:g}] (the slider's range); got {value!r}")
            if isinstance(widget, (widgets.IntSlider, widgets.IntText, widgets.BoundedIntText)):
                if v != int(v):
                    raise ValueError(f"{key} must be an integer in [{low}, {high}]; got {value!r}")
                value = int(v)
            else:
                value = min(max(v, low), high)
        elif hasattr(widget, "options"):
            options = list(getattr(widget, "_options_values", widget.options))
            if value not in options:
                raise ValueError(f"{key} must be one of {options!r}; got {value!r}")
        return value

    def _on_control(self, change):
        if not self._silent:
            self._refresh()

    def _apply_view(self, _change=None):
        """Show the controls of the view on screen (hide the others'), and set which wait for release."""
        if self.view_control is None:
            return
        view = self.controls[self.view_control].value
        own = {name for names in self.view_controls.values() for name in names}
        shown = set(self.view_controls.get(view, ()))
        slow = set(self.release_only.get(view, ()))
        switched = {name for names in self.release_only.values() for name in names}
        for name, widget in self.controls.items():
            if name in own:
                widget.layout.display = None if name in shown else "none"
            if name in switched:  # only the controls named in release_only change their mode
                widget.continuous_update = name not in slow

    def _redraw_into_readout(self):
        with one_numba_thread():
            drawn = self._redraw(self.params)
        if not isinstance(drawn, Drawn):
            raise TypeError(f"{type(self).__name__}._redraw must return a Drawn record; got {type(drawn).__name__}")
        self.drawn = drawn
        self.values = drawn.values
        self.readout.value = drawn.readout

    def _refresh(self):
        self._redraw_into_readout()
        self._show_figure()

    def _show_figure(self):
        if self._image is not None:
            self._image.value = self._png()
        elif self._interactive:
            self.layers.repaint(idle=True)
        # else: a headless Agg figure that nobody displays; it is drawn when
        # someone asks (savefig, canvas.draw, layers.repaint), not on every update.

    def _png(self):
        # Repaint the app's own Agg canvas (the static layer makes that cheap) and
        # encode its buffer; savefig would always redraw everything.
        buf = io.BytesIO()
        canvas = self.figure.canvas
        if isinstance(canvas, FigureCanvasAgg):
            from PIL import Image  # a matplotlib dependency

            self.layers.repaint()
            Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        else:  # pragma: no cover - other non-widget canvases
            self.figure.savefig(buf, format="png")
        return buf.getvalue()

    def _export_clicked(self, _button=None):
        try:
            path = self.save_csv()
        except OSError as err:  # read-only directory: say so instead of failing silently
            self.status.value = (
                f"<span style='color:#D55E00'>could not write a CSV file: {html.escape(str(err))}</span>"
            )
        else:
            self.status.value = f"wrote <code>{html.escape(path)}</code>"

    def _layout(self):
        if self._canvas_is_widget:
            figure_view = self.figure.canvas
        else:
            self._image = widgets.Image(value=self._png(), format="png", layout=widgets.Layout(max_width="100%"))
            figure_view = self._image
        export = widgets.Button(
            description="Export CSV",
            icon="download",
            tooltip=f"write the curves to a new file {self.name}_curves_NNN.csv in the working directory",
        )
        export.on_click(self._export_clicked)
        buttons = widgets.HBox([export, *self._extra_buttons(), self.status])
        # The controls sit in a column beside the figure, so a projector (Voila, 1280 x 800) shows
        # both without scrolling; where the box is narrower than the figure plus
        # CONTROLS_MIN_WIDTH (JupyterLab with the file browser open, a book column) the column
        # wraps below the figure and takes the full width.
        controls = widgets.VBox(
            list(self.controls.values()) + list(self._extra_widgets()),
            layout=widgets.Layout(flex="1 1 0%", min_width=CONTROLS_MIN_WIDTH, margin="0 0 0 8px"),
        )
        controls.add_class("flowkit-controls")
        figure_view.layout.flex = "0 1 auto"
        stage = widgets.Box(
            [figure_view, controls],
            layout=widgets.Layout(display="flex", flex_flow="row wrap", align_items="flex-start", width="100%"),
        )
        stage.add_class("flowkit-stage")
        box = widgets.VBox([stage, self.readout, buttons])
        box.add_class("flowkit-app")
        return box

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"<{type(self).__name__} {args}>"
