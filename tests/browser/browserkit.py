"""Page-side helpers for the browser tests: open, run, find an app, time a slider move.

Timing is taken inside the page with ``performance.now()``, so the numbers do
not include Playwright's own round trips:

- key press      = the ``keydown`` event (a capturing listener on ``window``);
- readout change = the first DOM mutation after it that changes the text of
  the app's ``.flowkit-readout`` (a ``MutationObserver``);
- canvas repaint = the first ``drawImage`` into the app's visible ipympl
  canvas after it (ipympl copies each new frame in with ``drawImage``).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
TRIVIAL_NOTEBOOK = "zz_trivial_app.ipynb"


def registry_notebooks(apps_only: bool = False) -> list[Path]:
    """Paths of the chapter notebooks, from the one chapter registry (``flowkit.chapters``).

    Read when called, so the browser and Voila tests collect whatever chapters the
    registry holds at collection time (a new chapter, or a test's dummy chapter).
    """
    from flowkit import chapters

    listed = chapters.app_chapters() if apps_only else chapters.chapters()
    return [NOTEBOOKS / f"{chapter.notebook}.ipynb" for chapter in listed]


SLIDER_HANDLE = ".widget-slider .noUi-handle[role=slider]"
IPYMPL_CANVAS = ".jupyter-matplotlib-canvas-div canvas"
READOUT = ".flowkit-readout"
# JupyterLab 4 renders an error output (a traceback) with the same mime type as a stderr
# stream ('application/vnd.jupyter.stderr', found by trying); a warning on stderr is not a
# failure, so an output counts as an error when it carries IPython's traceback header.
# Voila/nbconvert may mark errors 'application/vnd.jupyter.error'; both are searched.
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
TRACEBACK_HEADER = "Traceback (most recent call last)"

# Installed in every page before any script runs.
INIT_SCRIPT = r"""
(() => {
  const fk = window.__fk = {armed: false, key: null, readout: null, draws: [],
                            readoutEl: null, canvasEl: null, before: null, observer: null};
  window.addEventListener('keydown', () => {
    if (fk.armed && fk.key === null) fk.key = performance.now();
  }, true);
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const out = draw.apply(this, args);
    if (fk.armed && fk.key !== null && this.canvas === fk.canvasEl) fk.draws.push(performance.now());
    return out;
  };
  fk.watch = (readoutEl, canvasEl) => {
    fk.readoutEl = readoutEl; fk.canvasEl = canvasEl;
    if (fk.observer) fk.observer.disconnect();
    fk.observer = new MutationObserver(() => {
      if (fk.armed && fk.key !== null && fk.readout === null
          && fk.readoutEl.textContent !== fk.before) fk.readout = performance.now();
    });
    fk.observer.observe(readoutEl, {subtree: true, childList: true, characterData: true});
  };
  fk.arm = () => {
    fk.key = null; fk.readout = null; fk.draws = [];
    fk.before = fk.readoutEl.textContent; fk.armed = true;
  };
})();
"""

# Mark the n-th readout, the first slider handle and the first ipympl canvas of the
# smallest enclosing element that holds all three (the app's own widget box).
_LOCATE_APP = r"""
(index) => {{
  const readouts = Array.from(document.querySelectorAll('.flowkit-readout'));
  if (readouts.length <= index) return {{found: readouts.length}};
  const readout = readouts[index];
  // The course's apps wrap themselves in .flowkit-app; otherwise climb to the
  // smallest ancestor that holds a slider and a canvas as well.
  let box = readout.closest('.flowkit-app') || readout;
  while (box && !(box.querySelector({handle}) && box.querySelector({canvas})))
    box = box.parentElement;
  if (!box) return {{found: readouts.length, box: false}};
  for (const el of document.querySelectorAll('[data-fk]')) el.removeAttribute('data-fk');
  const handle = box.querySelector({handle});
  const canvas = box.querySelector({canvas});
  readout.setAttribute('data-fk', 'readout');
  handle.setAttribute('data-fk', 'handle');
  canvas.setAttribute('data-fk', 'canvas');
  const slider = handle.closest('.widget-slider');
  const label = slider ? slider.querySelector('.widget-label') : null;
  window.__fk.watch(readout, canvas);
  window.__fk.box = box;
  // After run-all the notebook sits at its last cell; JupyterLab's windowed
  // notebook does not paint outputs far off screen, so bring the app into view.
  box.scrollIntoView({{block: 'center'}});
  return {{found: readouts.length, box: true, label: label ? label.textContent.trim() : ''}};
}}
""".format(handle=json.dumps(SLIDER_HANDLE), canvas=json.dumps(IPYMPL_CANVAS))

# The marked canvas: painted (differs from a blank canvas of its size), plus what a
# reviewer needs when it is not (still in the page? sized? skipped by content-visibility?).
_CANVAS_STATE = rf"""
() => {{
  const c = document.querySelector('[data-fk=canvas]');
  if (!c) return {{marked: false, painted: false}};
  let painted = false;
  if (c.width > 0 && c.height > 0) {{
    const blank = document.createElement('canvas');
    blank.width = c.width; blank.height = c.height;
    painted = c.toDataURL() !== blank.toDataURL();
  }}
  const cell = c.closest('.jp-Cell');
  const r = c.getBoundingClientRect();
  return {{marked: true, painted, connected: c.isConnected, width: c.width, height: c.height,
          rect: [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)],
          cell_content_visibility: cell ? getComputedStyle(cell).contentVisibility : null,
          canvases_in_page: document.querySelectorAll({json.dumps(IPYMPL_CANVAS)}).length,
          visibility: document.visibilityState}};
}}
"""


def write_trivial_notebook(path: Path) -> None:
    """The latency baseline: one Gaussian line and one label on one slider."""
    import nbformat

    source = """\
