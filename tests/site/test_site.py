"""The course website, as a reader meets it: built fresh, opened in headless Chromium.

For every chapter page (built once per session by ``python site/build.py``
from a clean copy, see conftest.py):

- the page exists, loads nothing from outside the site and logs no error;
- every app shows its figure as an image (natural width > 0, ``alt`` text) that
  lies inside the text column at 360 px (a phone) and at 1920 px;
- equations are typeset by MathJax (no raw ``$`` left in the prose);
- hidden check cells are collapsed;
- moving each static scrubber changes the figure and the readout;
- the launch links decode to the configured student repository and that
  chapter's notebook; the homework links never reach the instructor source.

The first tests need no browser: the scrubber frames, the registry's scrub
names and the build's generated sources.
"""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from flowkit.chapters import APP_CHAPTERS, CHAPTERS, HUB_URL, STUDENT_BRANCH, STUDENT_REPOSITORY

REPO = Path(__file__).resolve().parents[2]
IDS = [c.notebook for c in CHAPTERS]
WIDTHS = (360, 1920)


# --------------------------------------------------------------------------- helpers
def app_displays(chapter) -> int:
    """How many app cells the chapter notebook has (cells ending ``name = some_app(...); name``)."""
    nb = json.loads((REPO / chapter.path).read_text(encoding="utf-8"))
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        last = "".join(cell["source"]).rstrip().splitlines()[-1]
        if re.fullmatch(r"(\w+) = \w+_app\(.*\);\s*\1", last.strip()):
            count += 1
    return count


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def page_links(html_file: Path) -> list[dict]:
    parser = _Links()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.links


def static_views(html_file: Path) -> int:
    """How many outputs of the executed page are static apps (widget views of a ``flowkit-static`` box).

    At least :func:`app_displays`: a cell whose last line is ``app.update(...)`` shows the app again.
    """
    text = html_file.read_text(encoding="utf-8")
    state = json.loads(
        re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S).group(1)
    )["state"]
    views = re.findall(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', text, re.S)
    static = {k for k, m in state.items() if "flowkit-static" in m["state"].get("_dom_classes", [])}
    return sum(json.loads(v)["model_id"] in static for v in views)


def wait_for_apps(page, expected: int) -> None:
    """Until the widget manager has drawn ``expected`` static apps and their images have loaded."""
    page.wait_for_function(
        """(n) => {
          const apps = document.querySelectorAll('.flowkit-static');
          if (apps.length < n) return false;
          const imgs = Array.from(document.querySelectorAll('.flowkit-static img.flowkit-figure'))
            .filter(i => i.offsetParent !== null);
          return imgs.length >= n && imgs.every(i => i.complete);
        }""",
        arg=expected,
        timeout=90_000,
    )


def scrubber_state(slider):
    """(shown figure's src, shown readout text, slider's value label) of a static scrubber."""
    box = slider.locator("xpath=..")
    img = box.locator("img.flowkit-figure").locator("visible=true").first
    readout = box.locator(".flowkit-readouts .flowkit-readout").locator("visible=true").first
    return img.get_attribute("src"), readout.inner_text(), slider.locator(".widget-readout").inner_text()


def wait_for_math(page) -> None:
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " && (MathJax.startup.promise.then(() => { window.__fkMath = true; }), window.__fkMath === true)",
        timeout=60_000,
    )


# --------------------------------------------------------------------------- no browser needed
def test_frame_values_span_the_range_on_the_step_grid():
    import ipywidgets as widgets

    from flowkit.apps._static import MIN_FRAMES, frame_values

    log = widgets.FloatLogSlider(value=4.0, base=10, min=-1, max=2, step=0.05)
    values = frame_values(log)
    assert len(values) >= MIN_FRAMES and values == sorted(values) and 4.0 in values
    assert values[0] == pytest.approx(0.1, rel=1e-12) and values[-1] == pytest.approx(100.0, rel=1e-12)
    for v in values:  # every other frame is a value the live slider can reach: 10**(min + k*step)
        if v == 4.0:  # the current value (set in code) is kept as it is
            continue
        k = (math.log10(v) + 1) / 0.05
        assert k == pytest.approx(round(k), abs=1e-9)
    ints = frame_values(widgets.IntSlider(value=100, min=1, max=200))
    assert all(isinstance(v, int) for v in ints) and 100 in ints and ints[0] == 1 and ints[-1] == 200
    with pytest.raises(ValueError, match="at least"):
        frame_values(widgets.IntSlider(value=1, min=1, max=2))
    with pytest.raises(TypeError, match="widget must be"):
        frame_values(widgets.ToggleButtons(options=["a", "b"]))


@pytest.mark.parametrize("chapter", APP_CHAPTERS, ids=[c.notebook for c in APP_CHAPTERS])
def test_registry_scrub_names_are_controls_of_the_app(chapter):
    import importlib

    assert 1 <= len(chapter.scrub) <= 3, "one or two story controls (one per view in a multi-view app)"
    module = importlib.import_module(f"flowkit.apps.{chapter.app_module}")
    source = Path(module.__file__).read_text(encoding="utf-8")
    for name in chapter.scrub:  # the controls dict literal of the app's _controls()
        assert re.search(rf'^\s*"{re.escape(name)}": ', source, flags=re.M), f"{chapter.app} has no control {name!r}"


