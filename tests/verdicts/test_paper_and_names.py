"""Paper from the front desk is called paper (review F32); names from
certificates are shown with their bidi and control characters as codes (F26)."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

from flask.testing import FlaskClient
from PIL import Image

from app.intake import Submission, intake
from app.intake.scan import Paper
from app.registry.models import Document
from app.registry.queries import get_document_by_number
from tests.pdftools import require_tool, run
from tests.verdicts import documents
from tests.verdicts.conftest import Office
from tests.verdicts.test_report_pages import text_of

RAW_CONTROLS = ("\u202e", "\u202c", "\u2066", "\x07")


def register_paper(office: Office) -> Document:
    """A scanned letter registered at the front desk, through intake's scan path."""
    image = BytesIO()
    Image.new("RGB", (120, 170), "#fdfdfd").save(image, format="PNG")
    paper = Paper(
        sender="Anna Testowa, ul. Próbna 2, 00-002 Przykładowo",
        department="OR",
        pages=2,
        attachments=0,
        arrival="in-person",
        subject="Wniosek o zaświadczenie",
    )
    image.seek(0)
    outcome = intake(office.services, image, Submission(channel="desk", paper=paper))
    return outcome.document


def pdf_text(client: FlaskClient, document: Document, folder: Path) -> str:
    """The printable receipt's text, as poppler's pdftotext reads it."""
    _prefix, sequence, year = document.registry_number.split("/")
    code = document.access_code
    answer = client.get(f"/api/v1/receipts/{year}/{sequence}.pdf?code={code}")
    assert answer.status_code == 200
    path = folder / "receipt.pdf"
    path.write_bytes(answer.data)
    require_tool("pdftotext", "poppler-utils")
    return " ".join(run(["pdftotext", "-raw", str(path), "-"]).split())


def result_page(client: FlaskClient, document: Document, lang: str) -> str:
    _prefix, sequence, year = document.registry_number.split("/")
    where = f"/submissions/{year}/{sequence}?code={document.access_code}&lang={lang}"
    answer = client.get(where)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def desk_page(clerk: FlaskClient, document: Document, lang: str) -> str:
    answer = clerk.get(f"/desk/documents/{document.public_id}?lang={lang}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_paper_is_called_paper_on_pages_and_the_receipt(
    office: Office, client: FlaskClient, clerk: FlaskClient, tmp_path: Path
) -> None:
    document = register_paper(office)

    english = text_of(result_page(client, document, "en"))
    polish = text_of(result_page(client, document, "pl"))
    desk = text_of(desk_page(clerk, document, "en"))
    receipt = pdf_text(client, document, tmp_path)
    checked = client.post(
        "/check?lang=en",
        data={
            "by": "number",
            "number": document.registry_number,
            "code": document.access_code,
        },
    )

    paper_en = "This is a paper document registered at the front desk"
    paper_pl = "To dokument papierowy zarejestrowany w biurze obsługi interesanta"
    assert paper_en in english and "Paper document" in english
    assert "could not be confirmed" not in english
    assert paper_pl in polish and "Nie udało się potwierdzić" not in polish
    assert paper_en in desk and "not applicable: paper document" in desk
    assert "INDETERMINATE" not in desk and "could not be confirmed" not in desk
    assert paper_pl in receipt and paper_en in receipt
    assert "could not be confirmed" not in receipt and "ETSI" not in receipt
    assert "dokument papierowy, bez podpisu elektronicznego" in receipt
    assert paper_en in text_of(checked.get_data(as_text=True))


def test_bidi_and_control_characters_in_a_name_are_shown_as_codes(
    office: Office, client: FlaskClient, clerk: FlaskClient, tmp_path: Path
) -> None:
    citizen = documents.bidi_citizen(office.trusted_ca)
    answer = client.post(
        "/api/v1/submissions",
        data=documents.enveloped(citizen),
        headers={"Content-Type": "application/xml"},
    )

    # The identifier's BEL made the receipt XML impossible: a 500 before.
    assert answer.status_code == 201, answer.get_data(as_text=True)[:300]
    body = answer.get_json()
    assert body["indication"] == "TOTAL_PASSED"
    with office.services.sessions() as session:
        document = get_document_by_number(session, body["registry_number"])
        assert document is not None

    shown_name = "Jan \\u202Ecod.exe\\u202C Testowy"
    shown_id = "PNOPL-44051401458\\u202E\\u0007"
    pages = {
        "portal": result_page(client, document, "en"),
        "desk": desk_page(clerk, document, "en"),
        "receipt": pdf_text(client, document, tmp_path),
    }
    for where, page in pages.items():
        assert shown_name in page, where
        assert shown_id in page, where
        assert not any(c in page for c in RAW_CONTROLS), where

    assert f"Signed by {shown_name} with an electronic signature" in pages["portal"]
    # The API's report keeps the certificate's own text (JSON escapes nothing
    # a program cannot read); the registry keeps it too, bar what XML cannot hold.
    report = client.get(body["report_url"]).get_json()
    assert report["signature"]["signatures"][0]["signer"]["name"] == (
        f"{documents.BIDI_GIVEN} Testowy"
    )
    assert document.signer_identifier == "PNOPL-44051401458\u202e\\u0007"
    assert json.loads(document.report_json)["signature"]["indication"] == "TOTAL_PASSED"


def test_a_nul_in_a_certificate_name_is_registered_not_a_server_error(
    office: Office, client: FlaskClient
) -> None:
    citizen = documents.bidi_citizen(office.untrusted_ca, given="Jan\x00Nul")
    answer = client.post(
        "/api/v1/submissions",
        data=documents.enveloped(citizen),
        headers={"Content-Type": "application/xml"},
    )

    # lxml refuses NUL in the receipt and PostgreSQL in a text column.
    assert answer.status_code == 201, answer.get_data(as_text=True)[:300]
    with office.services.sessions() as session:
        document = get_document_by_number(session, answer.get_json()["registry_number"])
        assert document is not None
        assert document.signer_name == "Jan\\u0000Nul Testowy"
    page = result_page(client, document, "en")
    assert "Jan\\u0000Nul Testowy" in page and "\x00" not in page
