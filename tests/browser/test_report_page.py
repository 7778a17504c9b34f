"""The validation report on the result page, in Chromium: a counter-signed form
and a form changed after signing, in Polish and English, with screenshots."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from signing.pki import ensure_demo_pki
from tests.app.served import gunicorn
from tests.browser.conftest import screenshot
from tests.browser.test_desk import _init, _sign_in
from tests.verdicts import documents

OFFICE = "Urząd Miasta Przykładowo"


def test_result_page_reports_each_signature_in_plain_words(
    page: Page, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    with gunicorn(instance, workers=1) as base:
        demo = ensure_demo_pki(instance / "demo-pki", OFFICE)
        counter = tmp_path / "kontrasygnata.xml"
        counter.write_bytes(documents.counter_signed(demo.citizen, demo.seal))
        changed = tmp_path / "zmienione.xml"
        changed.write_bytes(documents.changed_after_signing(demo.citizen))

        _send(page, base, counter)
        expect(page.locator(".verdict")).to_have_text(
            "Podpis elektroniczny jest prawidłowy."
        )
        expect(page.locator("#summary .headline")).to_contain_text(
            "Podpisał(a): Jan Testowy"
        )
        expect(page.locator("#sig-2")).to_have_text(
            "Kontrasygnata 2, potwierdzająca podpis 1"
        )
        screenshot(page, "report-01-counter-signed-pl")

        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        expect(page.locator("#report .headline").nth(1)).to_contain_text(
            "Counter-signed by"
        )
        screenshot(page, "report-02-counter-signed-en")

        _send(page, base, changed)
        expect(page.locator("#summary .advice")).to_contain_text(
            "sign the original document again"
        )
        expect(page.locator("#report .check-failed").first).to_contain_text(
            "The signed content has not changed since signing"
        )
        screenshot(page, "report-03-changed-en")


def _send(page: Page, base: str, path: Path) -> None:
    page.goto(base + "/submit")
    page.set_input_files("#document", str(path))
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".number")).to_contain_text("RPW/")


def test_the_desk_shows_the_clerk_the_same_report_with_notes(
    page: Page, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    passwords = _init(instance)
    with gunicorn(instance, workers=1) as base:
        demo = ensure_demo_pki(instance / "demo-pki", OFFICE)
        form = tmp_path / "zameldowanie.xml"
        form.write_bytes(
            documents.counter_signed(demo.citizen, demo.seal, "zameldowanie")
        )
        _send(page, base, form)
        number = page.locator(".number strong").inner_text()

        _sign_in(page, base, "urzednik.so", passwords["urzednik.so"])
        page.goto(base + "/desk/inbox")
        page.get_by_role("link", name=number).click()
        page.wait_for_load_state()

        expect(page.locator("#report h3").nth(1)).to_have_text(
            "Kontrasygnata 2, potwierdzająca podpis 1"
        )
        expect(page.locator("#report .detail").first).to_be_visible()
        screenshot(page, "report-04-desk-document")
