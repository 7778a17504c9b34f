"""In Chromium: fill a form in English and see English labels; follow a case
at the kiosk with the number and code typed on its large fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app import create_app
from app.catalog import load_schema, parse_local
from app.formfill import root_element, values_from_document
from app.registry.models import Document
from app.registry.queries import get_document_by_number
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample
from tests.app.served import gunicorn
from tests.browser.conftest import screenshot
from tests.notifications.cases import open_case_for
from tests.pdftools import require_tool, run

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "forms" / "pismo-ogolne" / "1"
NAMESPACE = "urn:kancelaria:forms:pismo-ogolne:1"
IDLE_SECONDS = 4


@dataclass
class Office:
    """The served office and the same instance opened in this process."""

    base: str
    services: Services


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    instance = tmp_path_factory.mktemp("browser-en") / "instance"
    application = create_app(make_settings(instance))
    services: Services = application.extensions["kancelaria"]
    env = {"KANCELARIA_KIOSK_IDLE_SECONDS": str(IDLE_SECONDS)}
    try:
        with gunicorn(instance, workers=1, env=env) as base:
            yield Office(base, services)
    finally:
        services.engine.dispose()


def test_a_form_filled_in_english_shows_english_labels_throughout(
    page: Page, office: Office, tmp_path: Path
) -> None:
    require_tool("pdftotext", "poppler-utils")
    page.goto(office.base + "/forms/pismo-ogolne/fill?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("First name")).to_be_visible()
    expect(page.get_by_label("Date of the letter (YYYY-MM-DD)")).to_be_visible()
    expect(page.get_by_text("Content of the letter")).to_be_visible()
    expect(page.get_by_label("Imię")).to_have_count(0)
    expect(page.locator("form.fill [lang='pl']")).to_have_count(0)
    expect(page.locator("#labels-note")).to_have_count(0)
    screenshot(page, "english-1-fill")

    _type_sample(page)
    page.get_by_label("Postcode, as 00-000").first.fill("00001")
    _prepare(page)
    expect(page.get_by_role("alert")).to_contain_text("Postcode, as 00-000:")
    expect(page.locator(".field-error").first).to_contain_text("does not have")
    screenshot(page, "english-2-field-error")

    page.get_by_label("Postcode, as 00-000").first.fill("00-001")
    _prepare(page)
    expect(page.get_by_role("heading", name="Your form is ready")).to_be_visible()
    screenshot(page, "english-3-draft")

    link = page.get_by_role("link", name="Print for paper (PDF)")
    paper = page.request.get(office.base + (link.get_attribute("href") or ""))
    path = tmp_path / "paper.pdf"
    path.write_bytes(paper.body())
    text = run(["pdftotext", "-layout", str(path), "-"])
    assert "Subject: in short, what the matter is about" in text
    assert "Temat pisma" not in text


def test_follow_a_case_at_the_kiosk_then_it_clears_itself(
    page: Page, office: Office
) -> None:
    document = _send_through_the_api(page, office)
    opened = open_case_for(office.services, document.id)
    year, sequence = document.year, document.sequence
    code = document.access_code

    page.goto(office.base + "/kiosk/")
    page.get_by_role("link", name="Sprawdź, co dzieje się z Twoją sprawą").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sprawdź, co dzieje się z Twoją sprawą"
    )
    for field in (page.get_by_label("Numer", exact=True), page.get_by_label("Rok")):
        box = field.bounding_box()
        assert box is not None and box["height"] >= 44
    screenshot(page, "kiosk-case-1-lookup")

    page.get_by_label("Numer", exact=True).fill(str(sequence))
    page.get_by_label("Rok").select_option(str(year))
    page.get_by_label("Kod dostępu").fill("WRONGCODE2345678")
    page.get_by_role("button", name="Pokaż sprawę").click()
    expect(page.get_by_role("alert")).to_contain_text("Rejestr nie zawiera pisma")
    screenshot(page, "kiosk-case-2-wrong-code")

    page.get_by_label("Kod dostępu").fill(f"{code[:8].lower()} {code[8:]}")
    page.get_by_role("button", name="Pokaż sprawę").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Twoja sprawa")
    expect(page.get_by_text(opened.number)).to_be_visible()
    expect(page.get_by_text("sprawę założono")).to_be_visible()
    expect(page.get_by_text("Termin załatwienia")).to_be_visible()
    assert code not in page.url and code.lower() not in page.url
    screenshot(page, "kiosk-case-3-case")

    page.wait_for_url("**/kiosk/?lang=pl", timeout=(IDLE_SECONDS + 5) * 1000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Wybierz wydział")
    expect(page.get_by_text(opened.number)).to_have_count(0)
    screenshot(page, "kiosk-case-4-cleared")


def _send_through_the_api(page: Page, office: Office) -> Document:
    """Send a signed letter to the served office (intake runs there, not here)."""
    assert office.services.demo is not None
    citizen = XadesSigner.from_issued(office.services.demo.citizen)
    answer = page.request.post(
        office.base + "/api/v1/submissions",
        data=citizen.sign_enveloped(sample("pismo-ogolne")),
        headers={"Content-Type": "application/xml"},
    )
    assert answer.status == 201, answer.text()
    with office.services.sessions() as session:
        found = get_document_by_number(session, answer.json()["registry_number"])
        assert found is not None
        return found


def _type_sample(page: Page) -> None:
    """Type the published sample's values into the fields, as a person would."""
    form_root = root_element(load_schema(FORM / "schema.xsd"), NAMESPACE, "PismoOgolne")
    values = values_from_document(form_root, parse_local(FORM / "sample.xml"))
    for key, value in values.items():
        if key.startswith(("_n:", "_c:")) or not value:
            continue

        if "@" in key and _only_hidden(page, key):
            continue  # the document's Id: kept, not offered to a person (R6)

        field = page.locator(f'[name="{key}"]:not([type=hidden])')
        if field.count() == 0:
            _add_part(page, key)
            field = page.locator(f'[name="{key}"]:not([type=hidden])')

        field.fill(value)


def _add_part(page: Page, key: str) -> None:
    """Press Add for a repeated part the sample has more of than the page shows."""
    for button in page.get_by_role("button", name=re.compile("^Add: ")).all():
        part = (button.get_attribute("value") or "").removeprefix("add:")
        if key.startswith(part):
            button.click()
            page.wait_for_load_state()
            return

    raise AssertionError(f"no field and no Add button for {key}")


def _prepare(page: Page) -> None:
    page.get_by_role("button", name="Check and prepare the document").last.click()
    page.wait_for_load_state()


def _only_hidden(page: Page, key: str) -> bool:
    """Whether the page carries ``key`` only in a hidden input."""
    shown = page.locator(f'[name="{key}"]:not([type=hidden])').count()
    return shown == 0 and page.locator(f'input[name="{key}"]').count() > 0
