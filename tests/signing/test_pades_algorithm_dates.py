"""PAdES algorithms judged with our policy at the signature's proof of existence.

SHA-1 is refused (TS 119 312) unless a time-stamp proves the signature
existed before SHA-1's sunset (``signing.policy.DIGEST_SUNSETS``,
2012-08-01).  The PDFs are signed with SHA-1 by pyHanko on a PKI valid
from 2010; the signature time-stamp is added afterwards as an unsigned
attribute (outside the /ByteRange, as a TSA's answer would be), made by our
TSA with a clock set to the wanted time.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

import pytest
from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing import pki
from signing.pades import validate_pdf
from signing.policy import AlgorithmPolicy, ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper
from tests.pdftools import letter_pdf

START = datetime(2010, 1, 1, tzinfo=UTC)
END = datetime(2034, 1, 1, tzinfo=UTC)
BEFORE_SUNSET = datetime(2011, 6, 1, 12, 0, tzinfo=UTC)
AFTER_SUNSET = datetime(2013, 1, 15, 12, 0, tzinfo=UTC)
REFUSED = (Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE)


@pytest.fixture(scope="module")
def old_pki():
    """A root, CA, citizen and TSA valid from 2010 to 2034."""
    root = pki.make_root("Stare Centrum Testowe", now=START, years=30)
    inter = pki.make_intermediate(root, "Stary CA Testowy", now=START, years=25)
    citizen = pki.make_citizen(
        inter,
        given_name="Jan",
        surname="Testowy",
        pesel="44051401458",
        not_before=START,
        not_after=END,
    )
    tsa = pki.make_tsa(root, not_before=START, not_after=END)
    policy = ValidationPolicy(
        TrustStore.from_certificates([root.certificate]),
        intermediates=(inter.certificate,),
    )
    return {"root": root, "citizen": citizen, "tsa": tsa, "policy": policy}


def _tsa(issued, when):
    return LocalTimestamper(
        issued.key, issued.certificate, issued.chain, clock=lambda: when
    )


def _asn1(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _plain_pdf() -> bytes:
    return letter_pdf("Pismo testowe z 2011 roku")


@pytest.fixture(scope="module")
def sha1_pdf(old_pki) -> bytes:
    """A PAdES B-B signature made with SHA-1 (no time-stamp)."""
    citizen = old_pki["citizen"]
    key = asn1_keys.PrivateKeyInfo.load(
        citizen.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        _asn1(citizen.certificate),
        key,
        SimpleCertificateStore.from_certs([_asn1(c) for c in citizen.chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Podpis", md_algorithm="sha1", subfilter=SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(BytesIO(_plain_pdf()))
    out = signers.sign_pdf(writer, meta, signer=signer, bytes_reserved=16384)
    return out.getvalue()


def _with_signature_timestamp(pdf: bytes, tsa: LocalTimestamper, over=None) -> bytes:
    """Put a signature time-stamp into the CMS's unsigned attributes."""
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    padded = bytes.fromhex(pdf[start:end].decode())
    # Only the DER itself: re-encoding the zero padding too takes minutes.
    info = cms.ContentInfo.load(padded[: _der_length(padded)])
    signer_info = info["content"]["signer_infos"][0]
    value = over if over is not None else signer_info["signature"].native
    token = cms.ContentInfo.load(tsa.timestamp(hashlib.sha256(value).digest()))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    hexed = info.dump().hex().encode()
    assert len(hexed) <= end - start
    return pdf[:start] + hexed.ljust(end - start, b"0") + pdf[end:]


def _der_length(der: bytes) -> int:
    """The length of the DER value at the start of ``der`` (definite form)."""
    first = der[1]
    if first < 0x80:
        return 2 + first

    size = first & 0x7F
    return 2 + size + int.from_bytes(der[2 : 2 + size], "big")


class _Stamper(TimeStamper):
    """pyHanko's time-stamper interface over our TSA, for document time-stamps."""

    def __init__(self, tsa: LocalTimestamper) -> None:
        super().__init__(include_nonce=False)
        self._tsa = tsa

    async def async_timestamp(self, message_digest, md_algorithm):
        return cms.ContentInfo.load(self._tsa.timestamp(message_digest, md_algorithm))