def test_static_app_renders_frames_and_leaves_the_app_as_it_was():
    """What the site build asks of an app (here the Fick app under Agg): frames, readouts, restored state."""
    import base64

    from flowkit.apps import fick_app
    from flowkit.apps._static import MIN_FRAMES, static_mimebundle, static_widget

    app = fick_app(time_h=10.0)
    try:
        before, readout, values = dict(app.params), app.readout.value, dict(app.values)
        box = static_widget(app)
        assert app.params == before and app.readout.value == readout and app.values == values
        tab = box.children[0]
        assert list(tab.titles) == [app.controls["time_h"].description, app.controls["T"].description]
        for panel, name in zip(tab.children, ("time_h", "T")):
            slider, figures, readouts, note = panel.children
            assert len(slider.options) >= MIN_FRAMES
            assert slider.options[slider.index] == format(before[name], app.controls[name].readout_format)
            assert figures.selected_index == readouts.selected_index == slider.index
            assert len({f.value for f in figures.children}) == len(figures.children), "every frame differs"
            assert len({r.value for r in readouts.children}) == len(readouts.children), "every readout differs"
            assert readouts.children[slider.index].value == readout
            assert all('alt="' in f.value and "max-width:100%" in f.value for f in figures.children)
            assert "launch to use every control" in note.value
        bundle = static_mimebundle(app)
        png = base64.b64decode(bundle["image/png"])
        assert png.startswith(b"\x89PNG") and "application/vnd.jupyter.widget-view+json" in bundle
    finally:
        app.close()