%matplotlib widget
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(-5.0, 5.0, 400)
with plt.ioff():
    fig, ax = plt.subplots(figsize=(7, 4))
(line,) = ax.plot(x, np.exp(-x**2 / 2))
# In a box, ipympl learns the canvas size only after a round trip with the page, and
# a view can stay 0 x 0 if that races; state it now, as flowkit's apps do.
fig.canvas._size = (fig.bbox.width, fig.bbox.height)
ax.set_ylim(0.0, 1.05)
width = widgets.FloatSlider(value=1.0, min=0.2, max=3.0, step=0.05, description="width")
label = widgets.HTML()
label.add_class("flowkit-readout")

def update(change=None):
    s = width.value
    line.set_ydata(np.exp(-x**2 / (2 * s * s)))
    label.value = f"width = {s:.2f}"
    fig.canvas.draw_idle()

width.observe(update, names="value")
update()
widgets.VBox([width, label, fig.canvas])
"""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


# ---------------------------------------------------------------- JupyterLab


def open_and_run_lab(page, server, name: str, timeout: float = 600.0) -> float:
    """Open ``name`` in JupyterLab, run all cells, wait until done; return seconds taken."""
    t0 = time.monotonic()
    page.goto(server.url(f"/lab/tree/{name}", reset=""))
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    # A notebook saved without kernelspec asks which kernel to use: take the default,
    # as a student clicking "Select" would.
    page.wait_for_function(
        """() => { const accept = document.querySelector('.jp-Dialog .jp-mod-accept');
                   if (accept) accept.click();
                   const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                   const k = w && w.sessionContext && w.sessionContext.session
                             && w.sessionContext.session.kernel;
                   return k && k.status === 'idle'; }""",
        polling=250,
        timeout=120_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_lab_finished(page, timeout)
    return time.monotonic() - t0


_LAB_STATE = r"""
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = Array.from(w.content.model.cells);
  const code = cells.filter(c => c.type === 'code');
  const prompts = Array.from(w.node.querySelectorAll('.jp-InputPrompt'))
                       .map(p => p.textContent);
  const errors = [];
  code.forEach((c, i) => {
    const tags = (c.getMetadata ? c.getMetadata('tags') : c.metadata.tags) || [];
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      // 'raises-exception' marks a cell that is meant to raise (a lesson on bad input);
      // JupyterLab's run-all goes on past it, and so does nbval.
      if (o.output_type === 'error')
        errors.push({cell: i, ename: o.ename, evalue: o.evalue,
                     expected: tags.includes('raises-exception')});
    }
  });
  return {status: kernel ? kernel.status : 'none',
          pending: prompts.some(t => t.includes('*')),
          unrun: code.filter(c => c.executionCount === null && c.sharedModel.source.trim()).length,
          ncode: code.length, errors};
}
"""


def lab_state(page) -> dict:
    return page.evaluate(_LAB_STATE)


def wait_lab_finished(page, timeout: float) -> dict:
    """Wait until the kernel is idle with no cell pending, steadily for one second."""
    deadline = time.monotonic() + timeout
    steady_since = None
    state = {}
    while time.monotonic() < deadline:
        state = lab_state(page)
        done = (
            state["status"] == "idle"
            and not state["pending"]
            and (state["unrun"] == 0 or any(not e["expected"] for e in state["errors"]))
        )
        if done:
            steady_since = steady_since or time.monotonic()
            if time.monotonic() - steady_since >= 1.0:
                return state
        else:
            steady_since = None
        time.sleep(0.25)
    raise TimeoutError(f"notebook still running after {timeout} s: {state}")


def error_outputs(page) -> list[str]:
    """Text of every error output (traceback) shown on the page."""
    found = page.eval_on_selector_all(
        f"{STDERR_OUTPUT}, {ERROR_OUTPUT}", "els => els.map(e => [e.getAttribute('data-mime-type'), e.textContent])"
    )
    return [text[:3000] for mime, text in found if mime.endswith(".error") or TRACEBACK_HEADER in text]


# ---------------------------------------------------------------- apps


def locate_app(page, readout_index: int = 0, timeout: float = 120.0, diagnose=None) -> dict:
    """Find the app around the n-th readout; wait until its canvas has been painted.

    The app is located again (and scrolled into view) every few seconds while its
    canvas is blank: JupyterLab may re-render an output, which leaves a marked
    element detached. On timeout the error carries the canvas state and, from
    ``diagnose()`` if given, the kernel side of the figure.
    """
    deadline = time.monotonic() + timeout
    info, state, located_at = {}, {}, -math.inf
    while time.monotonic() < deadline:
        if time.monotonic() - located_at > 5.0:
            info = page.evaluate(_LOCATE_APP, readout_index)
            located_at = time.monotonic() if info.get("box") else -math.inf
        if info.get("box"):
            state = page.evaluate(_CANVAS_STATE)
            if state["painted"]:
                return info
        time.sleep(0.25)
    if not info.get("box"):
        raise AssertionError(f"no app (readout + slider + ipympl canvas) found: {info}")
    kernel_side = diagnose() if diagnose is not None else None
    raise AssertionError(f"the app's canvas was not painted within {timeout} s: page {state}, kernel {kernel_side}")


def app_sliders(page) -> list[dict]:
    """Label and displayed value of every slider in the located app, in page order."""
    return page.evaluate("""() => Array.from(__fk.box.querySelectorAll('.widget-slider')).map(s => ({
        label: (s.querySelector('.widget-label') || {textContent: ''}).textContent.trim(),
        value: (s.querySelector('.widget-readout') || {textContent: ''}).textContent.trim()}))""")


def readout_html(page) -> str:
    return page.eval_on_selector("[data-fk=readout]", "e => e.innerHTML")


def readout_text(page) -> str:
    return page.eval_on_selector("[data-fk=readout]", "e => e.innerText.trim()")


def canvas_png(page) -> str:
    return page.eval_on_selector("[data-fk=canvas]", "c => c.toDataURL()")


def handle_state(page) -> dict:
    return page.eval_on_selector(
        "[data-fk=handle]",
        """h => ({now: parseFloat(h.getAttribute('aria-valuenow')),
                  min: parseFloat(h.getAttribute('aria-valuemin')),
                  max: parseFloat(h.getAttribute('aria-valuemax')),
                  text: h.getAttribute('aria-valuetext')})""",
    )


def move_slider(page, key: str, settle: float = 0.4, timeout: float = 30.0) -> dict:
    """Press ``key`` on the app's slider handle, wait for the readout and the canvas.

    Waits for the readout to change and for at least one repaint, then until no
    repaint has come for ``settle`` seconds, so the next press starts from rest
    (quick presses would be merged into one update). Returns the in-page times
    in ms from key press to readout change and to the first repaint.
    """
    page.focus("[data-fk=handle]")
    page.evaluate("() => window.__fk.arm()")
    page.keyboard.press(key)
    deadline = time.monotonic() + timeout
    while True:
        st = page.evaluate("""() => ({key: __fk.key, readout: __fk.readout,
                                      draws: __fk.draws.slice(), now: performance.now()})""")
        if (
            st["key"] is not None
            and st["readout"] is not None
            and st["draws"]
            and st["now"] - st["draws"][-1] >= settle * 1000
        ):
            break
        if time.monotonic() > deadline:
            page.evaluate("() => { __fk.armed = false; }")
            raise AssertionError(
                f"after {key}: readout changed={st['readout'] is not None}, "
                f"repaints={len(st['draws'])} within {timeout} s (key seen={st['key'] is not None})"
            )
        time.sleep(0.05)
    page.evaluate("() => { __fk.armed = false; }")
    return {
        "readout_ms": st["readout"] - st["key"],
        "canvas_ms": st["draws"][0] - st["key"],
        "repaints": len(st["draws"]),
    }


def drive_app(page, moves: int = 5) -> dict:
    """Move the located app's first slider ``moves`` times; collect values and timings."""
    start = handle_state(page)
    # Step towards the far end so every press changes the value (aria-value* are rounded
    # to one decimal by the slider library, plenty to pick a side).
    key = "ArrowRight" if start["now"] <= 0.5 * (start["min"] + start["max"]) else "ArrowLeft"
    records = []
    sliders0 = app_sliders(page)
    png0 = canvas_png(page)
    prev_png, prev_text = png0, readout_text(page)
    for _ in range(moves):
        timing = move_slider(page, key)
        state = handle_state(page)
        text = readout_text(page)
        png = canvas_png(page)
        records.append(
            {
                **timing,
                "value": state["now"],
                "readout": text,
                "html": readout_html(page),
                "sliders": app_sliders(page),
                "text_changed": text != prev_text,
                "canvas_changed": png != prev_png,
            }
        )
        prev_png, prev_text = png, text
    return {
        "start": start,
        "key": key,
        "moves": records,
        "sliders0": sliders0,
        "canvas_changed_overall": prev_png != png0,
        "readout_median_ms": statistics.median(r["readout_ms"] for r in records),
        "canvas_median_ms": statistics.median(r["canvas_ms"] for r in records),
    }


