"""Chapter apps on the static course website: pre-rendered frames, switched without a kernel.

A static page runs no Python, so a slider there cannot redraw anything. What
does run in the browser is the widget manager, and it can keep two widget
properties equal by itself (:func:`ipywidgets.jslink`). So, while the site is
being built (``site/build.py`` sets :data:`ENV_VAR`), an app displays, in place
of its live widgets:

* for each of the chapter's story controls (``Chapter.scrub`` in
  :mod:`flowkit.chapters`) a slider over at least :data:`MIN_FRAMES` values,
  ``jslink``-ed to a ``Stack`` of figures rendered now, and to a second
  ``Stack`` holding the readout of each frame. Every control moves on its own,
  the others staying where the notebook cell left them; with two controls a
  ``Tab`` shows one at a time;
* each figure as an ``<img>`` with ``alt`` text (the control's value and the
  readout) and ``max-width: 100%``, so it fits any column from a phone up;
* a line saying that only these controls move on the page, and that
  launching the notebook gives every control.

The bundle also carries ``image/png`` of the figure as the cell left it, for
renderers without widgets. After rendering, the app is put back exactly as it
was, so later cells (and hidden checks) see what they would see live. Nothing
changes in a notebook: JupyterLab and Voila never set :data:`ENV_VAR`.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
import re
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["ENV_VAR", "MIN_FRAMES", "building_site", "frame_values", "static_mimebundle", "static_widget"]

#: Set to "1" by the site build (``site/build.py``); apps then display :func:`static_widget`.
ENV_VAR = "FLOWKIT_STATIC_SITE"
#: Frames per scrubbed control (the control's current value is added when it is not among them).
MIN_FRAMES = 12
LAUNCH_NOTE = "launch to use every control"


def building_site() -> bool:
    """Whether this kernel is executing a chapter for the static course website."""
    return os.environ.get(ENV_VAR, "") == "1"


# --------------------------------------------------------------------------- frames
def _snap(widget, value):
    """``value`` moved onto the control's own step grid (what a live drag could reach)."""
    if isinstance(widget, widgets.FloatLogSlider):
        exponent = widget.min + round((math.log(value, widget.base) - widget.min) / widget.step) * widget.step
        return float(widget.base ** min(max(exponent, widget.min), widget.max))
    step = widget.step or 1
    snapped = widget.min + round((value - widget.min) / step) * step
    snapped = min(max(snapped, widget.min), widget.max)
    if isinstance(widget, widgets.IntSlider):
        return int(snapped)
    return float(round(snapped, 12))


def frame_values(widget, n=MIN_FRAMES):
    """``n`` values spread over a slider's range (geometric on a log slider), plus its current value.

    Sorted, each on the slider's step grid. Raises ``ValueError`` when the
    range holds fewer than ``n`` distinct values (a control too coarse to scrub).

    >>> frame_values(widgets.IntSlider(value=5, min=1, max=200), n=12)[:4]
    [1, 5, 19, 37]
    """
    if isinstance(widget, widgets.FloatLogSlider):
        raw = widget.base ** np.linspace(widget.min, widget.max, n)
    elif isinstance(widget, (widgets.FloatSlider, widgets.IntSlider)):
        raw = np.linspace(widget.min, widget.max, n)
    else:
        raise TypeError(
            f"widget must be an IntSlider, FloatSlider or FloatLogSlider to be scrubbed; got {type(widget).__name__}"
        )
    values = sorted({_snap(widget, float(v)) for v in raw} | {widget.value})
    if len(values) < n:
        raise ValueError(
            f"widget {widget.description!r} has only {len(values)} distinct values on its step grid; "
            f"a static scrubber needs at least {n}"
        )
    return values


def _label(widget, value):
    """The value as the live slider's readout would write it."""
    if isinstance(widget, widgets.IntSlider):
        return str(int(value))
    fmt = (widget.readout_format or ".3g").lstrip("~")
    try:
        return format(value, fmt)
    except ValueError:
        return f"{value:.3g}"


def _draws(app):
    layers = getattr(app, "layers", None)
    return (getattr(layers, "full_draws", None), getattr(layers, "fast_draws", None))


def _png(app, drawn=False):
    """PNG bytes of the app's figure as it stands, from its own canvas.

    ``drawn``: the canvas already holds the current state (the update repainted
    it). Otherwise the app's static layer repaints only the moving artists when
    the axes did not change (``app.layers.repaint()``, a few ms; ``savefig``
    redraws everything, ~130 ms). A 256-colour palette keeps line art as it
    looks at a third of the size.
    """
    from PIL import Image  # a matplotlib dependency

    figure = app.figure
    layers = getattr(app, "layers", None)
    if not drawn:
        if layers is not None and hasattr(layers, "repaint"):
            layers.repaint()
        else:
            FigureCanvasAgg.draw(figure.canvas)
    image = Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, format="png")
    return out.getvalue()


@contextmanager
def _no_browser_pushes(figure):
    """While frames are rendered, the canvas sends nothing to a browser.

    An ipympl (WebAgg) canvas pushes a PNG diff to every attached view on each
    blit (~90 ms a frame); on the site those frames go into the page instead.
    The manager's views are detached and put back afterwards.
    """
    manager = getattr(figure.canvas, "manager", None)
    sockets = getattr(manager, "web_sockets", None)
    if not isinstance(sockets, (list, set)) or not hasattr(manager, "remove_web_socket"):
        yield
        return
    saved = list(sockets)
    for socket in saved:
        manager.remove_web_socket(socket)
    try:
        yield
    finally:
        for socket in saved:
            if socket not in sockets:
                sockets.append(socket) if isinstance(sockets, list) else sockets.add(socket)


