"""Debian's headless Chromium, as the browser and site suites launch it (never Playwright's own build)."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# FLOWKIT_CHROMIUM may name another build of Chromium.
CHROMIUM = Path(os.environ.get("FLOWKIT_CHROMIUM", "/usr/bin/chromium"))
# Flags tested on this machine type (see notes/browser-and-nbval.md): no sandbox
# because CI runs as root, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("FLOWKIT_SCREENSHOT_DIR", REPO / "artifacts" / "screenshots"))


def launch(playwright):
    """Start headless Chromium through ``playwright`` (the session's one driver)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