def kernel_json(page, expression: str):
    """Evaluate ``expression`` in the open notebook's kernel; return it decoded from JSON.

    Goes through the notebook's own kernel connection, without touching the
    notebook's cells or execution counter. Used to read the exact values behind
    the sliders (the page shows them rounded).
    """
    code = f"import json as _fk_json\nprint(_fk_json.dumps({expression}))"
    out = page.evaluate(
        """async (code) => {
             const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
             const future = k.requestExecute({code, silent: false, store_history: false});
             let out = '';
             future.onIOPub = (msg) => {
               const t = msg.header.msg_type;
               if (t === 'stream') out += msg.content.text;
               else if (t === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
             };
             await future.done;
             return out;
           }""",
        code,
    )
    if out.startswith("ERROR") or not out.strip():
        raise AssertionError(f"kernel could not evaluate {expression!r}: {out!r}")
    return json.loads(out)


_QUANTITY = r"\s*=\s*(-?\d+(?:\.(\d+))?)(?:\s*\u00d7\s*10<sup>([\u2212-]?\d+)</sup>)?"


def readout_quantity(html: str, label: str) -> tuple[float, float]:
    """Value of ``<b>label</b> = number`` in a readout, and half a unit of its last digit.

    Understands the course's number format (``6.24×10<sup>−12</sup>`` or plain).
    """
    html = html.replace("&nbsp;", " ")
    m = re.search(re.escape(f"<b>{label}</b>") + _QUANTITY, html)
    if not m:
        raise AssertionError(f"readout has no quantity {label!r}: {html!r}")
    mantissa, decimals, exponent = m.group(1), m.group(2), m.group(3)
    scale = 10.0 ** int(exponent.replace("\u2212", "-")) if exponent else 1.0
    half_unit = 0.5 * 10.0 ** -(len(decimals) if decimals else 0) * scale
    return float(mantissa) * scale, half_unit


