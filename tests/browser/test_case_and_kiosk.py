"""In Chromium: send a document, follow the case, ask the clerk and see the mail
arrive at a real SMTP server, read the answer in English; use the kiosk and
watch it return to the start; tab through the main pages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app import create_app
from app.cases import writing
from app.cases.models import Case
from app.cases.questions import reply_to_citizen
from app.registry.queries import get_document_by_number
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample
from tests.app.served import gunicorn
from tests.browser.conftest import screenshot
from tests.notifications.cases import DEPARTMENT_EMAIL, open_case_for
from tests.notifications.receiver import free_port
from tests.notifications.smtpd import SmtpServer

IDLE_SECONDS = 3
CITIZEN_EMAIL = "anna.testowa@poczta.test"


@dataclass
class Office:
    """The served office, the same instance opened in this process, and SMTP."""

    base: str
    app: Flask
    services: Services
    smtp: SmtpServer


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    instance = tmp_path_factory.mktemp("browser") / "instance"
    application = create_app(make_settings(instance))
    services: Services = application.extensions["kancelaria"]
    smtp = SmtpServer(free_port()).start()
    env = {
        "KANCELARIA_SMTP_HOST": "127.0.0.1",
        "KANCELARIA_SMTP_PORT": str(smtp.port),
        "KANCELARIA_SMTP_STARTTLS": "off",
        "KANCELARIA_OUTBOX_THREAD": "on",
        "KANCELARIA_OUTBOX_POLL_SECONDS": "0.3",
        "KANCELARIA_KIOSK_IDLE_SECONDS": str(IDLE_SECONDS),
    }
    try:
        with gunicorn(instance, workers=1, env=env) as base:
            yield Office(base, application, services, smtp)
    finally:
        smtp.stop()
        services.engine.dispose()


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(0.1)


def send_document(page: Page, office: Office, tmp_path: Path) -> None:
    assert office.services.demo is not None
    signer = XadesSigner.from_issued(office.services.demo.citizen)
    signed = tmp_path / "pismo.xml"
    signed.write_bytes(signer.sign_enveloped(sample("pismo-ogolne")))
    page.goto(office.base + "/submit")
    page.get_by_label("Podpisany plik", exact=True).set_input_files(str(signed))
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pismo zarejestrowane")


def test_follow_a_case_ask_the_clerk_and_read_the_answer(
    page: Page, office: Office, tmp_path: Path
) -> None:
    send_document(page, office, tmp_path)
    number = page.locator(".number strong").inner_text()
    code = page.locator("dt:has-text('Kod dostępu') + dd code").inner_text()
    screenshot(page, "case-1-result")

    page.get_by_role("link", name="Śledź sprawę i zapytaj urzędnika").click()
    expect(page.get_by_text("nie założono jeszcze sprawy")).to_be_visible()
    screenshot(page, "case-2-not-yet-opened")

    with office.services.sessions() as session:
        document = get_document_by_number(session, number)
        assert document is not None
        opened = open_case_for(office.services, document.id)

    page.goto(office.base + "/case")
    page.get_by_label("Numer w rejestrze").fill(number)
    page.get_by_label("Kod dostępu").fill(code.lower())
    page.get_by_role("button", name="Pokaż sprawę").click()
    expect(page.get_by_text(opened.number)).to_be_visible()
    expect(page.get_by_text("sprawę założono")).to_be_visible()
    screenshot(page, "case-3-opened")

    page.get_by_label("Twoje pytanie").fill(
        "Czy potrzebny jest jeszcze jakiś załącznik?"
    )
    page.get_by_label("Adres e-mail do odpowiedzi (nieobowiązkowy)").fill(CITIZEN_EMAIL)
    page.get_by_role("button", name="Wyślij pytanie").click()
    expect(page.get_by_role("status")).to_have_text("Pytanie wysłano do wydziału.")
    screenshot(page, "case-4-question-sent")

    inbox = office.smtp.inbox
    wait_for(lambda: len(inbox.messages) >= 1)
    assert inbox.recipients[0] == [DEPARTMENT_EMAIL]
    assert opened.number in inbox.messages[0]["Subject"]

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Ask the clerk")).to_be_visible()

    with office.app.test_request_context(), writing(office.services.sessions) as s:
        case = s.get(Case, opened.case_id)
        assert case is not None
        reply_to_citizen(s, case, None, "Nie, komplet.", office.base)

    wait_for(lambda: len(inbox.messages) >= 2)
    assert inbox.recipients[1] == [CITIZEN_EMAIL]
    assert "Nie, komplet." in inbox.messages[1].get_content()
    page.reload()
    expect(page.get_by_text("The office's answer")).to_be_visible()
    expect(page.get_by_text("Nie, komplet.")).to_be_visible()
    screenshot(page, "case-5-answer-en")


def test_a_question_left_empty_is_announced_beside_its_field(
    page: Page, office: Office, tmp_path: Path
) -> None:
    send_document(page, office, tmp_path)
    number = page.locator(".number strong").inner_text()
    with office.services.sessions() as session:
        document = get_document_by_number(session, number)
        assert document is not None
        open_case_for(office.services, document.id)

    page.get_by_role("link", name="Śledź sprawę i zapytaj urzędnika").click()
    page.get_by_label("Twoje pytanie").evaluate("field => field.required = false")
    page.get_by_role("button", name="Wyślij pytanie").click()

    expect(page.get_by_role("alert")).to_contain_text("Wpisz pytanie.")
    field = page.get_by_label("Twoje pytanie")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert "body-error" in (field.get_attribute("aria-describedby") or "")
    screenshot(page, "case-6-question-refused")


def test_the_kiosk_chooses_by_tiles_prints_and_returns_to_the_start(
    page: Page, office: Office
) -> None:
    page.goto(office.base + "/kiosk/")
    tiles = page.locator("main .tile")
    assert tiles.count() >= 3
    for index in range(tiles.count()):
        box = tiles.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    screenshot(page, "kiosk-1-departments")

    tiles.first.click()
    page.locator("main .tile").first.click()
    expect(page.get_by_role("link", name="Wydrukuj pusty formularz")).to_be_visible()
    screenshot(page, "kiosk-2-form")
    page.get_by_role("link", name="Wydrukuj pusty formularz").click()
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Drukuj").click()
    assert page.evaluate("window.printed") is True
    screenshot(page, "kiosk-3-sheet")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.mouse.click(5, 5)
    page.wait_for_url("**/kiosk/?lang=pl", timeout=(IDLE_SECONDS + 5) * 1000)
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wybierz wydział")
    screenshot(page, "kiosk-4-after-idle")


def test_touching_the_kiosk_keeps_it_on_the_page(page: Page, office: Office) -> None:
    page.goto(office.base + "/kiosk/forms/zameldowanie")
    started = time.monotonic()
    while time.monotonic() - started < IDLE_SECONDS + 1.5:
        page.mouse.click(5, 5)
        page.wait_for_timeout(500)

    assert page.url.endswith("/kiosk/forms/zameldowanie")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/forms/pismo-ogolne",
        "/submit",
        "/check",
        "/case",
        "/kiosk/",
        "/kiosk/draft/open",
    ],
)
def test_tabbing_reaches_every_control_with_a_visible_focus(
    page: Page, office: Office, path: str
) -> None:
    page.goto(office.base + path)
    controls = page.locator(
        "a[href]:visible, button:visible, input:not([type=hidden]):visible, "
        "textarea:visible, select:visible"
    ).count()
    reached = []
    for _ in range(controls + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement;
              const s = getComputedStyle(e);
              const r = e.getBoundingClientRect();
              return {tag: e.tagName, text: (e.innerText || e.name || '').trim(),
                      ring: s.outlineStyle !== 'none'
                            && parseFloat(s.outlineWidth) >= 2,
                      shown: r.width > 0 && r.height > 0 && r.left >= 0}
            }"""
        )
        if focused["tag"] == "BODY":
            break
        assert focused["ring"] and focused["shown"], (path, focused)
        reached.append(focused["text"])

    if not path.startswith("/kiosk/"):  # kiosk pages have no skip link
        assert reached[0] in {"Przejdź do treści", "Skip to content"}
    assert len(reached) >= controls
    screenshot(page, "tab" + path.replace("/", "-").rstrip("-"))
