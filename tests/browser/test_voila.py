"""Each chapter in the lecturer's present mode: Voila, code hidden, sliders live.

``voila notebooks/02_ficks_law.ipynb`` shows a chapter as a clean page: prose,
figures and apps, no code. This test serves a copy of ``notebooks/`` with
Voila, opens ``/voila/render/NN_*.ipynb`` for every chapter with an app (from
``flowkit.chapters``) in headless
Chromium, and checks: the notebook ran to the end with no traceback (except
cells tagged ``raises-exception``, lessons on bad input), no code cell shows
its input, and moving the main app's first slider changes its readout and
repaints its canvas; and at 1280 x 800 (a projector) the app's controls sit
beside its figure and both are visible without scrolling. A screenshot of
each is saved (path printed).
"""

from __future__ import annotations

import json

import pytest
from browserkit import app_fit, drive_app, error_outputs, locate_app, registry_notebooks

pytestmark = pytest.mark.browser

# Every chapter with an app, from the one chapter registry (flowkit.chapters), read at collection.
CHAPTERS = registry_notebooks(apps_only=True)
MOVES = 3


def _expected_raises(path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        "raises-exception" in c.get("metadata", {}).get("tags", []) for c in nb["cells"] if c["cell_type"] == "code"
    )


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_voila_present_mode(notebook, voila_server, page, screenshot_dir):
    page.goto(voila_server.url(f"/voila/render/{notebook.name}"), wait_until="commit", timeout=120_000)
    # Voila streams the page while it runs the notebook and removes its spinner at the end.
    page.wait_for_function(
        "() => document.readyState === 'complete' && !document.getElementById('loading')", polling=250, timeout=600_000
    )

    tracebacks = error_outputs(page)
    allowed = _expected_raises(notebook)
    assert len(tracebacks) <= allowed, f"{notebook.name} in Voila: {tracebacks}"

    # Code hidden: cells are there, but none shows an input area, editor or prompt.
    cells = page.eval_on_selector_all(".jp-CodeCell", "els => els.map(e => e.className)")
    assert cells, f"{notebook.name}: Voila rendered no code cell outputs"
    assert all("jp-mod-noInput" in c for c in cells), cells
    shown_code = page.eval_on_selector_all(
        ".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-InputPrompt, .cm-editor, .CodeMirror", "els => els.length"
    )
    assert shown_code == 0, f"{notebook.name}: {shown_code} code inputs visible in present mode"

    locate_app(page)
    page.locator("[data-fk=readout]").scroll_into_view_if_needed()
    result = drive_app(page, MOVES)
    assert all(m["text_changed"] for m in result["moves"]), [m["readout"] for m in result["moves"]]
    assert all(m["canvas_changed"] for m in result["moves"])
    moved = [m["sliders"][0]["value"] for m in result["moves"]]
    assert len(set([result["sliders0"][0]["value"], *moved])) == MOVES + 1, moved

    # On a projector (1280 x 800): the controls beside the figure, both visible without scrolling.
    page.set_viewport_size({"width": 1280, "height": 800})
    fit = app_fit(page)
    assert fit["beside"] and fit["fits"], f"{notebook.name} in Voila at 1280 x 800: {fit}"

    shot = screenshot_dir / f"voila_{notebook.stem}.png"
    page.evaluate("() => __fk.box.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shot))
    print(
        f"\nvoila {notebook.name}: slider {result['sliders0'][0]['label']!r} "
        f"{result['sliders0'][0]['value']} -> {moved[-1]}; key->readout median "
        f"{result['readout_median_ms']:.0f} ms, key->canvas median {result['canvas_median_ms']:.0f} ms; "
        f"screenshot {shot}"
    )