def _with_document_timestamp(pdf: bytes, tsa: LocalTimestamper) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    out = signers.PdfTimeStamper(_Stamper(tsa)).timestamp_pdf(writer, "sha256")
    return out.getvalue()


def _verdict(result):
    return result.indication, result.subindication


def _signature(result):
    return next(s for s in result.signatures if s.form != "PDF-TS")


def test_sha1_without_any_proof_of_existence_is_refused(old_pki, sha1_pdf):
    result = validate_pdf(sha1_pdf, old_pki["policy"])
    assert _verdict(result) == REFUSED
    failed = [c for c in result.primary.checks if not c.passed]
    assert "algorithms" in {c.name for c in failed}


def test_sha1_time_stamped_before_its_sunset_passes(old_pki, sha1_pdf):
    stamped = _with_signature_timestamp(sha1_pdf, _tsa(old_pki["tsa"], BEFORE_SUNSET))
    result = validate_pdf(stamped, old_pki["policy"])
    assert result.indication is Indication.TOTAL_PASSED
    signature = result.primary
    assert signature.form == "PAdES-B-T"
    assert signature.timestamp_time == BEFORE_SUNSET
    algorithms = [c for c in signature.checks if c.name == "algorithms"]
    assert [c.passed for c in algorithms] == [True]
    assert BEFORE_SUNSET.isoformat() in algorithms[0].detail


def test_sha1_time_stamped_after_its_sunset_is_refused(old_pki, sha1_pdf):
    stamped = _with_signature_timestamp(sha1_pdf, _tsa(old_pki["tsa"], AFTER_SUNSET))
    result = validate_pdf(stamped, old_pki["policy"])
    assert _verdict(result) == REFUSED
    assert result.primary.timestamp_time == AFTER_SUNSET


def test_time_stamp_from_an_untrusted_tsa_proves_nothing(old_pki, sha1_pdf):
    stranger_root = pki.make_root("Obce Centrum", now=START, years=30)
    stranger = pki.make_tsa(stranger_root, not_before=START, not_after=END)
    stamped = _with_signature_timestamp(sha1_pdf, _tsa(stranger, BEFORE_SUNSET))
    result = validate_pdf(stamped, old_pki["policy"])
    assert _verdict(result) == REFUSED
    assert result.primary.timestamp_time is None


def test_time_stamp_over_other_bytes_proves_nothing(old_pki, sha1_pdf):
    tsa = _tsa(old_pki["tsa"], BEFORE_SUNSET)
    stamped = _with_signature_timestamp(sha1_pdf, tsa, over=b"another value")
    result = validate_pdf(stamped, old_pki["policy"])
    assert _verdict(result) == REFUSED


def test_document_time_stamp_before_the_sunset_is_a_proof_too(old_pki, sha1_pdf):
    archived = _with_document_timestamp(sha1_pdf, _tsa(old_pki["tsa"], BEFORE_SUNSET))
    result = validate_pdf(archived, old_pki["policy"])
    assert result.indication is Indication.TOTAL_PASSED
    assert [s.form for s in result.signatures] == ["PAdES-B-B", "PDF-TS"]


def test_document_time_stamp_after_the_sunset_does_not_help(old_pki, sha1_pdf):
    archived = _with_document_timestamp(sha1_pdf, _tsa(old_pki["tsa"], AFTER_SUNSET))
    result = validate_pdf(archived, old_pki["policy"])
    assert _verdict(_signature(result)) == REFUSED


def test_an_operator_policy_without_the_sunset_refuses_sha1_at_any_date(
    old_pki, sha1_pdf
):
    stamped = _with_signature_timestamp(sha1_pdf, _tsa(old_pki["tsa"], BEFORE_SUNSET))
    strict = replace(old_pki["policy"], algorithms=AlgorithmPolicy(digest_sunsets=()))
    assert _verdict(validate_pdf(stamped, strict)) == REFUSED
