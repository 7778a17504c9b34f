"""The clerk workspace in Chromium: register paper at the desk, open a case, assign.

The instance is prepared as a newcomer would (`flask kancelaria init`, which
prints the demo accounts' passwords once) and served by gunicorn.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from tests.app.served import ROOT, gunicorn
from tests.browser.conftest import screenshot

FLASK = Path(sys.executable).with_name("flask")


def _init(instance: Path) -> dict[str, str]:
    """Run `flask kancelaria init`; return the demo logins and their passwords."""
    instance.mkdir(parents=True, exist_ok=True)
    environ = {**os.environ, "KANCELARIA_INSTANCE": str(instance)}
    result = subprocess.run(
        [str(FLASK), "--app", "wsgi", "kancelaria", "init"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(re.findall(r"^  ([a-z.]+) \([^)]*\): (\S+)$", result.stdout, re.M))


def _scan(tmp_path: Path) -> Path:
    out = BytesIO()
    Image.new("RGB", (240, 340), "#fdfdf5").save(out, format="PNG")
    path = tmp_path / "skan-pisma.png"
    path.write_bytes(out.getvalue())
    return path


def _sign_in(page: Page, base: str, login: str, password: str) -> None:
    page.goto(base + "/desk/")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_load_state()


def test_register_paper_open_a_case_and_assign_it(page: Page, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    passwords = _init(instance)

    with gunicorn(instance, workers=1) as base:
        _sign_in(page, base, "recepcja", passwords["recepcja"])
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Zarejestruj pismo papierowe"
        )
        page.get_by_label("Skan (PDF, JPEG, PNG albo TIFF)").set_input_files(
            _scan(tmp_path)
        )
        page.get_by_label("Nadawca").fill("Jan Testowy, ul. Próbna 1, Przykładowo")
        page.get_by_label("Sprawa", exact=True).fill("Wniosek o zameldowanie")
        page.get_by_label("Wydział", exact=True).select_option("SO")
        page.get_by_label("Liczba stron").fill("2")
        page.get_by_label("Osobiście").check()
        screenshot(page, "desk-register-paper")
        page.get_by_role("button", name="Zarejestruj").click()
        page.wait_for_load_state()

        number = page.locator("#registry-number").inner_text()
        assert re.fullmatch(r"RPW/\d+/\d{4}", number)
        with page.expect_download() as download:
            page.evaluate(
                "url => { const a = document.createElement('a'); a.href = url;"
                " a.download = 'upo.pdf'; document.body.append(a); a.click(); }",
                page.locator("#receipt").get_attribute("href"),
            )
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
        screenshot(page, "desk-paper-registered")
        page.get_by_role("button", name="Wyloguj").click()

        _sign_in(page, base, "kierownik.so", passwords["kierownik.so"])
        page.get_by_role("link", name=number).click()
        screenshot(page, "desk-document")
        page.get_by_role("link", name="Załóż sprawę").click()
        page.get_by_label("Klasa JRWA").select_option("5360")
        page.get_by_label("Tytuł").fill("Zameldowanie na pobyt stały")
        page.get_by_role("button", name="Załóż sprawę").click()
        page.wait_for_load_state()

        heading = page.get_by_role("heading", level=1).inner_text()
        assert re.fullmatch(r"Sprawa SO\.5360\.1\.\d{4}", heading)
        page.get_by_label("Dekretuj na").select_option("urzednik.so")
        page.get_by_label("Uwagi dla prowadzącego").fill("Proszę sprawdzić adres.")
        page.get_by_role("button", name="Dekretuj").click()
        page.wait_for_load_state()

        expect(page.locator("#assignee")).to_have_text("Urzędnik SO (demo)")
        expect(page.locator("#case-status")).to_have_text("w toku")
        screenshot(page, "desk-case-assigned")
