"""A resident fills a form in Chromium, signs it with xadesjs and sends it.

Catalog → form page → "Fill in online" → add and remove a citizenship →
a wrong PESEL gets a plain Polish error beside the field → fixed → the XML
is downloaded, signed by xadesjs (../shared/clients) with a test PKI the
server trusts, and uploaded on the send page: registry number and receipt.
The same draft is printed for paper: its text and QR code are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Page, expect

from app.catalog import parse_local
from app.formfill import root_element, values_from_document
from signing import pki
from tests.app.served import gunicorn
from tests.app.test_receipt_pdf import qr_payloads
from tests.browser.conftest import screenshot
from tests.outside import producers
from tests.pdftools import require_tool, run

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "forms" / "zameldowanie" / "1"
NAMESPACE = "urn:kancelaria:forms:zameldowanie:1"

pytestmark = pytest.mark.clients


def test_resident_fills_signs_sends_and_prints_a_form(
    page: Page, tmp_path: Path
) -> None:
    require_tool("pdftotext", "poppler-utils")
    clients = producers.require_shared_clients()
    key, cert, root = _citizen(tmp_path)
    env = {"KANCELARIA_TRUST_ANCHORS": str(root)}

    with gunicorn(tmp_path / "instance", workers=1, env=env) as base:
        page.goto(base + "/")
        screenshot(page, "fill-01-catalog")
        page.get_by_role("link", name=re.compile("Zgłoszenie pobytu")).click()
        page.get_by_role("link", name="Wypełnij online").click()
        expect(page.locator("form.fill")).to_be_visible()
        screenshot(page, "fill-02-blank")

        _pick_the_other_branch_and_back(page)
        _type_sample(page)
        _add_and_remove_a_citizenship(page)

        page.fill('[name="Osoba.0/PESEL.0"]', "123")
        _prepare(page)
        expect(page.get_by_role("alert")).to_contain_text("Numer PESEL (11 cyfr):")
        error = page.locator(".field-error")
        expect(error).to_have_text(
            "Wartość nie ma wymaganej postaci; zobacz podpowiedź."
        )
        expect(page.locator('[name="Osoba.0/PESEL.0"]')).to_have_attribute(
            "aria-invalid", "true"
        )
        screenshot(page, "fill-03-field-error")

        page.fill('[name="Osoba.0/PESEL.0"]', "44051401458")
        _prepare(page)
        expect(
            page.get_by_role("heading", name="Formularz jest gotowy")
        ).to_be_visible()
        draft_url = page.url
        screenshot(page, "fill-04-draft")

        with page.expect_download() as download:
            page.get_by_role("link", name="Pobierz dokument XML").click()
        unsigned = tmp_path / "zgloszenie.xml"
        download.value.save_as(unsigned)
        assert (
            parse_local(unsigned).findtext(f"{{{NAMESPACE}}}Osoba/{{{NAMESPACE}}}PESEL")
            == "44051401458"
        )

        signed = tmp_path / "zgloszenie.signed.xml"
        producers.run_one(
            producers.xadesjs_job(
                clients,
                key,
                cert,
                unsigned,
                signed,
                {"mode": "enveloped", "signing-cert": "v2"},
            )
        )

        page.get_by_role("link", name="Wyślij pismo").first.click()
        page.set_input_files("#document", str(signed))
        page.get_by_role("button", name="Wyślij").click()
        expect(page.get_by_role("heading", name="Pismo zarejestrowane")).to_be_visible()
        expect(page.locator(".number")).to_contain_text(re.compile(r"RPW/\d+/\d{4}"))
        expect(page.locator(".verdict")).to_have_text(
            "Podpis elektroniczny jest prawidłowy."
        )
        screenshot(page, "fill-05-registered")
        link = page.get_by_role(
            "link", name=re.compile("Pobierz urzędowe potwierdzenie")
        )
        receipt = page.request.get(base + (link.get_attribute("href") or ""))
        assert receipt.status == 200 and b"RPW/" in receipt.body()

        page.goto(draft_url)
        pdf_link = page.get_by_role("link", name="Wydrukuj wersję papierową (PDF)")
        paper = page.request.get(base + (pdf_link.get_attribute("href") or ""))
        assert (
            paper.status == 200 and paper.headers["content-type"] == "application/pdf"
        )

    path = tmp_path / "paper.pdf"
    path.write_bytes(paper.body())
    text = run(["pdftotext", "-layout", str(path), "-"])
    code = draft_url.rsplit("/", 1)[1]
    assert f"{code[:5]}-{code[5:]}" in text
    assert "44051401458" in text and "Przykładowa-Żółć" in text
    assert qr_payloads(path) == [code]


def _type_sample(page: Page) -> None:
    """Type the published sample's values into the fields, as a person would."""
    form_root = root_element(_schema(), NAMESPACE, "ZgloszeniePobytu")
    values = values_from_document(form_root, parse_local(FORM / "sample.xml"))
    for key, value in values.items():
        if key.startswith(("_n:", "_c:")) or not value:
            continue

        if "@" in key and _only_hidden(page, key):
            continue  # the document's Id: kept, not offered to a person (R6)

        field = page.locator(f'[name="{key}"]:not([type=hidden])')
        kind = field.first.get_attribute("type")
        if kind == "radio":
            page.check(f'[name="{key}"][value="{value}"]')
        elif kind == "checkbox":
            field.check()
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def _add_and_remove_a_citizenship(page: Page) -> None:
    page.get_by_role("button", name="Dodaj: Obywatelstwo").click()
    second = page.locator('[name="Osoba.0/Obywatelstwo.1"]')
    expect(second).to_be_visible()
    expect(page.locator('[name="Osoba.0/Imie.0"]')).to_have_value("Jan")
    second.fill("DE")
    screenshot(page, "fill-02b-added")

    page.get_by_role("button", name="Usuń: Obywatelstwo (2)").click()
    expect(page.locator('[name="Osoba.0/Obywatelstwo.1"]')).to_have_count(0)
    expect(page.locator('[name="Osoba.0/Obywatelstwo.0"]')).to_have_value("PL")


