"""OCSP responses inside a PDF signature's CMS: Adobe's
adbe-revocationInfoArchival signed attribute and RFC 5940 otherRevInfo in
SignedData ``crls``; judged from the file alone, nothing fetched."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from types import SimpleNamespace

import pytest
from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.pades import validate_pdf
from signing.pdfrevocation import cms_revocation
from signing.pki import Issued
from signing.result import Indication, SubIndication
from tests.pdftools import letter_pdf
from tests.shapes.cmsmaker import sign_cms, with_revocation_info
from tests.signing.revocationpki import (
    RevocationPKI,
    ocsp_about,
    policy_of,
)

Ind, S = Indication, SubIndication
CHECKED = ("revocation", True, "revocation status checked: not revoked")


@pytest.fixture(autouse=True)
def _nothing_fetched(rpki: RevocationPKI) -> Iterator[None]:
    rpki.services.requests.clear()
    yield
    assert rpki.services.requests == []


def _plain_pdf() -> bytes:
    return letter_pdf("Wniosek testowy (OCSP)")


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signed_with_archival(rpki: RevocationPKI, citizen: Issued, ocsps: list[bytes]):
    """A /adbe.pkcs7.detached signature whose signed attributes archive the
    given OCSP responses (adbe-revocationInfoArchival), as Acrobat does."""
    key = asn1_keys.PrivateKeyInfo.load(
        citizen.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = [_asn1(rpki.inter.certificate), _asn1(rpki.root.certificate)]
    signer = signers.SimpleSigner(
        _asn1(citizen.certificate), key, SimpleCertificateStore.from_certs(chain)
    )
    context = ValidationContext(
        trust_roots=[chain[1]],
        other_certs=[chain[0]],
        ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in ocsps],
        allow_fetching=False,
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Podpis1",
        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        embed_validation_info=True,
        validation_context=context,
    )
    writer = IncrementalPdfFileWriter(BytesIO(_plain_pdf()))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def _revocation(result):  # type: ignore[no-untyped-def]
    return [
        (c.name, c.passed, c.detail)
        for c in result.primary.checks
        if c.name == "revocation"
    ]


@pytest.mark.filterwarnings("ignore:Validation/revocation info will be embedded")
def test_ocsp_response_archived_in_the_signed_attributes_is_used(
    rpki: RevocationPKI,
) -> None:
    citizen = rpki.citizen("44051401458", crl=False)
    answer = ocsp_about(rpki.inter, citizen.certificate)
    strict = policy_of(rpki, soft_fail=False)
    result = validate_pdf(_signed_with_archival(rpki, citizen, [answer]), strict)
    assert result.indication is Ind.TOTAL_PASSED
    assert _revocation(result) == [CHECKED]


def test_ocsp_response_in_signed_data_crls_is_read(rpki: RevocationPKI) -> None:
    # RFC 5940 otherRevInfo in the CMS of a PDF signature, as in a .p7s.
    citizen = rpki.citizen("85010112345", crl=False)
    answer = ocsp_about(rpki.inter, citizen.certificate)
    p7s = with_revocation_info(sign_cms(citizen, b"bytes of the PDF"), ocsps=(answer,))
    signed = cms.ContentInfo.load(p7s)["content"]
    found = SimpleNamespace(signed_data=signed, signer_info=signed["signer_infos"][0])
    assert cms_revocation(found).ocsps == (answer,)  # type: ignore[arg-type]
