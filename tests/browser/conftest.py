"""Real headless Chromium (Debian's package) driven by Playwright.

The browser is the machine's ``/usr/bin/chromium`` (``make test`` installs it);
Playwright never downloads a browser of its own. Pages are served by a real
gunicorn on 127.0.0.1 (``tests.app.served``). Screenshots of every page a
test looks at go to ``test-output/screenshots/`` so a person can look too.
When Chromium is missing the tests fail and say how to get it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str:
    """Return the machine's Chromium, or fail the test saying how to get it."""
    found = os.environ.get("KANCELARIA_CHROMIUM") or shutil.which("chromium")

    if not found:
        pytest.fail(
            "browser tests need Debian's chromium (apt-get install chromium; "
            "`make test` installs it)"
        )

    return found


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver per test module.

    Not per process: while it runs, its event loop counts as running in the
    main thread, and code under test that calls ``asyncio.run`` (pyHanko's
    certificate validation in signing/tsp.py) would fail in any later test of
    the same xdist worker.
    """
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Headless Chromium with no network beyond what the pages ask of loopback."""
    launched = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
    yield launched
    launched.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page; requests off loopback are aborted."""
    context = browser.new_context(accept_downloads=True, locale="pl-PL")
    context.route(
        re.compile(r"^(?!https?://(127\.0\.0\.1|localhost|\[::1\])[:/]).*"),
        lambda route: route.abort(),
    )
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
