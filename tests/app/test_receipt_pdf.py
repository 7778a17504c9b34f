"""The printable PDF receipt: sealed, readable, with a QR code to the check page."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask.testing import FlaskClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext

from app.receipts.pdf import (
    FontMissingError,
    ReceiptPdfMaker,
    check_url,
    receipt_facts,
)
from app.services import Services
from app.timeshow import office_time
from signing.__main__ import main as signing_cli
from signing.pades_seal import PdfSealer
from signing.seal import XadesSigner
from tests.app.conftest import sample
from tests.pdftools import make_nss_db, pdfsig, require_tool, run
from tests.signing.boxmaker import add_box

XML = {"Content-Type": "application/xml"}


@pytest.fixture(scope="module")
def submitted(client_module: FlaskClient, citizen: XadesSigner) -> dict[str, Any]:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client_module.post("/api/v1/submissions", data=signed, headers=XML)
    assert answer.status_code == 201, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


@pytest.fixture(scope="module")
def client_module(app: Any) -> FlaskClient:
    client: FlaskClient = app.test_client()
    return client


@pytest.fixture(scope="module")
def pdf(client_module: FlaskClient, submitted: dict[str, Any]) -> bytes:
    answer = client_module.get(pdf_url(submitted, submitted["access_code"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    data: bytes = answer.data
    return data


@pytest.fixture(scope="module")
def nss_db(tmp_path_factory: pytest.TempPathFactory, services: Services) -> str:
    """An NSS database trusting the demo root."""
    assert services.demo is not None
    return make_nss_db(tmp_path_factory.mktemp("nss"), services.demo.root, "Demo Root")


def pdf_url(submitted: dict[str, Any], code: str | None) -> str:
    _, sequence, year = submitted["registry_number"].split("/")
    query = f"?code={code}" if code is not None else ""
    return f"/api/v1/receipts/{year}/{sequence}.pdf{query}"


def written(tmp_path: Path, data: bytes, name: str = "receipt.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pyhanko_status(services: Services, data: bytes) -> PdfSignatureStatus:
    assert services.demo is not None
    root = asn1_x509.Certificate.load(services.demo.root.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    signature = PdfFileReader(BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, context)


def pdf_text(path: Path) -> str:
    require_tool("pdftotext", "poppler-utils")
    return run(["pdftotext", "-raw", str(path), "-"])


def qr_payloads(path: Path) -> list[str]:
    require_tool("pdftoppm", "poppler-utils")
    require_tool("zbarimg", "zbar-tools")
    run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(path)])
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{path}.png"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line]


def stored_receipt(services: Services, number: str) -> bytes:
    from app.registry.queries import get_receipt_by_number

    with services.sessions() as session:
        receipt = get_receipt_by_number(session, number)
        assert receipt is not None
        return receipt.xml


def test_pdf_receipt_is_an_attachment_named_after_the_number(
    client_module: FlaskClient, submitted: dict[str, Any]
) -> None:
    answer = client_module.get(pdf_url(submitted, submitted["access_code"]))

    _, sequence, year = submitted["registry_number"].split("/")
    disposition = answer.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="UPO-{year}-{sequence}.pdf"'
    assert answer.data.startswith(b"%PDF-")


def test_pdf_receipt_is_sealed_intact_trusted_whole_file_for_pyhanko(
    services: Services, pdf: bytes
) -> None:
    status = pyhanko_status(services, pdf)
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    signed_attrs = {a["type"].native for a in signature.signer_info["signed_attrs"]}

    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "signing_certificate_v2" in signed_attrs
    assert "signing_time" not in signed_attrs
    assert str(signature.sig_object["/M"]).startswith("D:")
    assert status.signing_cert.sha256.hex() == services.seal_fingerprint


def test_pdf_receipt_of_default_instance_is_time_stamped_b_t(
    services: Services, pdf: bytes
) -> None:
    assert services.timestamper is not None, "the demo instance has a local TSA"
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]

    unsigned = {a["type"].native for a in signature.signer_info["unsigned_attrs"]}
    status = pyhanko_status(services, pdf)

    assert "signature_time_stamp_token" in unsigned
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.valid


def test_pdf_receipt_is_valid_and_trusted_for_pdfsig(
    nss_db: str, pdf: bytes, tmp_path: Path
) -> None:
    report = pdfsig(nss_db, written(tmp_path, pdf))

    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_pdf_receipt_with_a_flipped_byte_fails_pyhanko_and_pdfsig(
    services: Services, nss_db: str, pdf: bytes, tmp_path: Path
) -> None:
    # The document title, in the signed first revision, names the number.
    at = pdf.index(b"/Title (UPO RPW") + len(b"/Title (UPO R")
    tampered = pdf[:at] + b"Q" + pdf[at + 1 :]

    status = pyhanko_status(services, tampered)
    report = pdfsig(nss_db, written(tmp_path, tampered))

    assert not status.intact and not status.bottom_line
    assert "Signature is Valid." not in report


def test_pdf_text_shows_the_signed_receipt_fields(
    services: Services, submitted: dict[str, Any], pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(written(tmp_path, pdf))
    facts = receipt_facts(stored_receipt(services, submitted["registry_number"]))
    flat = " ".join(text.split())

    assert "Urzędowe poświadczenie odbioru" in text
    assert "Official receipt of submission" in text
    assert submitted["registry_number"] in text
    assert submitted["sha256"] in flat
    assert facts.sha256 == submitted["sha256"]
    assert submitted["access_code"] in text
    assert "Pismo ogólne do urzędu" in text
    assert "Podpis elektroniczny jest prawidłowy." in text
    assert "The electronic signature is valid." in text
    assert f"{facts.received_at:%Y-%m-%d %H:%M:%S} UTC" in flat
    assert "czasu polskiego" in text


def test_pdf_signing_time_is_in_the_zone_of_the_receipt_time_review2_s4(
    services: Services, submitted: dict[str, Any], pdf: bytes, tmp_path: Path
) -> None:
    flat = " ".join(pdf_text(written(tmp_path, pdf)).split())
    facts = receipt_facts(stored_receipt(services, submitted["registry_number"]))
    signed = facts.signing_time

    assert signed is not None
    assert f"{office_time(signed)}" in flat
    assert f"{signed.astimezone(UTC):%Y-%m-%d %H:%M} UTC" not in flat


def test_pdf_text_shows_the_journal_position_when_the_receipt_has_one(
    services: Services, submitted: dict[str, Any], pdf: bytes, tmp_path: Path
) -> None:
    facts = receipt_facts(stored_receipt(services, submitted["registry_number"]))
    assert facts.journal_position is not None, "receipts carry JournalPosition"

    text = " ".join(pdf_text(written(tmp_path, pdf)).split())

    assert f"Journal position {facts.journal_position}" in text


def test_qr_code_decodes_to_the_check_page_of_the_number(
    submitted: dict[str, Any], pdf: bytes, tmp_path: Path
) -> None:
    payloads = qr_payloads(written(tmp_path, pdf))

    number = submitted["registry_number"]
    assert payloads == [f"http://127.0.0.1:8000/check?number={number}"]


def test_qr_code_follows_the_public_url_setting(
    services: Services, submitted: dict[str, Any], tmp_path: Path
) -> None:
    assert services.demo is not None
    maker = ReceiptPdfMaker(
        PdfSealer.from_issued(services.demo.seal), "https://urzad.example.invalid/"
    )
    xml = stored_receipt(services, submitted["registry_number"])
    from app.receipts.pdf import FormTitles

    made = maker.make(xml, FormTitles(pl="Pismo", en="Letter"))

    number = submitted["registry_number"]
    expected = f"https://urzad.example.invalid/check?number={number}"
    assert qr_payloads(written(tmp_path, made)) == [expected]
    assert check_url("https://urzad.example.invalid/", number) == expected


@pytest.mark.parametrize(
    "code", ["WRONG-CODE-123", "", None], ids=["wrong", "empty", "missing"]
)
def test_pdf_receipt_without_the_right_code_is_404_json(
    client_module: FlaskClient, submitted: dict[str, Any], code: str | None
) -> None:
    answer = client_module.get(pdf_url(submitted, code))

    assert answer.status_code == 404
    assert answer.get_json()["errors"][0]["error"] == "not-found"


def test_pdf_receipt_of_unknown_number_is_404_json(client_module: FlaskClient) -> None:
    answer = client_module.get("/api/v1/receipts/2026/999999.pdf?code=ABCDEFGH")

    assert answer.status_code == 404
    assert answer.get_json()["errors"][0]["error"] == "not-found"


def test_pdf_receipt_takes_the_code_from_the_header_too(
    client_module: FlaskClient, submitted: dict[str, Any]
) -> None:
    answer = client_module.get(
        pdf_url(submitted, None), headers={"X-Access-Code": submitted["access_code"]}
    )

    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"


def test_submission_page_links_the_pdf_receipt(
    client_module: FlaskClient, submitted: dict[str, Any]
) -> None:
    _, sequence, year = submitted["registry_number"].split("/")
    code = submitted["access_code"]
    page = client_module.get(f"/submissions/{year}/{sequence}?code={code}")

    assert page.status_code == 200
    assert f"/api/v1/receipts/{year}/{sequence}.pdf?code={code}" in page.text


def test_missing_font_is_a_clear_error_at_start(
    services: Services, tmp_path: Path
) -> None:
    assert services.demo is not None
    sealer = PdfSealer.from_issued(services.demo.seal)

    with pytest.raises(FontMissingError, match="fonts-dejavu-core"):
        ReceiptPdfMaker(sealer, "http://127.0.0.1:8000", font_dir=tmp_path)


def test_public_url_that_is_not_absolute_is_refused(services: Services) -> None:
    assert services.demo is not None
    sealer = PdfSealer.from_issued(services.demo.seal)

    with pytest.raises(ValueError, match="KANCELARIA_PUBLIC_URL"):
        ReceiptPdfMaker(sealer, "urzad.example.invalid")


def test_receipt_facts_read_the_stored_xml_not_the_request(
    services: Services, submitted: dict[str, Any]
) -> None:
    xml = stored_receipt(services, submitted["registry_number"])

    facts = receipt_facts(xml)

    assert facts.registry_number == submitted["registry_number"]
    assert facts.sha256 == submitted["sha256"]
    assert facts.access_code == submitted["access_code"]
    assert facts.signer_name == "Jan Testowy"
    assert facts.indication == "TOTAL_PASSED"
    assert hashlib.sha256(xml).hexdigest() != facts.sha256


def test_pdf_footer_says_where_and_how_it_is_checked_review_r10(
    pdf: bytes, tmp_path: Path
) -> None:
    flat = " ".join(pdf_text(written(tmp_path, pdf)).split())

    assert "which a PDF reader checks" in flat
    assert "the registry number with the access code printed here" in flat
    assert "both can be checked" not in flat


def test_the_pdf_receipt_sent_to_the_check_is_named_as_such_review_r10(
    client_module: FlaskClient, pdf: bytes
) -> None:
    api = client_module.post(
        "/api/v1/receipts/check", data=pdf, headers={"Content-Type": "application/pdf"}
    )
    page = client_module.post(
        "/check?lang=en",
        data={"receipt": (BytesIO(pdf), "upo.pdf")},
        content_type="multipart/form-data",
    )

    assert api.status_code == 422
    assert api.get_json()["errors"][0]["error"] == "pdf-receipt"
    assert "nor a PDF" not in api.get_data(as_text=True)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "printed (PDF) copy of a receipt" in text
    assert "not well-formed XML" not in text


def test_pdf_receipt_repainted_by_an_unsigned_box_fails_validate_review2_1(
    services: Services, pdf: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert services.demo is not None
    root = services.demo.root.public_bytes(Encoding.PEM)
    anchor = written(tmp_path, root, "root.pem")
    heading = (
        b"1 1 1 rg 0 0 500 50 re f 0 0 0 rg BT /F1 14 Tf 12 26 Td (RPW/999/2026) Tj ET"
    )
    forged = add_box(pdf, "Pole2", box=(40, 760, 540, 810), drawing=heading)

    verdicts = []
    for name, data in (("genuine.pdf", pdf), ("forged.pdf", forged)):
        path = written(tmp_path, data, name)
        signing_cli(["validate", str(path), "--json", "--trust", str(anchor)])
        verdicts.append(json.loads(capsys.readouterr().out)["indication"])

    assert verdicts == ["TOTAL_PASSED", "TOTAL_FAILED"]
