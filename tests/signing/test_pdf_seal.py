"""PAdES seals of signing/pades_seal.py, checked by pyHanko and by poppler."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen.canvas import Canvas

from signing.pades_seal import FIELD_NAME, PdfSealer, PdfSealError
from signing.pki import (
    Issued,
    generate_key,
    make_intermediate,
    make_root,
    make_seal,
    make_tsa,
)
from signing.tsa import LocalTimestamper
from tests.pdftools import make_nss_db
from tests.pdftools import pdfsig as pdfsig_file

MARKER = b"Receipt-Marker-ABC"


@dataclass(frozen=True)
class SealPKI:
    root: Issued
    seal: Issued
    tsa: Issued


@pytest.fixture(scope="module")
def pki() -> SealPKI:
    root = make_root("PDF Test Root CA")
    inter = make_intermediate(root, "PDF Test Qualified CA")
    seal = make_seal(inter, office_name="Urząd Gminy Testowo", nip="1234563218")
    return SealPKI(root=root, seal=seal, tsa=make_tsa(inter))


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.setTitle(MARKER.decode())
    canvas.drawString(100, 700, "Poświadczenie odbioru")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def sealer(pki: SealPKI) -> PdfSealer:
    return PdfSealer.from_issued(pki.seal)


@pytest.fixture(scope="module")
def sealed(sealer: PdfSealer, plain_pdf: bytes) -> bytes:
    return sealer.seal(plain_pdf)


@pytest.fixture(scope="module")
def nss_db(tmp_path_factory: pytest.TempPathFactory, pki: SealPKI) -> str:
    """An NSS database trusting the test root."""
    folder = tmp_path_factory.mktemp("nss")
    return make_nss_db(folder, pki.root.certificate, "Test Root")


def pdfsig(nss_db: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sealed.pdf"
    path.write_bytes(pdf)
    return pdfsig_file(nss_db, path)


def pyhanko_status(pki: SealPKI, pdf: bytes) -> PdfSignatureStatus:
    root = asn1_x509.Certificate.load(pki.root.certificate.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(signature, context)


def signed_attributes(pdf: bytes) -> set[str]:
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    return {attr["type"].native for attr in signature.signer_info["signed_attrs"]}


def unsigned_attributes(pdf: bytes) -> set[str]:
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    attrs = signature.signer_info["unsigned_attrs"]
    return {attr["type"].native for attr in attrs} if attrs.native else set()


def flip_marker(pdf: bytes) -> bytes:
    at = pdf.index(MARKER) + len(MARKER) - 1
    return pdf[:at] + b"D" + pdf[at + 1 :]


def test_sealed_pdf_is_intact_trusted_and_whole_file_for_pyhanko(
    pki: SealPKI, sealed: bytes
) -> None:
    status = pyhanko_status(pki, sealed)

    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert status.signing_cert.sha256 == pki.seal.certificate.fingerprint(
        hashes.SHA256()
    )


def test_sealed_pdf_is_pades_baseline_b(sealed: bytes) -> None:
    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]

    assert signature.field_name == FIELD_NAME
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert str(signature.sig_object["/M"]).startswith("D:")
    assert signed_attributes(sealed) == {
        "content_type",
        "message_digest",
        "signing_certificate_v2",
    }
    assert "signature_time_stamp_token" not in unsigned_attributes(sealed)


def test_sealed_pdf_is_valid_and_trusted_for_pdfsig(
    nss_db: str, sealed: bytes, tmp_path: Path
) -> None:
    report = pdfsig(nss_db, sealed, tmp_path)

    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report


def test_flipped_byte_fails_pyhanko_and_pdfsig(
    pki: SealPKI, nss_db: str, sealed: bytes, tmp_path: Path
) -> None:
    tampered = flip_marker(sealed)

    status = pyhanko_status(pki, tampered)
    report = pdfsig(nss_db, tampered, tmp_path)

    assert not status.intact and not status.bottom_line
    assert "Signature is Valid." not in report
    assert "Digest Mismatch" in report


def test_flipped_byte_in_the_signature_value_fails_both(
    pki: SealPKI, nss_db: str, sealed: bytes, tmp_path: Path
) -> None:
    # The last byte of the RSA signature sits at the end of the CMS hex.
    start = sealed.rindex(b"/Contents <") + len(b"/Contents <")
    end = sealed.index(b">", start)
    cms_hex = sealed[start:end].rstrip(b"0")
    # Step back past the unsigned attributes: none in B-B, so the CMS ends
    # with the signature value; flip one hex digit of it.
    at = start + len(cms_hex) - 3
    digit = b"1" if sealed[at : at + 1] != b"1" else b"2"
    tampered = sealed[:at] + digit + sealed[at + 1 :]

    status = pyhanko_status(pki, tampered)
    report = pdfsig(nss_db, tampered, tmp_path)

    assert status.intact and not status.valid
    assert "Signature is Valid." not in report


def test_later_seals_reuse_the_measured_contents_size(
    pki: SealPKI, plain_pdf: bytes
) -> None:
    sealer = PdfSealer.from_issued(pki.seal)
    assert sealer.bytes_reserved is None

    first = sealer.seal(plain_pdf)
    reserved = sealer.bytes_reserved
    second = sealer.seal(plain_pdf)

    assert reserved is not None and reserved % 2 == 0
    assert sealer.bytes_reserved == reserved
    assert _contents_hole(second) == reserved
    assert pyhanko_status(pki, first).intact
    assert pyhanko_status(pki, second).trusted


def test_too_small_fixed_size_is_grown_and_still_seals(
    pki: SealPKI, plain_pdf: bytes
) -> None:
    sealer = PdfSealer(
        pki.seal.key, pki.seal.certificate, pki.seal.chain, bytes_reserved=512
    )

    sealed = sealer.seal(plain_pdf)

    assert pyhanko_status(pki, sealed).trusted
    assert sealer.bytes_reserved is not None and sealer.bytes_reserved > 512


def test_with_a_timestamper_the_seal_is_pades_baseline_t(
    pki: SealPKI, plain_pdf: bytes, nss_db: str, tmp_path: Path
) -> None:
    sealer = PdfSealer.from_issued(
        pki.seal, timestamper=LocalTimestamper.from_issued(pki.tsa)
    )

    sealed = sealer.seal(plain_pdf)
    again = sealer.seal(plain_pdf)
    status = pyhanko_status(pki, again)

    assert sealer.level == "B-T"
    assert "signature_time_stamp_token" in unsigned_attributes(sealed)
    assert "signing_time" not in signed_attributes(sealed)
    assert status.trusted and status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.valid
    assert "Signature is Valid." in pdfsig(nss_db, again, tmp_path)


def test_key_of_another_certificate_is_refused(pki: SealPKI) -> None:
    with pytest.raises(ValueError, match="does not belong"):
        PdfSealer(generate_key(), pki.seal.certificate)


def test_bytes_that_are_not_a_pdf_are_refused(sealer: PdfSealer) -> None:
    with pytest.raises(PdfSealError):
        sealer.seal(b"<xml>not a pdf</xml>")


def _contents_hole(pdf: bytes) -> int:
    start = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    return pdf.index(b">", start) - start
