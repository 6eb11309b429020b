"""Build the course website: every chapter executed fresh and rendered by Jupyter Book.

    python site/build.py                 # -> site/_build/html/index.html
    python site/build.py --out /tmp/web  # -> /tmp/web/index.html

What it does, in order:

1. copies the chapter notebooks named in :data:`flowkit.chapters.CHAPTERS` (the
   one chapter registry; the table of contents is generated from it) into a
   fresh book folder, adding under each title a launch bar (Binder, the class
   JupyterHub via nbgitpuller, the ``.ipynb``) built by
   :func:`flowkit.chapters.binder_url` and :func:`~flowkit.chapters.nbgitpuller_url`;
   links to ``homework/`` go to the site's homework page, which links the
   student versions only;
2. installs the page's JavaScript from ``site/package-lock.json`` (``npm ci``:
   the widget manager, require.js, ipympl's views and MathJax) and serves it
   from the site itself, so a page needs nothing from a CDN;
3. runs Jupyter Book 1.x with ``-W -n --keep-going``: every notebook is executed
   (``execute_notebooks: force``; each chapter fixes its own seeds), and a cell
   that raises, a broken reference or any other warning fails the build.
   ``FLOWKIT_STATIC_SITE=1`` is set for the kernels, so each chapter app renders
   frames of its story controls (``Chapter.scrub``) for the static page
   (:mod:`flowkit.apps._static`); the notebooks themselves are not changed.

The notebooks are never edited in place; the output folder is removed first,
so every build is a fresh one. Exit status 0 only when everything built.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from flowkit.chapters import (  # noqa: E402
    CHAPTERS,
    HOMEWORK,
    STUDENT_BRANCH,
    STUDENT_REPOSITORY,
    binder_url,
    nbgitpuller_url,
)

#: Read by flowkit/apps/_base.py: the apps display their static version (flowkit/apps/_static.py).
STATIC_ENV = "FLOWKIT_STATIC_SITE"
#: Where a student version of an assignment lives in the student repository (nbgrader's release layout).
HOMEWORK_STUDENT_PATH = "notebooks/homework/release/{name}/{name}.ipynb"
LAUNCH_NOTE = "launch to use every control"
JS = "jsdeps"  # folder under the site's _static/ holding the npm packages the pages load

# npm package file -> path under _static/jsdeps/ (only what the pages load, not the whole packages)
JS_FILES = {
    "requirejs/require.js": "require.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "html-manager/embed-amd.js",
    "jupyter-matplotlib/dist/index.js": "jupyter-matplotlib/index.js",
}
# MathJax loads its fonts and extensions relative to its own script: keep its layout.
MATHJAX_PARTS = ["tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y", "adaptors"]

REQUIRE_CONFIG = """\
// Loaded after require.js and before the widget manager (site/build.py).
(function () {
  // ipympl's widget views live on this site, next to this file.
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({paths: {"jupyter-matplotlib": here + "jupyter-matplotlib/index"}});
  // The widget manager typesets labels with MathJax 2's MathJax.Hub.Queue; the site serves MathJax 3.
  function shim() {
    var mj = window.MathJax;
    if (!mj || !mj.version || mj.Hub) return;
    mj.Hub = {Queue: function (job) {
      var element = job && job[2];
      if (!element || !mj.startup) return;
      mj.startup.promise.then(function () { return mj.typesetPromise([element]); }).catch(function () {});
    }};
  }
  document.addEventListener("DOMContentLoaded", shim);
  window.addEventListener("load", shim);
})();
"""


def log(message: str) -> None:
    print(f"[site] {message}", flush=True)


# --------------------------------------------------------------------------- JavaScript
def install_js(node_modules: Path | None = None) -> Path:
    """``npm ci`` in site/ when node_modules is missing or older than the lockfile; returns node_modules."""
    node_modules = node_modules or HERE / "node_modules"
    lock = HERE / "package-lock.json"
    stamp = node_modules / ".flowkit-lock-sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return node_modules
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "site/build.py needs npm (Node.js) to install the pages' JavaScript from site/package-lock.json"
        )
    log("npm ci (site/package-lock.json)")
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True)
    stamp.write_text(digest)
    return node_modules


def copy_js(node_modules: Path, static: Path, extra: Path) -> None:
    dest = static / JS
    for source, target in JS_FILES.items():
        (dest / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(node_modules / source, dest / target)
    (dest / "require-config.js").write_text(REQUIRE_CONFIG)
    for part in MATHJAX_PARTS:
        src = node_modules / "mathjax" / "es5" / part
        if src.is_dir():
            shutil.copytree(src, dest / "mathjax" / part)
        else:
            (dest / "mathjax" / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / "mathjax" / part)
    # The widget manager's icon fonts are looked up at <page folder>/@jupyter-widgets/html-manager/dist/
    # (webpack's public path follows the module id, not the script's URL); pages sit at the site's top.
    fonts = extra / "@jupyter-widgets" / "html-manager" / "dist"
    fonts.mkdir(parents=True)
    for font in (node_modules / "@jupyter-widgets" / "html-manager" / "dist").iterdir():
        if font.suffix in {".woff2", ".woff", ".ttf", ".eot", ".svg"}:
            shutil.copy2(font, fonts / font.name)
    for package in ("requirejs", "@jupyter-widgets/html-manager", "jupyter-matplotlib", "mathjax"):
        licence = node_modules / package / "LICENSE"
        if licence.exists():
            shutil.copy2(licence, dest / f"LICENSE.{package.replace('/', '_').lstrip('@')}")


# --------------------------------------------------------------------------- book sources
def launch_bar(chapter) -> str:
    """Raw HTML under a chapter's title: Binder, JupyterHub, download, and the static-page note."""
    binder = html.escape(binder_url(chapter.path), quote=True)
    hub = html.escape(nbgitpuller_url(chapter.path), quote=True)
    return (
        '<div class="flowkit-launch">\n'
        f'<a class="flowkit-launch-binder" href="{binder}">Launch on Binder</a>\n'
        f'<a class="flowkit-launch-hub" href="{hub}">Open on the class JupyterHub</a>\n'
        f'<a class="flowkit-launch-download" href="_static/notebooks/{chapter.notebook}.ipynb" '
        f'download="{chapter.notebook}.ipynb">Download the notebook</a>\n'
        f'<span class="flowkit-launch-note">The sliders on this page switch between pictures drawn when the '
        f"page was built: {LAUNCH_NOTE}.</span>\n"
        "</div>\n"
    )


