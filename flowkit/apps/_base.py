"""The shared base of every chapter app: widgets -> update -> physics -> artists.

A chapter app subclasses :class:`SliderApp` and fills in four hooks:

``_controls()``
    Return ``{name: widget}``; the names are the keywords of :meth:`update`.
``_build(fig, p)``
    Create axes and artists once (``p`` holds the current control values).
``_redraw(p)``
    Call the physics in :mod:`flowkit`, move the artists in place
    (``set_data``, ``set_ydata``, ``set_offsets``, ``set_array``,
    ``set_text``), store the key numbers in ``self.values`` and return the
    readout HTML.
``_curves()``
    Return ``{column: 1-D array}`` of what is on screen, for the CSV export.

The figure is built once under ``plt.ioff()``, laid out once (constrained
layout, then frozen) and never rebuilt. :class:`StaticLayer` keeps the
rendered axes, ticks and labels, so a redraw repaints only the moving
artists unless an axis limit changed. Kernels run on one numba thread while
an app redraws (see :class:`_one_numba_thread`). With the
ipympl backend (``%matplotlib widget``) its canvas is itself a widget and is
placed in the layout; under a non-interactive backend (Agg in tests and in
exported HTML) the layout shows an ``ipywidgets.Image`` that is re-rendered on
each update.
"""

import csv
import io
import math
import os
import sys

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["SliderApp", "StaticLayer", "nice_upper", "sci", "quantity", "float_slider", "log_slider", "int_slider"]


# --------------------------------------------------------------------------- formatting
_SUPERSCRIPT_MINUS = "\u2212"


def _announce_canvas_size(canvas):
    """Put an ipympl canvas's pixel size in its widget state before it is displayed.

    ipympl sets ``_size`` itself only when the canvas is displayed on its own
    (``_repr_mimebundle_``). Embedded in a box, it stays (0, 0) until the browser
    says "initialized"; the kernel then sets ``_size`` and sends a "resize"
    message, and if the browser handles that message before the state update has
    landed, every view keeps a 0 x 0 canvas and the figure never shows (seen now
    and then in the browser tests). With the size known from the
    start, views are created at the right size and a late "resize" is harmless.
    """
    # the size the kernel itself sends on "initialized": the figure bbox in CSS pixels
    width, height = canvas.figure.bbox.size
    ratio = getattr(canvas, "device_pixel_ratio", 1.0) or 1.0
    canvas._size = (width / ratio, height / ratio)


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


def quantity(label, value, unit="", digits=3):
    """One readout line: ``<b>label</b> = value unit`` (HTML)."""
    unit = f"&nbsp;{unit}" if unit else ""
    return f"<b>{label}</b> = {sci(value, digits)}{unit}"


# --------------------------------------------------------------------------- control factories
_LAYOUT = dict(width="95%")
_STYLE = dict(description_width="11em")


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
class _one_numba_thread:
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
class _Background(Artist):
    """Pastes a saved region of the canvas (the static layer) at the bottom of a draw."""

    def __init__(self):
        super().__init__()
        self.region = None
        self.set_zorder(-1e9)

    def draw(self, renderer):
        if self.region is not None and self.get_visible():
            renderer.restore_region(self.region)


