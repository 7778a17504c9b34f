"""In Chromium: fill a form on the portal, take its code to the kiosk, open it
there by typing the code, print it; the code never stands in an address the
browser keeps, and the idle reset closes the form for the next person."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app import create_app
from app.drafts.code import bare_code
from app.services import Services
from tests.app.conftest import make_settings
from tests.app.served import gunicorn
from tests.app.test_kiosk_draft import swapped
from tests.browser.conftest import screenshot
from tests.browser.test_english_and_kiosk_case import _prepare, _type_sample
from tests.pdftools import require_tool, run

IDLE_SECONDS = 4


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    instance = tmp_path_factory.mktemp("browser-kiosk-draft") / "instance"
    application = create_app(make_settings(instance))
    services: Services = application.extensions["kancelaria"]
    env = {"KANCELARIA_KIOSK_IDLE_SECONDS": str(IDLE_SECONDS)}
    try:
        with gunicorn(instance, workers=1, env=env) as served:
            yield served
    finally:
        services.engine.dispose()


def history(page: Page) -> list[str]:
    """Every address in the tab's back/forward list, as Chromium keeps it."""
    cdp = page.context.new_cdp_session(page)
    entries = cdp.send("Page.getNavigationHistory")["entries"]
    cdp.detach()
    return [entry["url"] for entry in entries]


def filled_at_home(browser: Browser, base: str) -> str:
    """Fill a form on the portal in another browser, as at home; its code."""
    context = browser.new_context(locale="pl-PL")
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda r: r.abort())
    home = context.new_page()
    home.goto(base + "/forms/pismo-ogolne/fill?lang=en")
    _type_sample(home)
    _prepare(home)
    screenshot(home, "kiosk-draft-0-home")
    code = bare_code(home.locator(".draft-code").inner_text())
    context.close()
    return code


def test_a_form_filled_at_home_opens_and_prints_at_the_kiosk_without_its_code_kept(
    page: Page, browser: Browser, base: str, tmp_path: Path
) -> None:
    require_tool("pdftotext", "poppler-utils")
    code = filled_at_home(browser, base)
    assert len(code) == 10

    page.goto(base + "/kiosk/?lang=pl")
    page.get_by_role("link", name="Otwórz formularz wypełniony w domu").click()
    field = page.get_by_label("Kod formularza")
    box = field.bounding_box()
    assert box is not None and box["height"] >= 44
    screenshot(page, "kiosk-draft-1-code")

    field.fill(swapped(code))
    page.get_by_role("button", name="Otwórz formularz").click()
    expect(page.get_by_role("alert")).to_contain_text("W kodzie jest literówka")
    screenshot(page, "kiosk-draft-2-typo")

    field.fill(f"{code[:5].lower()} - {code[5:]}")
    page.get_by_role("button", name="Otwórz formularz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formularz jest gotowy")
    expect(page.locator(".draft-code")).to_have_text(f"{code[:5]}-{code[5:]}")
    screenshot(page, "kiosk-draft-3-opened")

    link = page.get_by_role("link", name="Wydrukuj wersję papierową (PDF)")
    href = link.get_attribute("href") or ""
    paper = page.request.get(base + href)  # the page's own cookies
    path = tmp_path / "paper.pdf"
    path.write_bytes(paper.body())
    assert paper.status == 200 and code[:5] in run(["pdftotext", str(path), "-"])
    for address in [page.url, href, *history(page)]:
        assert code not in address.upper().replace("-", ""), address

    page.wait_for_url("**/kiosk/?lang=pl", timeout=(IDLE_SECONDS + 5) * 1000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Wybierz wydział")
    screenshot(page, "kiosk-draft-4-after-idle")

    page.go_back()  # what the next person could try
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Otwórz formularz wypełniony w domu"
    )
    expect(page.locator(".draft-code")).to_have_count(0)
    assert page.get_by_label("Kod formularza").input_value() == ""
    assert page.request.get(base + href).url.endswith("/kiosk/draft/open")
    screenshot(page, "kiosk-draft-5-back-after-idle")
    for address in history(page):
        assert code not in address.upper().replace("-", ""), address
