"""Per-policy certificate facts: reused across validations, never a shortcut.

The facts cache (``ValidationPolicy.certs``) only spares recomputing what the
DER bytes determine; every check still runs on every validation.  Serial
numbers are read from the DER, so certificates with a non-positive serial
(real ePUAP ones) never set off cryptography's deprecation warning, which
pytest turns into an error here.
"""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from signing.certs import CertCache, serial_of_der
from signing.policy import ValidationPolicy
from signing.result import Indication as Ind
from signing.result import SubIndication as S
from signing.trust import TrustStore
from signing.validate import validate_xml
from tests.signing.conftest import shared_path
from tests.signing.maker import FORM, PKI, Issued, make_key, sign_enveloped

EPUAP = ("corpus", "forms-real", "epuap", "upp", "samples")


def _der_with_serial(serial_byte: int) -> bytes:
    """A self-signed certificate whose one-byte serial is then rewritten."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jan Testowy")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x55)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.KeyUsage(False, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return der.replace(b"\x02\x01\x55", bytes([2, 1, serial_byte]), 1)


def test_serial_read_from_der_is_positive_only():
    assert serial_of_der(_der_with_serial(0x55)) == 0x55
    assert serial_of_der(_der_with_serial(0x85)) is None
    assert serial_of_der(_der_with_serial(0x00)) is None
    assert serial_of_der(b"\x30\x03\x02\x01") is None


def test_negative_serial_certificate_loads_and_reads_without_warning():
    facts = CertCache().from_der(_der_with_serial(0x85))
    assert facts is not None
    assert facts.serial == -123
    assert facts.signer.serial_number == -123
    assert facts.key_usage == frozenset({"non_repudiation"})


def test_epuap_sample_with_negative_serial_validates_without_warning_code_was_wrong():
    data = shared_path(*EPUAP, "upp_enadzor_test_1_enveloped-xmldsig.xml").read_bytes()
    result = validate_xml(data, ValidationPolicy(TrustStore.empty()))
    signature = result.signatures[0]
    assert signature.signer is not None
    assert signature.signer.serial_number < 0
    assert result.subindication is S.NO_CERTIFICATE_CHAIN_FOUND
    passed = {c.name: c.passed for c in signature.checks}
    assert passed["signature-value"] and passed["reference-digest"]


def test_facts_are_shared_per_policy_and_per_der(pki: PKI):
    policy = ValidationPolicy(TrustStore.from_certificates([pki.root.cert]))
    der = pki.citizen.cert.public_bytes(serialization.Encoding.DER)
    first = policy.certs.from_der(der)
    assert first is not None and first is policy.certs.from_der(der)
    other = ValidationPolicy(TrustStore.from_certificates([pki.root.cert]))
    assert other.certs.from_der(der) is not first


def test_tampered_form_fails_after_the_cache_is_warm(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen)
    assert validate_xml(data, policy).indication is Ind.TOTAL_PASSED
    tampered = data.replace(b"17.00", b"71.00")
    assert tampered != data
    result = validate_xml(tampered, policy)
    assert (result.indication, result.subindication) == (
        Ind.TOTAL_FAILED,
        S.HASH_FAILURE,
    )
    assert validate_xml(data, policy).indication is Ind.TOTAL_PASSED


def test_cached_certificate_with_a_foreign_key_signature_fails(pki: PKI, policy):
    good = validate_xml(sign_enveloped(FORM, pki.citizen), policy)
    assert good.indication is Ind.TOTAL_PASSED
    impostor = Issued(make_key(), pki.citizen.cert)
    result = validate_xml(sign_enveloped(FORM, impostor), policy)
    assert (result.indication, result.subindication) == (
        Ind.TOTAL_FAILED,
        S.SIG_CRYPTO_FAILURE,
    )
