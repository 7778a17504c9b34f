"""The browser harness itself: Chromium opens the catalog served by gunicorn."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.app.served import gunicorn
from tests.browser.conftest import screenshot


def test_catalog_opens_in_chromium_and_switches_to_english(
    page: Page, tmp_path: Path
) -> None:
    with gunicorn(tmp_path / "instance", workers=1) as base:
        page.goto(base + "/")
        assert page.locator("html").get_attribute("lang") == "pl"
        screenshot(page, "smoke-catalog-pl")

        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()

        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("link", name="Skip to content").count() == 1
        screenshot(page, "smoke-catalog-en")
