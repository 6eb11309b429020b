"""Fixtures for the end-to-end browser tests.

What a student does, done by a robot: a real JupyterLab (and a Voila) server
on 127.0.0.1 with a random token and a free port, serving a temporary copy of
``notebooks/``, driven by Debian's headless Chromium through Playwright.

The servers run in their own process groups and are stopped by group id, so
a kernel they started dies with them even when a test fails half-way.

Browser availability: the tests skip (with the reason) when
``/usr/bin/chromium`` or Playwright is missing, unless
``FLOWKIT_REQUIRE_BROWSER=1`` is set (CI sets it), in which case they fail.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browserkit import NOTEBOOKS, TRIVIAL_NOTEBOOK, write_trivial_notebook
from chromium import CHROMIUM, SCREENSHOTS, launch

SERVER_START_TIMEOUT = 90.0  # s; a loaded shared machine can be slow to import jupyterlab


def _missing_browser_reason() -> str | None:
    """Why no browser test can run here, or None when everything is present."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} not found: install Debian's browser with "
            "`apt-get install -y chromium` (never `playwright install`)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        return f"playwright is not importable ({exc}); install the [browser] extra"
    return None


def require_browser() -> None:
    """Skip (locally) or fail (CI, FLOWKIT_REQUIRE_BROWSER=1) without a browser."""
    reason = _missing_browser_reason()
    if reason is None:
        return
    if os.environ.get("FLOWKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"FLOWKIT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process in its own process group, with a log file and a URL."""

    def __init__(self, name: str, argv: list[str], env: dict, port: int, token: str, ready_path: str, log_dir: Path):
        self.name = name
        self.port = port
        self.token = token
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        # start_new_session: the server and every kernel it forks share one group we can kill.
        self.proc = subprocess.Popen(
            argv, env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        self._wait_ready(ready_path)

    def url(self, path: str, **query: str) -> str:
        sep = "&" if "?" in path else "?"
        extra = "".join(f"&{k}" if v == "" else f"&{k}={v}" for k, v in query.items())
        return f"{self.base}{path}{sep}token={self.token}{extra}"

    def log_tail(self, n: int = 4000) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_bytes()[-n:].decode(errors="replace")

    def _wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"{self.name} exited early (code {self.proc.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the whole group, then SIGKILL whatever is left; safe to call twice."""
        try:
            pgid = os.getpgid(self.proc.pid)
        except ProcessLookupError:
            pgid = None
        if pgid is not None:
            for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(pgid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    continue
                # The leader is gone; kernels in the group may linger a moment.
                try:
                    os.killpg(pgid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.5)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._log.close()


def _server_env(settings_dir: Path, runtime_dir: Path) -> dict:
    env = dict(os.environ)
    # tests/conftest.py forces Agg for headless app tests; a student's kernel has no such
    # override, and it must not leak into the kernels of the browser servers.
    env.pop("MPLBACKEND", None)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(runtime_dir / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir / "runtime")
    # The kernelspec says plain "python": make sure it is this environment's python.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def browser_tmp():
    """One temporary directory for the whole browser session (notebooks, settings, logs)."""
    require_browser()
    path = Path(tempfile.mkdtemp(prefix="flowkit-browser-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def notebook_dir(browser_tmp):
    """A copy of notebooks/ (chapters only) plus the trivial baseline app."""
    dest = browser_tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, dest, ignore=shutil.ignore_patterns("homework", ".ipynb_checkpoints"))
    write_trivial_notebook(dest / TRIVIAL_NOTEBOOK)
    return dest


@pytest.fixture(scope="session")
def server_env(browser_tmp):
    settings = browser_tmp / "lab-settings"
    target = settings / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True)
    # Without this, a "Jupyter news?" pop-up can cover the plots in screenshots.
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return _server_env(settings, browser_tmp)


@pytest.fixture(scope="session")
def lab_server(notebook_dir, server_env, browser_tmp):
    """A JupyterLab server on 127.0.0.1 serving the notebook copy."""
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebook_dir}",
        "--expose-app-in-browser",
        "--allow-root",
    ]
    server = Server("jupyterlab", argv, server_env, port, token, "/api/status", browser_tmp)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def voila_server(notebook_dir, server_env, browser_tmp):
    """A Voila server (the lecturer's present mode) serving the notebook copy."""
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--Voila.root_dir={notebook_dir}",
        f"--Voila.token={token}",
        "--show_tracebacks=True",
        "--ServerApp.port_retries=0",
    ]
    server = Server("voila", argv, server_env, port, token, "/", browser_tmp)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(browser_tmp, playwright_session):
    """Debian's Chromium, launched by path through the session's one Playwright driver."""
    chromium = launch(playwright_session)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test, closed even when the test fails."""
    from browserkit import INIT_SCRIPT

    context = browser.new_context(viewport={"width": 1280, "height": 1300})
    context.add_init_script(INIT_SCRIPT)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