def test_build_sources_follow_the_registry():
    import importlib.util

    spec = importlib.util.spec_from_file_location("site_build", REPO / "site" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    toc = build.toc_yml()
    assert toc.splitlines()[1] == f"root: {CHAPTERS[0].notebook}"
    assert [line[len("- file: ") :] for line in toc.splitlines() if line.startswith("- file: ")] == [
        *[c.notebook for c in CHAPTERS[1:]],
        *build.reference_pages(),
        "homework",
    ]
    assert "notation" in build.reference_pages()  # every chapter links to it: a missing page fails the -W build
    assert not set(build.reference_pages()) & {c.notebook for c in CHAPTERS}
    first = "".join(build.chapter_source(CHAPTERS[0])["cells"][0]["source"])
    assert first.startswith("# ") and 'class="flowkit-launch"' in first and "launch to use every control" in first
    assert "homework/source" not in build.homework_page()


# --------------------------------------------------------------------------- the built site
def test_build_is_fresh_and_reports(built_site):
    html, seconds, log = built_site
    assert (html / "index.html").exists()
    assert "[site] built" in log
    size = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    print(f"site build {seconds:.1f} s, {size / 1e6:.1f} MB")
    for chapter in CHAPTERS:
        assert (html / f"{chapter.notebook}.html").exists()
        # the downloadable notebook is the repository's own, untouched
        assert (html / "_static" / "notebooks" / f"{chapter.notebook}.ipynb").read_bytes() == (
            REPO / chapter.path
        ).read_bytes()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_launch_links_decode_to_the_student_repository(built_site, chapter):
    html, _, _ = built_site
    links = page_links(html / f"{chapter.notebook}.html")
    by_class = {a.get("class"): a["href"] for a in links if a.get("class", "").startswith("flowkit-launch-")}

    binder = urlparse(by_class["flowkit-launch-binder"])
    assert binder.netloc == "mybinder.org"
    assert binder.path == f"/v2/gh/{STUDENT_REPOSITORY}/{STUDENT_BRANCH}"
    assert unquote(parse_qs(binder.query)["urlpath"][0]) == f"lab/tree/{chapter.path}"

    hub = urlparse(by_class["flowkit-launch-hub"])
    assert f"{hub.scheme}://{hub.netloc}" == HUB_URL.rstrip("/")
    assert hub.path == "/hub/user-redirect/git-pull"
    query = parse_qs(hub.query)
    assert query["repo"] == [f"https://github.com/{STUDENT_REPOSITORY}"]
    assert query["branch"] == [STUDENT_BRANCH]
    assert query["urlpath"] == [f"lab/tree/{STUDENT_REPOSITORY.split('/')[-1]}/{chapter.path}"]

    download = by_class["flowkit-launch-download"]
    assert (html / download).read_bytes() == (REPO / chapter.path).read_bytes()

    # every Binder or hub link on the page (prose included) opens the student repository
    for a in links:
        href = a.get("href", "")
        if "mybinder.org" in href:
            assert f"/v2/gh/{STUDENT_REPOSITORY}/" in href, href
        if "git-pull?" in href:
            assert parse_qs(urlparse(href).query)["repo"] == [f"https://github.com/{STUDENT_REPOSITORY}"], href


def test_homework_links_reach_student_versions_only(built_site):
    html, _, _ = built_site
    for page in html.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "homework/source" not in text, page.name
        assert "BEGIN SOLUTION" not in text, page.name
    links = page_links(html / "homework.html")
    pulls = [a["href"] for a in links if "git-pull?" in a.get("href", "")]
    assert len(pulls) == sum(1 for c in CHAPTERS if c.homework)
    for href in pulls:
        assert "/homework/release/" in parse_qs(urlparse(href).query)["urlpath"][0]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_chapter_page(built_site, open_page, chapter, width, screenshot_dir):
    html, _, _ = built_site
    site = open_page(width)
    page = site.open(f"{chapter.notebook}.html")
    expected = static_views(html / f"{chapter.notebook}.html")
    assert expected >= app_displays(chapter) >= 1, "every app cell of the chapter is a static app on the page"
    wait_for_apps(page, expected)
    wait_for_math(page)
    report = page.evaluate(
        """() => {
          const column = document.querySelector('#main-content article, main article, article');
          const col = column.getBoundingClientRect();
          const imgs = Array.from(document.querySelectorAll('.flowkit-static img.flowkit-figure'))
            .filter(i => i.offsetParent !== null);
          const clone = column.cloneNode(true);
          for (const el of clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_input, .widget-html-content'))
            el.remove();
          return {
            apps: document.querySelectorAll('.flowkit-static').length,
            column: [col.left, col.right],
            viewport: window.innerWidth,
            scrollWidth: document.documentElement.scrollWidth,
            imgs: imgs.map(i => {
              const r = i.getBoundingClientRect();
              return {natural: i.naturalWidth, left: r.left, right: r.right, width: r.width, alt: i.alt};
            }),
            wide: Array.from(document.querySelectorAll('body *'))
              .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.offsetParent !== null
                            && !el.closest('pre, .highlight, table, mjx-container')
                            && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
              .slice(0, 3).map(el => `${el.tagName}.${el.className}: ${(el.textContent || '').slice(0, 50)}`),
            math: document.querySelectorAll('mjx-container').length,
            dollars: (clone.textContent.match(/\\$[^$\\n]{1,80}\\$/g) || []).slice(0, 3),
            hidden_checks: Array.from(document.querySelectorAll('.cell'))
              .filter(c => (c.querySelector('.cell_input') || {textContent: ''}).textContent.includes('hidden check'))
              .map(c => c.querySelector('.cell_input pre').checkVisibility()),
          };
        }"""
    )
    page.screenshot(path=str(screenshot_dir / f"site-{chapter.notebook}-{width}.png"), full_page=False)
    apps = page.locator(".flowkit-static")
    for i in range(apps.count()):  # each app as the reader sees it, for a human to look at
        apps.nth(i).screenshot(path=str(screenshot_dir / f"site-{chapter.notebook}-{width}-app{i}.png"))
    assert site.off_site == [], f"requests off the site: {site.off_site[:5]}"
    assert site.errors == [], f"console errors: {site.errors[:5]}"
    assert report["apps"] == expected
    left, right = report["column"]
    assert report["imgs"], "no app figure shown"
    for img in report["imgs"]:
        assert img["natural"] > 0, img
        assert img["width"] > 0 and img["left"] >= left - 1 and img["right"] <= right + 1, (img, report["column"])
        assert len(img["alt"]) > 20, img
    assert report["scrollWidth"] <= report["viewport"], f"the page scrolls sideways: {report['wide']}"
    assert report["math"] > 0 and report["dollars"] == [], report["dollars"]
    assert report["hidden_checks"] and not any(report["hidden_checks"]), "hidden check cells must stay collapsed"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_static_scrubbers_switch_figure_and_readout(built_site, open_page, chapter):
    html, _, _ = built_site
    site = open_page(1280)
    page = site.open(f"{chapter.notebook}.html")
    wait_for_apps(page, static_views(html / f"{chapter.notebook}.html"))
    moved = 0
    apps = page.locator(".flowkit-static")
    for a in range(apps.count()):
        app = apps.nth(a)
        tabs = app.locator(".lm-TabBar-tab, .p-TabBar-tab")
        for t in range(max(tabs.count(), 1)):
            if tabs.count():
                tabs.nth(t).click()
            panel = app.locator(".flowkit-scrubber").locator("visible=true").first
            if panel.count() == 0:
                continue  # a still (no story control in this view)
            handle = panel.locator(".noUi-handle")
            before = scrubber_state(panel)
            now = handle.get_attribute("aria-valuenow")
            at_end = float(now) == float(handle.get_attribute("aria-valuemax"))
            handle.focus()
            page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
            page.wait_for_function(
                "([h, v]) => h.getAttribute('aria-valuenow') !== v", arg=[handle.element_handle(), now]
            )
            after = scrubber_state(panel)
            assert after[0] != before[0], "the figure did not change"
            assert after[1] != before[1], "the readout did not change"
            assert after[2] != before[2], "the slider's value label did not change"
            moved += 1
    assert moved >= 1
    assert site.errors == [] and site.off_site == []