class StaticLayer:
    """Draw a figure's static parts once; later draws repaint only what moves.

    A slider changes lines, markers, images and texts, but rarely the axes,
    ticks, labels or titles around them -- and those (text glyphs above all)
    are most of the cost of an Agg draw. This wraps ``figure.draw``:

    * when the static look may have changed (axes limits, scales, visibility,
      figure size or dpi), or the draw is a ``savefig``/print, it draws the
      whole figure the normal way; on the app's own canvas it first draws the
      static parts alone and keeps that region (``copy_from_bbox``);
    * otherwise it pastes the kept region and draws only the moving artists
      (lines, images, collections, patches, texts and legends of each axes),
      which is what blitting does, yet ``canvas.draw()``, ``draw_idle`` and
      ipympl see an ordinary, complete figure.

    Moving artists are drawn above the axes frame (a line may cover a spine
    by a pixel); legends are redrawn each time, so they stay on top.
    """

    def __init__(self, figure):
        self.figure = figure
        self.background = _Background()
        figure.add_artist(self.background)
        self.key = None
        #: False after a matplotlib without the attributes this relies on was seen
        self.enabled = True
        self.full_draws = 0
        self.fast_draws = 0
        self._draw = figure.draw  # the bound Figure.draw
        figure.draw = self.draw

    def static_key(self, renderer):
        fig = self.figure
        key = [fig.dpi, renderer.width, renderer.height, id(renderer)]
        for ax in fig.axes:
            key.append(
                (
                    ax.get_visible(),
                    ax.get_xlim(),
                    ax.get_ylim(),
                    ax.get_xscale(),
                    ax.get_yscale(),
                    ax.get_position().bounds,
                )
            )
        return tuple(key)

    @staticmethod
    def _moving(ax):
        artists = [*ax.lines, *ax.images, *ax.collections, *ax.patches, *ax.texts, *ax.artists]
        if ax.legend_ is not None:
            artists.append(ax.legend_)
        return artists

    def _set(self, moving_visible, static_visible):
        """Show/hide the two groups without marking anything stale (no redraw loops)."""
        for ax in self.figure.axes:
            if not ax.get_visible():
                continue
            for artist in self._moving(ax):
                artist._flowkit_visible = getattr(artist, "_flowkit_visible", artist._visible)
                artist._visible = artist._flowkit_visible and moving_visible
            if not hasattr(ax, "_flowkit_saved"):
                ax._flowkit_saved = (ax.axison, ax._autotitlepos)
            axison, autotitlepos = ax._flowkit_saved
            ax.axison = axison and static_visible
            for title in (ax.title, ax._left_title, ax._right_title):
                title._flowkit_visible = getattr(title, "_flowkit_visible", title._visible)
                title._visible = title._flowkit_visible and static_visible
            # skip the title placement (it measures every tick label) when titles are hidden
            ax._autotitlepos = autotitlepos if static_visible else False

    def _restore(self):
        for ax in self.figure.axes:
            for artist in [*self._moving(ax), ax.title, ax._left_title, ax._right_title]:
                if hasattr(artist, "_flowkit_visible"):
                    artist._visible = artist._flowkit_visible
                    del artist._flowkit_visible
            if hasattr(ax, "_flowkit_saved"):
                ax.axison, ax._autotitlepos = ax._flowkit_saved
                del ax._flowkit_saved

    def draw(self, renderer):
        fig = self.figure
        canvas = fig.canvas
        own = (
            self.enabled
            and not canvas.is_saving()
            and hasattr(renderer, "restore_region")
            and hasattr(canvas, "copy_from_bbox")
            and getattr(canvas, "renderer", None) is renderer
        )
        if not own:
            self.background._visible = False
            try:
                return self._draw(renderer)
            finally:
                self.background._visible = True
        try:
            key = self.static_key(renderer)
            self._set(moving_visible=True, static_visible=True)  # probe the private attributes used
            self._restore()
        except AttributeError:  # a matplotlib without them: always draw everything
            self.enabled = False
            return self.draw(renderer)
        try:
            if key != self.key or self.background.region is None:
                # static parts alone, kept; then the moving parts on top
                self.background._visible = False
                self._set(moving_visible=False, static_visible=True)
                self._draw(renderer)
                self.background.region = canvas.copy_from_bbox(fig.bbox)
                self.key = key
                self.background._visible = True
                self.full_draws += 1
            else:
                self.fast_draws += 1
            self._restore()
            self._set(moving_visible=True, static_visible=False)
            return self._draw(renderer)
        finally:
            self._restore()
            fig.stale = False

    def invalidate(self):
        """Force the next draw to redraw the static parts (e.g. after relabelling an axis)."""
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
    figsize = (8.0, 3.6)

    def __init__(self, **initial):
        self.values = {}
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
            _announce_canvas_size(canvas)
        self._build(self.figure, self.params)
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
        for widget in self.controls.values():
            widget.observe(self._on_control, names="value")

    # ----------------------------------------------------------------- hooks
    def _controls(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _build(self, fig, p):  # pragma: no cover - abstract
        raise NotImplementedError

    def _redraw(self, p):  # pragma: no cover - abstract
        raise NotImplementedError

    def _curves(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _memo(self, key, compute, size=32):
        """``compute()`` cached under ``key``: a panel whose inputs did not move is not recomputed."""
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
        self._silent = True  # one redraw for the whole batch, not one per widget
        try:
            for key, value in params.items():
                self._set_control(key, value)
        finally:
            self._silent = False
        self._refresh()
        return self

    def export_csv(self, path=None):
        """The plotted curves as CSV text (header row with units, one column per curve).

        Columns of different lengths are padded with empty cells. When ``path``
        is given the text is also written there.
        """
        curves = self._curves()
        columns = [np.atleast_1d(np.asarray(v)).ravel() for v in curves.values()]
        length = max(len(c) for c in columns)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(list(curves.keys()))
        for i in range(length):
            writer.writerow([repr(float(c[i])) if i < len(c) else "" for c in columns])
        text = buf.getvalue()
        if path is not None:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        return text

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
        widget = self.controls[key]
        span = control_range(widget)
        if span is not None and not isinstance(value, (bool, np.bool_)):
            low, high = span
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{key} must be a number in [{low:g}, {high:g}]; got {value!r}") from None
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
        widget.value = value

    def _on_control(self, change):
        if not self._silent:
            self._refresh()

    def _redraw_into_readout(self):
        with _one_numba_thread():
            self.readout.value = self._redraw(self.params)

    def _refresh(self):
        self._redraw_into_readout()
        self._show_figure()

    def _show_figure(self):
        if self._image is not None:
            self._image.value = self._png()
        elif self._interactive:
            self.figure.canvas.draw_idle()
        # else: a headless Agg figure that nobody displays; it is drawn when
        # someone asks (savefig, canvas.draw), not on every update.

    def _png(self):
        # Draw on the app's own Agg canvas (the static layer makes that cheap) and
        # encode its buffer; savefig would always redraw everything.
        buf = io.BytesIO()
        canvas = self.figure.canvas
        if isinstance(canvas, FigureCanvasAgg):
            from PIL import Image  # a matplotlib dependency

            canvas.draw()
            Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        else:  # pragma: no cover - other non-widget canvases
            self.figure.savefig(buf, format="png")
        return buf.getvalue()

    def _export_clicked(self, _button=None):
        path = os.path.join(os.getcwd(), f"{self.name}_curves.csv")
        try:
            self.export_csv(path)
        except OSError as err:  # read-only directory: say so instead of failing silently
            self.status.value = f"<span style='color:#D55E00'>could not write {path}: {err}</span>"
        else:
            self.status.value = f"wrote <code>{os.path.basename(path)}</code>"

    def _layout(self):
        if self._canvas_is_widget:
            figure_view = self.figure.canvas
        else:
            self._image = widgets.Image(value=self._png(), format="png", layout=widgets.Layout(max_width="100%"))
            figure_view = self._image
        export = widgets.Button(
            description="Export CSV", icon="download", tooltip=f"write {self.name}_curves.csv in the working directory"
        )
        export.on_click(self._export_clicked)
        buttons = widgets.HBox([export, *self._extra_buttons(), self.status])
        controls = widgets.VBox(
            list(self.controls.values()) + list(self._extra_widgets()), layout=widgets.Layout(width="100%")
        )
        box = widgets.VBox([controls, figure_view, self.readout, buttons])
        box.add_class("flowkit-app")
        return box

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"<{type(self).__name__} {args}>"