def _pick_the_other_branch_and_back(page: Page) -> None:
    """The choice's radios show their branch (here through our small script)."""
    page.get_by_label("Poprzedni adres za granicą").check()
    expect(
        page.locator('[name="AdresPoprzedni.0/AdresZaGranica.0/Kraj.0"]')
    ).to_be_visible()
    page.get_by_label("Poprzedni adres w Polsce").check()
    expect(
        page.locator('[name="AdresPoprzedni.0/AdresWPolsce.0/Gmina.0"]')
    ).to_be_visible()


def _prepare(page: Page) -> None:
    page.get_by_role("button", name="Sprawdź i przygotuj dokument").last.click()
    page.wait_for_load_state()


def _schema():  # type: ignore[no-untyped-def]
    from app.catalog import load_schema

    return load_schema(FORM / "schema.xsd")


def _citizen(folder: Path) -> tuple[Path, Path, Path]:
    """A test root and the fake citizen Jan Testowy, as PEM files for xadesjs."""
    root = pki.make_root("Kancelaria Browser Test Root")
    citizen = pki.make_citizen(
        root, given_name="Jan", surname="Testowy", pesel="44051401458"
    )
    key = folder / "citizen.key.pem"
    key.write_bytes(
        citizen.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert = folder / "citizen.cert.pem"
    cert.write_bytes(citizen.certificate.public_bytes(serialization.Encoding.PEM))
    anchors = folder / "anchors"
    anchors.mkdir()
    (anchors / "root.pem").write_bytes(
        root.certificate.public_bytes(serialization.Encoding.PEM)
    )
    return key, cert, anchors


def _only_hidden(page: Page, key: str) -> bool:
    """Whether the page carries ``key`` only in a hidden input."""
    shown = page.locator(f'[name="{key}"]:not([type=hidden])').count()
    return shown == 0 and page.locator(f'input[name="{key}"]').count() > 0
