"""CAdES algorithms judged with our policy at the signature's proof of existence.

As for PAdES (test_pades_algorithm_dates.py): SHA-1 is refused unless a
verified signature time-stamp (an unsigned attribute of the SignerInfo,
over its SignatureValue) proves the signature existed before SHA-1's
sunset, 2012-08-01.  The ``.p7s`` is made with SHA-1 by pyHanko on a PKI
valid from 2010; the time-stamp comes from our TSA with its clock set.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime

import pytest
from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing import pki
from signing.cades import validate_cms
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from signing.tsa import LocalTimestamper

START = datetime(2010, 1, 1, tzinfo=UTC)
END = datetime(2034, 1, 1, tzinfo=UTC)
BEFORE_SUNSET = datetime(2011, 6, 1, 12, 0, tzinfo=UTC)
AFTER_SUNSET = datetime(2013, 1, 15, 12, 0, tzinfo=UTC)
REFUSED = (Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE)
LETTER = b"Pismo testowe z 2011 roku\n"


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


def _asn1(cert):
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@pytest.fixture(scope="module")
def sha1_p7s(old_pki) -> bytes:
    """A detached CAdES-BES over LETTER made with SHA-1 (no time-stamp)."""
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
    info = asyncio.run(
        signer.async_sign_general_data(LETTER, "sha1", detached=True, use_cades=True)
    )
    return bytes(info.dump())


def _tsa(issued, when):
    return LocalTimestamper(
        issued.key, issued.certificate, issued.chain, clock=lambda: when
    )


def _with_signature_timestamp(p7s: bytes, tsa: LocalTimestamper, over=None) -> bytes:
    """Put a signature time-stamp into the SignerInfo's unsigned attributes."""
    info = cms.ContentInfo.load(p7s)
    signer_info = info["content"]["signer_infos"][0]
    value = over if over is not None else signer_info["signature"].native
    token = cms.ContentInfo.load(tsa.timestamp(hashlib.sha256(value).digest()))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    return bytes(info.dump())


def _verdict(result):
    return result.indication, result.subindication


def test_sha1_without_any_proof_of_existence_is_refused(old_pki, sha1_p7s):
    result = validate_cms(sha1_p7s, old_pki["policy"], LETTER)
    assert _verdict(result) == REFUSED


def test_sha1_time_stamped_before_its_sunset_passes(old_pki, sha1_p7s):
    stamped = _with_signature_timestamp(sha1_p7s, _tsa(old_pki["tsa"], BEFORE_SUNSET))
    result = validate_cms(stamped, old_pki["policy"], LETTER)
    assert result.indication is Indication.TOTAL_PASSED
    signature = result.primary
    assert signature.form == "CAdES-T"
    assert signature.timestamp_time == BEFORE_SUNSET
    proof = [c for c in signature.checks if c.name == "proof-of-existence"]
    assert [c.passed for c in proof] == [True]
    assert BEFORE_SUNSET.isoformat() in proof[0].detail


def test_sha1_time_stamped_after_its_sunset_is_refused(old_pki, sha1_p7s):
    stamped = _with_signature_timestamp(sha1_p7s, _tsa(old_pki["tsa"], AFTER_SUNSET))
    result = validate_cms(stamped, old_pki["policy"], LETTER)
    assert _verdict(result) == REFUSED


def test_time_stamp_from_an_untrusted_tsa_proves_nothing(old_pki, sha1_p7s):
    stranger_root = pki.make_root("Obce Centrum", now=START, years=30)
    stranger = pki.make_tsa(stranger_root, not_before=START, not_after=END)
    stamped = _with_signature_timestamp(sha1_p7s, _tsa(stranger, BEFORE_SUNSET))
    result = validate_cms(stamped, old_pki["policy"], LETTER)
    assert _verdict(result) == REFUSED
    assert result.primary.timestamp_time is None


def test_time_stamp_over_other_bytes_proves_nothing(old_pki, sha1_p7s):
    tsa = _tsa(old_pki["tsa"], BEFORE_SUNSET)
    stamped = _with_signature_timestamp(sha1_p7s, tsa, over=b"another value")
    result = validate_cms(stamped, old_pki["policy"], LETTER)
    assert _verdict(result) == REFUSED


def test_sha1_with_a_proof_still_needs_the_right_file(old_pki, sha1_p7s):
    stamped = _with_signature_timestamp(sha1_p7s, _tsa(old_pki["tsa"], BEFORE_SUNSET))
    result = validate_cms(stamped, old_pki["policy"], LETTER + b"changed")
    assert result.indication is Indication.TOTAL_FAILED
