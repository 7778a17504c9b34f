"""Routing in Chromium: check a receipt at the front desk, answer a citizen's
question on a case, pass the case to another department, open the overview.

The instance is prepared with `flask kancelaria init` and served by gunicorn;
the citizen's question is written through app.cases as the portal would.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import create_app
from app.cases import writing
from app.cases.constants import Direction
from app.cases.models import Case
from app.cases.trail import add_message
from app.config import Settings
from tests.app.served import gunicorn
from tests.browser.conftest import screenshot
from tests.browser.test_desk import _init, _scan, _sign_in

QUESTION = "Czy do wniosku trzeba dołączyć akt urodzenia?"
ANSWER = "Nie, wystarczy dowód osobisty okazany w urzędzie."


def _ask(instance: Path, number: str) -> None:
    """Write a citizen's question on the case into the served instance."""
    app = create_app(Settings.from_env({"KANCELARIA_INSTANCE": str(instance)}))
    services = app.extensions["kancelaria"]
    try:
        with writing(services.sessions) as session:
            case = session.scalars(select(Case).where(Case.number == number)).one()
            add_message(session, case, Direction.CITIZEN_TO_OFFICE, QUESTION)
    finally:
        services.engine.dispose()


def _register(page: Page, base: str, password: str, scan: Path) -> str:
    _sign_in(page, base, "recepcja", password)
    page.get_by_label("Skan (PDF, JPEG, PNG albo TIFF)").set_input_files(scan)
    page.get_by_label("Nadawca").fill("Anna Testowa, ul. Próbna 2, Przykładowo")
    page.get_by_label("Sprawa", exact=True).fill("Wniosek o dowód osobisty")
    page.get_by_label("Wydział", exact=True).select_option("SO")
    page.get_by_label("Liczba stron").fill("1")
    page.get_by_label("Osobiście").check()
    page.get_by_role("button", name="Zarejestruj").click()
    page.wait_for_load_state()
    return page.locator("#registry-number").inner_text()


def test_check_receipt_answer_question_route_case_and_open_overview(
    page: Page, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    passwords = _init(instance)

    with gunicorn(instance, workers=1) as base:
        number = _register(page, base, passwords["recepcja"], _scan(tmp_path))
        page.get_by_role("link", name="Sprawdź potwierdzenie").click()
        page.get_by_label("Numer w rejestrze").fill(number)
        page.get_by_role("button", name="Wyszukaj").click()
        expect(page.locator("#entry h2")).to_contain_text(number)
        screenshot(page, "desk-receipt-checked")
        page.get_by_role("button", name="Wyloguj").click()

        _sign_in(page, base, "kierownik.so", passwords["kierownik.so"])
        page.get_by_role("link", name=number).click()
        page.get_by_role("link", name="Załóż sprawę").click()
        page.get_by_label("Klasa JRWA").select_option("5360")
        page.get_by_label("Tytuł").fill("Wydanie dowodu osobistego")
        page.get_by_role("button", name="Załóż sprawę").click()
        page.wait_for_load_state()
        case_number = re.sub(r"^Sprawa ", "", page.locator("h1").inner_text())

        _ask(instance, case_number)
        page.reload()
        expect(page.locator("#messages")).to_contain_text(QUESTION)
        page.get_by_label("Odpowiedz obywatelowi").fill(ANSWER)
        page.get_by_role("button", name="Wyślij odpowiedź").click()
        page.wait_for_load_state()
        expect(page.locator("#messages")).to_contain_text(ANSWER)
        screenshot(page, "desk-question-answered")

        page.get_by_label("Przekaż do wydziału").select_option("OR")
        page.get_by_label("Uwagi dla wydziału").fill("Sprawa należy do OR.")
        screenshot(page, "desk-case-routing")
        page.locator("#route-submit").click()
        page.wait_for_load_state()
        expect(page.locator("p.notice")).to_contain_text(
            f"Sprawę {case_number} przekazano do OR."
        )
        assert page.get_by_role("link", name=case_number).count() == 0

        page.get_by_role("link", name="Przegląd").click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("Przegląd: SO")
        expect(page.locator("#chart-intake title")).to_have_text(
            "Pisma przyjęte dziennie według kanału, ostatnie 30 dni"
        )
        expect(page.locator("#table-open")).to_be_visible()
        screenshot(page, "desk-overview")