# Where an app's figure and controls sit once its top is scrolled into view, and the visible
# part of the page (or of JupyterLab's notebook scroller) they must fit in.
_APP_FIT = r"""
() => {
  const box = window.__fk.box;
  const scroller = box.closest('.jp-WindowedPanel-outer') || box.closest('.jp-Notebook');
  box.scrollIntoView({block: 'start'});
  const r = e => { const b = e.getBoundingClientRect();
                   return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  const view = scroller ? r(scroller)
                        : {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
  const figure = box.querySelector('.jupyter-matplotlib-canvas-div') || box.querySelector('img');
  const controls = box.querySelector('.flowkit-controls');
  return {view, figure: figure ? r(figure) : null, controls: controls ? r(controls) : null};
}
"""


def app_fit(page) -> dict:
    """Figure and controls of the located app against the visible area, after scrolling to it.

    Returns the rectangles (CSS px) and ``fits``: both lie wholly inside the visible area,
    so a lecturer sees the controls and the whole figure together without scrolling;
    ``beside``: the controls column is to the right of the figure (not wrapped below it).
    """
    page.wait_for_timeout(300)  # let the scroll settle
    rects = page.evaluate(_APP_FIT)
    view, parts = rects["view"], [rects["figure"], rects["controls"]]
    assert all(parts), f"app without a figure or a controls column: {rects}"
    top, bottom = min(p["top"] for p in parts), max(p["bottom"] for p in parts)
    left, right = min(p["left"] for p in parts), max(p["right"] for p in parts)
    fits = bottom - top <= view["bottom"] - view["top"] + 1 and left >= view["left"] - 1 and right <= view["right"] + 1
    beside = rects["controls"]["left"] >= rects["figure"]["right"] - 1
    return {**rects, "height": bottom - top, "width": right - left, "fits": fits, "beside": beside}