def _text(readout_html):
    """Plain text of a readout (for ``alt``): tags dropped, entities decoded, lines joined by '; '."""
    text = re.sub(r"<sup>(.*?)</sup>", r"^\1", readout_html)
    text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "; ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ")
    return re.sub(r"\s*;\s*(;\s*)*", "; ", re.sub(r"\s+", " ", text)).strip(" ;")


def _figure_html(png, alt):
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<img class="flowkit-figure" src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto;display:block">'
    )


class _Frame:
    __slots__ = ("label", "png", "readout")

    def __init__(self, label, png, readout):
        self.label, self.png, self.readout = label, png, readout


def _render(app, name, value):
    before = _draws(app)
    app.update(**{name: value})
    # the update repainted the canvas itself unless it only asked a browser to (draw_idle)
    drawn = None not in before and _draws(app) != before
    return _Frame(_label(app.controls[name], value), _png(app, drawn), app.readout.value)


def _scrubber(app, name, frames, start, note):
    """Slider -> (figure stack, readout stack), linked in the browser by the widget manager."""
    widget = app.controls[name]
    description = widget.description
    slider = widgets.SelectionSlider(
        options=[f.label for f in frames],
        index=start,
        description=description,
        continuous_update=True,
        layout=widgets.Layout(width="95%"),
        style={"description_width": "11em"},
    )
    slider.add_class("flowkit-scrubber")
    figures = widgets.Stack(
        [widgets.HTML(_figure_html(f.png, f"{description} = {f.label}. {_text(f.readout)}")) for f in frames],
        selected_index=start,
        layout=widgets.Layout(width="100%"),
    )
    figures.add_class("flowkit-frames")
    readouts = []
    for f in frames:
        readout = widgets.HTML(f.readout)
        readout.add_class("flowkit-readout")
        readouts.append(readout)
    readout_stack = widgets.Stack(readouts, selected_index=start)
    readout_stack.add_class("flowkit-readouts")
    widgets.jslink((slider, "index"), (figures, "selected_index"))
    widgets.jslink((slider, "index"), (readout_stack, "selected_index"))
    return widgets.VBox([slider, figures, readout_stack, note], layout=widgets.Layout(width="100%"))


def _scrub_names(app):
    """The registry's story controls for this app's chapter (by the module that defines the app)."""
    from flowkit.chapters import APP_CHAPTERS

    module = type(app).__module__.rsplit(".", 1)[-1]
    for chapter in APP_CHAPTERS:
        if chapter.app_module == module:
            unknown = [n for n in chapter.scrub if n not in app.controls]
            if unknown:
                raise ValueError(
                    f"Chapter {chapter.number} scrub names {unknown} that {type(app).__name__} does not have; "
                    f"allowed: {', '.join(app.controls)}"
                )
            return chapter.scrub
    return ()


def static_widget(app):
    """The app as the static website shows it: figure(s), readout(s) and the story scrubbers.

    Renders every frame now; the app is left with the control values it had.
    """
    before = dict(app.params)
    with _no_browser_pushes(app.figure):
        return _static_widget(app, before)


def _static_widget(app, before):
    here = _Frame("", _png(app), app.readout.value)
    panels = []
    try:
        for name in _scrub_names(app):
            values = frame_values(app.controls[name])
            # A control the shown view does not draw leaves the figure as it is: leave it out of
            # this page (the readout may still change: it reports every view).
            ends = [_render(app, name, values[0]), _render(app, name, values[-1])]
            app.update(**before)
            if all(f.png == here.png for f in ends):
                continue
            frames = [_render(app, name, v) for v in values]
            app.update(**before)
            panels.append((name, frames, values.index(before[name])))
    finally:
        app.update(**before)
    shown = ", ".join(app.controls[n].description for n, _, _ in panels)
    others = len(app.controls) - len(panels)
    note_text = (
        f"On this page only <b>{html.escape(shown)}</b> moves (pre-rendered frames); "
        f"{others} more control{'s' if others != 1 else ''} in the notebook: <i>{LAUNCH_NOTE}</i>."
        if panels
        else f"A still of the app; <i>{LAUNCH_NOTE}</i>."
    )
    note = widgets.HTML(f'<span class="flowkit-static-note">{note_text}</span>')
    if not panels:
        readout = widgets.HTML(here.readout)
        readout.add_class("flowkit-readout")
        figure = widgets.HTML(_figure_html(here.png, _text(here.readout) or type(app).__name__))
        body = widgets.VBox([figure, readout, note], layout=widgets.Layout(width="100%"))
    elif len(panels) == 1:
        body = _scrubber(app, *panels[0], note)
    else:
        body = widgets.Tab(
            [_scrubber(app, *panel, note) for panel in panels],
            titles=[app.controls[n].description for n, _, _ in panels],
            selected_index=0,
        )
    box = widgets.VBox([body], layout=widgets.Layout(width="100%"))
    box.add_class("flowkit-app")
    box.add_class("flowkit-static")
    box._flowkit_png = here.png
    return box


def static_mimebundle(app, **kwargs):
    """What an app's ``_repr_mimebundle_`` returns on the site: the static widget plus a PNG fallback."""
    box = static_widget(app)
    bundle = box._repr_mimebundle_(**kwargs)
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    data["image/png"] = base64.b64encode(box._flowkit_png).decode("ascii")
    data["text/plain"] = f"{app!r}: {_text(app.readout.value)}"
    return bundle
