"""PAdES revocation against the loopback PKI: fetched, and B-LT from the DSS.

Signatures are made with signing.pades_seal (pyHanko) by certificates that
name the loopback OCSP responder and CRL; the DSS is added with pyHanko's
DocumentSecurityStore.add_dss, holding OCSP and CRL made by the test's own
responder code, and a document time-stamp on top makes B-LTA.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore

from signing.pades import validate_pdf
from signing.pades_seal import PdfSealer, _pyhanko_timestamper
from signing.result import Indication, SubIndication
from tests.pdftools import letter_pdf
from tests.signing.revocationpki import (
    RevocationPKI,
    crl_of,
    ocsp_answer,
    policy_of,
)

Ind, S = Indication, SubIndication
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _fresh(rpki: RevocationPKI) -> Iterator[None]:
    rpki.services.down = False
    rpki.services.requests.clear()
    yield
    rpki.services.revoked.clear()


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return letter_pdf()


def sealed_by(rpki, plain_pdf, pesel: str, stamped_at: datetime | None = None):
    citizen = rpki.citizen(pesel)
    stamper = None if stamped_at is None else rpki.timestamper(stamped_at)
    pdf = PdfSealer.from_issued(citizen, timestamper=stamper).seal(plain_pdf)
    return pdf, citizen


def with_dss(
    rpki,
    pdf: bytes,
    citizen,
    revoked: dict[int, datetime],
    at: datetime | None = None,
    crl_days: int = 30,
) -> bytes:
    """Add a DSS holding an OCSP answer (valid for a day) and a CRL (for
    ``crl_days``) about ``citizen``, issued ``at`` (a minute ago by default)."""
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(citizen.certificate, rpki.inter.certificate, hashes.SHA1())  # noqa: S303
        .build()
    )
    serial = citizen.certificate.serial_number
    answer = ocsp_answer(rpki.inter, request, {serial}, revoked, now=at)
    crl = crl_of(rpki.inter, revoked, at, crl_days)
    out = BytesIO(pdf)
    certs = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in (citizen.certificate, rpki.inter.certificate, rpki.root.certificate)
    ]
    DocumentSecurityStore.add_dss(
        out,
        None,
        certs=certs,
        ocsps=[asn1_ocsp.OCSPResponse.load(answer)],
        crls=[asn1_crl.CertificateList.load(crl)],
    )
    return out.getvalue()


def doc_timestamped(rpki, pdf: bytes, at: datetime) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    stamper = PdfTimeStamper(_pyhanko_timestamper(rpki.timestamper(at)))  # type: ignore[arg-type]
    out = stamper.timestamp_pdf(writer, "sha256")
    return out.getvalue()


def check(result, name: str):
    return [c for c in result.primary.checks if c.name == name]


def test_pades_signer_revoked_is_found_by_fetching(rpki, plain_pdf):
    pdf, citizen = sealed_by(rpki, plain_pdf, "44051401490")
    rpki.services.revoked[citizen.certificate.serial_number] = NOW - timedelta(days=1)

    offline = validate_pdf(pdf, policy_of(rpki))
    assert rpki.services.requests == []
    fetched = validate_pdf(pdf, policy_of(rpki, fetch=True))

    assert offline.indication is Ind.TOTAL_PASSED
    assert (fetched.indication, fetched.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )
    assert rpki.services.requests


def test_pades_good_signer_fetched_has_revocation_checked(rpki, plain_pdf):
    pdf, _ = sealed_by(rpki, plain_pdf, "44051401491")
    result = validate_pdf(pdf, policy_of(rpki, fetch=True, soft_fail=False))

    assert result.indication is Ind.TOTAL_PASSED
    [revocation] = check(result, "revocation")
    assert revocation.passed


def test_pades_responder_down_under_strict_policy_is_try_later(rpki, plain_pdf):
    pdf, _ = sealed_by(rpki, plain_pdf, "44051401492")
    rpki.services.down = True
    strict = validate_pdf(pdf, policy_of(rpki, fetch=True, soft_fail=False))
    soft = validate_pdf(pdf, policy_of(rpki, fetch=True))

    assert (strict.indication, strict.subindication) == (Ind.INDETERMINATE, S.TRY_LATER)
    assert soft.indication is Ind.TOTAL_PASSED
    [revocation] = check(soft, "revocation")
    assert not revocation.passed and "could not be reached" in revocation.detail


def test_pades_b_lt_dss_alone_decides_without_network(rpki, plain_pdf):
    pdf, citizen = sealed_by(rpki, plain_pdf, "44051401493", NOW - timedelta(hours=1))
    good = with_dss(rpki, pdf, citizen, {})
    serial = citizen.certificate.serial_number
    revoked = with_dss(rpki, pdf, citizen, {serial: NOW - timedelta(hours=2)})
    rpki.services.down = True

    passed = validate_pdf(good, policy_of(rpki, soft_fail=False))
    failed = validate_pdf(revoked, policy_of(rpki))

    assert rpki.services.requests == []
    assert (passed.indication, passed.primary.form) == (Ind.TOTAL_PASSED, "PAdES-B-LT")
    assert failed.subindication is S.REVOKED_NO_POE


def test_pades_b_lta_with_a_document_time_stamp_names_the_form(rpki, plain_pdf):
    pdf, citizen = sealed_by(rpki, plain_pdf, "44051401494", NOW - timedelta(hours=1))
    lta = doc_timestamped(rpki, with_dss(rpki, pdf, citizen, {}), NOW)

    result = validate_pdf(lta, policy_of(rpki, soft_fail=False))

    assert [s.form for s in result.signatures] == ["PAdES-B-LTA", "PDF-TS"]
    assert result.indication is Ind.TOTAL_PASSED


def test_pades_revoked_after_its_time_stamp_passes(rpki, plain_pdf):
    pdf, citizen = sealed_by(rpki, plain_pdf, "44051401495", NOW - timedelta(days=10))
    rpki.services.revoked[citizen.certificate.serial_number] = NOW - timedelta(days=5)
    result = validate_pdf(pdf, policy_of(rpki, fetch=True, soft_fail=False))

    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    [revocation] = check(result, "revocation")
    assert revocation.passed and "after a time-stamp" in revocation.detail


def test_pades_revoked_before_its_time_stamp_is_revoked_no_poe(rpki, plain_pdf):
    pdf, citizen = sealed_by(rpki, plain_pdf, "44051401496", NOW - timedelta(days=3))
    rpki.services.revoked[citizen.certificate.serial_number] = NOW - timedelta(days=5)
    result = validate_pdf(pdf, policy_of(rpki, fetch=True))

    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )


def test_pades_revoked_after_a_document_time_stamp_passes_as_b_lta(rpki, plain_pdf):
    # No signature time-stamp: the document time-stamp over the next
    # revision (10 days ago) is the proof of existence; revoked 5 days ago.
    pdf, citizen = sealed_by(rpki, plain_pdf, "44051401497")
    archived = doc_timestamped(rpki, pdf, NOW - timedelta(days=10))
    rpki.services.revoked[citizen.certificate.serial_number] = NOW - timedelta(days=5)

    plain = validate_pdf(pdf, policy_of(rpki, fetch=True))
    result = validate_pdf(archived, policy_of(rpki, fetch=True))

    assert plain.subindication is S.REVOKED_NO_POE
    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
