"""Signed PDFs (PAdES) through the intake pipeline: registered as letters."""

from __future__ import annotations

import io
import json
from io import BytesIO
from pathlib import Path

import pytest
import xmlschema
from flask.testing import FlaskClient
from lxml import etree
from reportlab.pdfgen.canvas import Canvas

from app.registry.queries import get_document_by_number
from app.services import Services
from signing.pades_seal import PdfSealer
from tests.signing.boxmaker import add_box

PDF = {"Content-Type": "application/pdf"}
XML = {"Content-Type": "application/xml"}
RNS = "urn:kancelaria:receipt:1"
MARKER = b"Letter-Marker-KQZ"
XSD = Path(__file__).resolve().parents[2] / "schemas" / "receipt.xsd"


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.setTitle(MARKER.decode())
    canvas.drawString(100, 700, "Wniosek o informację publiczną")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed_pdf(services: Services, plain_pdf: bytes) -> bytes:
    assert services.demo is not None
    return PdfSealer.from_issued(services.demo.citizen).seal(plain_pdf)


def post(client: FlaskClient, body: bytes, headers: dict[str, str] = PDF):
    return client.post("/api/v1/submissions", data=body, headers=headers)


def test_signed_pdf_is_registered_as_a_letter_with_passed_indication(
    client: FlaskClient, services: Services, signed_pdf: bytes
) -> None:
    answer = post(client, signed_pdf)

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["indication"] == "TOTAL_PASSED"
    assert body["form"] == {"id": None, "version": None}
    with services.sessions() as session:
        document = get_document_by_number(session, body["registry_number"])
        assert document is not None
        assert document.media_type == "application/pdf"
        assert document.form_id is None
        assert document.department == services.settings.pdf_department == "OR"
        assert document.signer_name
        assert document.signing_time is not None
        schema = json.loads(document.report_json)["schema"]
    assert schema == {"valid": True, "issues": [], "applies": False}


def test_signed_pdf_repainted_by_an_unsigned_box_is_registered_failed_review2_1(
    client: FlaskClient, signed_pdf: bytes
) -> None:
    answer = post(client, add_box(signed_pdf, "Pole2"))

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["indication"], body["subindication"]) == (
        "TOTAL_FAILED",
        "FORMAT_FAILURE",
    )


def test_receipt_of_a_pdf_has_no_form_validates_and_checks_genuine(
    client: FlaskClient, signed_pdf: bytes
) -> None:
    body = post(client, signed_pdf).get_json()
    receipt = client.get(body["receipt_url"]).data

    tree = etree.fromstring(receipt)
    assert tree.find(f"{{{RNS}}}Form") is None
    assert tree.findtext(f"{{{RNS}}}Document/{{{RNS}}}MediaType") == "application/pdf"
    schema = xmlschema.XMLSchema(str(XSD), allow="sandbox", defuse="always")
    schema.validate(xmlschema.XMLResource(receipt, allow="none"))
    verdict = client.post("/api/v1/receipts/check", data=receipt, headers=XML)
    assert verdict.status_code == 200
    assert verdict.get_json()["genuine"] is True
    assert verdict.get_json()["matches_registry"] is True
    printable = client.get(body["receipt_pdf_url"])
    assert printable.status_code == 200
    assert printable.data.startswith(b"%PDF-")


def test_pdf_with_a_flipped_byte_in_the_signed_range_is_registered_failed(
    client: FlaskClient, signed_pdf: bytes
) -> None:
    assert signed_pdf.count(MARKER) == 1
    tampered = signed_pdf.replace(MARKER, MARKER.replace(b"K", b"X"))

    answer = post(client, tampered)

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["indication"] == "TOTAL_FAILED"


def test_unsigned_pdf_is_refused_as_not_signed(
    client: FlaskClient, plain_pdf: bytes
) -> None:
    answer = post(client, plain_pdf)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "not-signed"


def test_garbage_after_pdf_header_is_refused_as_malformed_pdf(
    client: FlaskClient,
) -> None:
    answer = post(client, b"%PDF-1.7\n" + b"\x00garbage\xff" * 50)

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["error"] == "malformed-pdf"


def test_portal_upload_registers_a_signed_pdf_and_shows_it(
    client: FlaskClient, signed_pdf: bytes
) -> None:
    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(signed_pdf), "pismo.pdf")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 303
    page = client.get(answer.headers["Location"] + "&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "RPW/" in text
    assert "Signed letter (PDF)" in text


def test_portal_upload_explains_a_malformed_pdf_in_polish(
    client: FlaskClient,
) -> None:
    answer = client.post(
        "/submit?lang=pl",
        data={"document": (io.BytesIO(b"%PDF-nonsense"), "x.pdf")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 400
    assert "nie da się go odczytać" in answer.get_data(as_text=True)
