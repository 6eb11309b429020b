"""Fixtures for the course-website check: one fresh build, a local server, headless Chromium.

The site is built ONCE per session, from a clean copy of the repository (the
files git tracks or would track, nothing ignored) into a temporary folder, by
the README's build command ``python site/build.py``. Pages are served on
127.0.0.1 by a thread of this process and opened in Debian's Chromium through
Playwright with every request that leaves the site blocked and recorded.

Tools: the build needs ``npm`` (the pages' JavaScript comes from
``site/package-lock.json``) and Jupyter Book 1 (the ``site`` extra); the page
checks need ``/usr/bin/chromium`` and Playwright. A missing tool skips the
tests with the reason, except under ``FLOWKIT_REQUIRE_BROWSER=1`` (set by
``.ci/run``), where it fails them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from chromium import CHROMIUM, SCREENSHOTS, launch

REPO = Path(__file__).resolve().parents[2]


def _missing(need_browser: bool) -> str | None:
    if shutil.which("npm") is None:
        return "npm not found: install Node.js (Debian: `apt-get install -y npm`) to build the site's JavaScript"
    try:
        import jupyter_book  # noqa: F401
    except ImportError:
        return 'jupyter-book is not importable: install the site extra (`pip install -e ".[site]"`)'
    if need_browser:
        if not CHROMIUM.exists():
            return f"{CHROMIUM} not found: `apt-get install -y chromium` (never `playwright install`)"
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            return f"playwright is not importable ({exc}); install the browser extra"
    return None


def require_tools(need_browser: bool = True) -> None:
    """Skip here, fail in CI (FLOWKIT_REQUIRE_BROWSER=1), when a tool the site check needs is missing."""
    reason = _missing(need_browser)
    if reason is None:
        return
    if os.environ.get("FLOWKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"FLOWKIT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"course-website check skipped: {reason}")


def _clean_copy(dest: Path) -> Path:
    """The repository as a fresh clone would have it (tracked and new files, nothing git ignores)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        src = REPO / os.fsdecode(name)
        if src.is_file():
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    # npm packages already installed here from the same lockfile (the build checks the stamp), linked
    modules = REPO / "site" / "node_modules"
    if (modules / ".flowkit-lock-sha256").exists():
        (dest / "site" / "node_modules").symlink_to(modules, target_is_directory=True)
    return dest


@pytest.fixture(scope="session")
def built_site():
    """Build the site once from a clean copy; yields (html folder, build seconds, build log)."""
    require_tools(need_browser=False)
    prebuilt = os.environ.get("FLOWKIT_SITE_PREBUILT")
    if prebuilt and os.environ.get("FLOWKIT_REQUIRE_BROWSER") != "1":
        # developers re-checking pages of a site they just built (never in CI: there the build is part of the check)
        yield Path(prebuilt), 0.0, "[site] built (prebuilt, FLOWKIT_SITE_PREBUILT)"
        return
    work = Path(tempfile.mkdtemp(prefix="flowkit-sitetest-"))
    try:
        repo = _clean_copy(work / "repo")
        out = work / "html"
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(repo / "site" / "build.py"), "--out", str(out)],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        seconds = time.perf_counter() - start
        log = result.stdout + result.stderr
        if result.returncode != 0:
            pytest.fail(f"site/build.py failed (exit {result.returncode}):\n{log[-6000:]}", pytrace=False)
        yield out, seconds, log
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 (a thread of this process)."""
    html, _, _ = built_site
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_browser(built_site, request):
    require_tools(need_browser=True)
    # the session's one Playwright driver (tests/conftest.py), asked for only once tools are there
    playwright_session = request.getfixturevalue("playwright_session")
    chromium = launch(playwright_session)
    try:
        yield chromium
    finally:
        chromium.close()


class SitePage:
    """A page of the site in a fresh context: console errors, failed and off-site requests recorded."""

    def __init__(self, browser, base: str, width: int, height: int = 900):
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.off_site: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on(
            "console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("response", lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.off_site.append(url)
            route.abort()

    def open(self, name: str):
        self.page.goto(self.base + name, wait_until="load")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(site_browser, site_url):
    pages = []

    def _open(width: int, height: int = 900) -> SitePage:
        page = SitePage(site_browser, site_url, width, height)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