def _rewrite_links(text: str) -> str:
    # the nbgrader course folder is not part of the site: its page lists the student versions
    return re.sub(r"\]\(homework/[^)]*\)", "](homework.md)", text)


def chapter_source(chapter) -> dict:
    """The chapter notebook as the site renders it: launch bar under the title, site links."""
    nb = json.loads((REPO / chapter.path).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _rewrite_links("".join(cell["source"]))
    first = nb["cells"][0]
    if first["cell_type"] != "markdown" or not first["source"].startswith("# "):
        raise SystemExit(f"{chapter.path}: the first cell must be markdown starting with the '# ' title")
    title, _, rest = first["source"].partition("\n")
    first["source"] = f"{title}\n\n{launch_bar(chapter)}\n{rest}"
    return nb


def homework_page() -> str:
    by_name = {c.homework: c for c in CHAPTERS if c.homework}
    rows = []
    for name in HOMEWORK:
        chapter = by_name[name]
        path = HOMEWORK_STUDENT_PATH.format(name=name)
        # raw <a> tags: MyST escapes the '&' of a markdown link's query twice ('&amp;amp;')
        binder = html.escape(binder_url(path), quote=True)
        hub = html.escape(nbgitpuller_url(path), quote=True)
        rows.append(
            f"| `{name}` | [{chapter.number} · {chapter.title}]({chapter.notebook}.ipynb) "
            f'| <a href="{binder}">Binder</a> · <a href="{hub}">JupyterHub</a> |'
        )
    return "\n".join(
        [
            "# Homework",
            "",
            f"One graded assignment follows each of chapters 1 to {len(HOMEWORK)} (the last is a small project).",
            "The links open the *student version*",
            "of an assignment (the model solutions taken out) from the course's student repository,",
            f"`{STUDENT_REPOSITORY}`, on Binder or on the class JupyterHub.",
            "In a graded course, fetch and submit the assignments from your hub's *Assignments* tab instead.",
            "",
            "| assignment | after chapter | open the student version |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )


def config_yml() -> str:
    js = "_static/" + JS  # pages are at the top of the site
    config = {
        "title": "Particle Flow",
        "author": "Particle Flow contributors",
        "copyright": "Particle Flow contributors (text CC-BY-4.0, code BSD-3-Clause)",
        "only_build_toc_files": True,
        "execute": {
            "execute_notebooks": "force",
            "timeout": 600,
            "allow_errors": False,
            "run_in_temp": False,
        },
        "repository": {
            "url": f"https://github.com/{STUDENT_REPOSITORY}",
            "path_to_book": "notebooks",
            "branch": STUDENT_BRANCH,
        },
        "html": {
            "use_repository_button": True,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "home_page_in_navbar": True,
        },
        # The page's own launch bar (chapter_source) carries Binder and the hub link, built by flowkit.chapters.
        "launch_buttons": {"notebook_interface": "jupyterlab"},
        "sphinx": {
            "local_extensions": {"flowkit_site_ext": "./"},
            "config": {
                "html_static_path": ["_site_static"],
                "html_extra_path": ["_site_extra"],
                "html_context": {"default_mode": "light"},
                "html_css_files": ["flowkit-site.css"],
                "html_js_files": ["flowkit-site.js"],
                "html_show_sourcelink": False,
                "mathjax_path": f"{JS}/mathjax/tex-mml-chtml.js",
                # a heading that skips a level (H1 -> H3) is a style remark, not a broken page
                "suppress_warnings": ["myst.header"],
                "nb_execution_raise_on_error": True,
                "nb_execution_show_tb": True,
                "nb_merge_streams": True,
                "nb_ipywidgets_js": {
                    f"{JS}/require.js": {},
                    f"{JS}/require-config.js": {},
                    f"{JS}/html-manager/embed-amd.js": {
                        # require-config.js maps every third-party widget module to this site; the
                        # manager's fallback "CDN" is a folder of the site too, so nothing leaves it
                        "data-jupyter-widgets-cdn": f"{js}/cdn/",
                    },
                },
            },
        },
    }
    return json.dumps(config, indent=2)  # YAML is a superset of JSON


def reference_pages() -> list[str]:
    """Notebooks under notebooks/ that are not chapters (e.g. the notation page): after the chapters."""
    chapters = {c.notebook for c in CHAPTERS}
    return sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb") if p.stem not in chapters)


def toc_yml() -> str:
    first, *rest = CHAPTERS
    lines = ["format: jb-book", f"root: {first.notebook}", "chapters:"]
    lines += [f"- file: {c.notebook}" for c in rest]
    lines += [f"- file: {stem}" for stem in reference_pages()]
    lines.append("- file: homework")
    return "\n".join(lines) + "\n"


def write_book(book: Path, node_modules: Path) -> None:
    book.mkdir(parents=True)
    for chapter in CHAPTERS:
        nb = chapter_source(chapter)
        (book / f"{chapter.notebook}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    for stem in reference_pages():
        nb = json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = _rewrite_links("".join(cell["source"]))
        (book / f"{stem}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    (book / "homework.md").write_text(homework_page(), encoding="utf-8")
    (book / "_config.yml").write_text(config_yml(), encoding="utf-8")
    (book / "_toc.yml").write_text(toc_yml(), encoding="utf-8")
    static = book / "_site_static"
    static.mkdir()
    for name in ("flowkit-site.css", "flowkit-site.js"):
        shutil.copy2(HERE / name, static / name)
    # the notebooks as they are in the repository (no outputs, no launch bar), for download
    (static / "notebooks").mkdir()
    for chapter in CHAPTERS:
        shutil.copy2(REPO / chapter.path, static / "notebooks")
    extra = book / "_site_extra"
    copy_js(node_modules, static, extra)
    shutil.copy2(HERE / "flowkit_site_ext.py", book / "flowkit_site_ext.py")


# --------------------------------------------------------------------------- after the build
_STATE = re.compile(r'(<script type="application/vnd\.jupyter\.widget-state\+json">)(.*?)(</script>)', re.S)


def fix_widget_state(page: Path) -> int:
    """Make every ipympl canvas image in a page's saved widget state a ``data:`` URL; returns how many.

    ipympl keeps the last frame of a canvas drawn with no browser attached as
    bare base64 in ``_data_url`` (``Canvas.send_binary``), which a browser takes
    for a relative URL: one bad request per canvas. The prefix makes it the
    image it is.
    """
    text = page.read_text(encoding="utf-8")
    match = _STATE.search(text)
    if match is None:
        return 0
    state = json.loads(match.group(2))
    fixed = 0
    for model in state.get("state", {}).values():
        url = model.get("state", {}).get("_data_url")
        if isinstance(url, str) and url and not url.startswith("data:"):
            model["state"]["_data_url"] = "data:image/png;base64," + url
            fixed += 1
    if fixed:
        body = json.dumps(state).replace("</", "<\\/")  # keep the JSON from closing its <script>
        page.write_text(text[: match.start(2)] + body + text[match.end(2) :], encoding="utf-8")
    return fixed


# --------------------------------------------------------------------------- build
def build(out: Path, keep_book: bool = False) -> Path:
    """Build the site into ``out`` (removed first); returns the folder holding index.html."""
    start = time.perf_counter()
    node_modules = install_js()
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    work = Path(tempfile.mkdtemp(prefix="flowkit-site-"))
    book = work / "book"
    try:
        write_book(book, node_modules)
        env = dict(os.environ)
        env[STATIC_ENV] = "1"
        env.pop("MPLBACKEND", None)  # the notebooks choose ipympl themselves (%matplotlib widget)
        # kernels: this Python, whatever the kernelspec's "python" would find on PATH
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["PYTHONHASHSEED"] = "0"
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        log(f"executing and rendering {len(CHAPTERS)} chapters")
        cmd = [
            sys.executable,
            "-c",
            "from jupyter_book.cli.main import main; main()",
            "build",
            str(book),
            "--path-output",
            str(work),
            "--builder",
            "html",
            "-W",
            "-n",
            "--keep-going",
            "--quiet",
        ]
        result = subprocess.run(cmd, env=env, cwd=work)
        if result.returncode != 0:
            raise SystemExit(f"site build failed (jupyter-book exit {result.returncode}); see the messages above")
        shutil.copytree(work / "_build" / "html", out)
        shutil.rmtree(out / ".doctrees", ignore_errors=True)
        for page in out.glob("*.html"):
            fix_widget_state(page)
    finally:
        if keep_book:
            log(f"book sources kept in {book}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"built {out / 'index.html'} in {time.perf_counter() - start:.1f} s, {size / 1e6:.1f} MB")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "_build" / "html", help="output folder (removed first)")
    parser.add_argument("--keep-book", action="store_true", help="keep the generated book sources (for debugging)")
    args = parser.parse_args(argv)
    build(args.out, keep_book=args.keep_book)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
