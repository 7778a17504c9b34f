"""A local, in-process time-stamping authority (RFC 3161, RFC 5816).

The demo instance time-stamps its receipts with it, so that it needs nothing
outside; tests serve it over HTTP on the loopback interface. A token is a
CMS ``SignedData`` (RFC 5652) over a ``TSTInfo`` (RFC 3161 section 2.4.2),
signed with SHA-256 and carrying the TSA certificate, its chain and the ESS
signing-certificate-v2 attribute (RFC 5816).

Everything that does not change from token to token (certificates, signer
identifier, algorithm identifiers, the ``tsa`` name) is DER-encoded once
with asn1crypto; a token is then put together from bytes, because building
it as asn1crypto objects costs about ten times the RSA signature.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from signing.pki import Issued, SigningKey

logger = logging.getLogger(__name__)

DEMO_TSA_POLICY = "2.25.260596922611936108626085135823401619197"
"""TSA policy of the local TSA: a UUID-based OID (ITU-T X.667), ours alone."""

IMPRINT_ALGORITHMS = frozenset({"sha256", "sha384", "sha512"})
"""Hash algorithms accepted for message imprints."""

_DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}

_SEQUENCE, _SET, _INTEGER, _OCTETS = 0x30, 0x31, 0x02, 0x04
_GENERALIZED_TIME = 0x18
_CONTEXT_0 = 0xA0


class LocalTimestamper:
    """An in-process TSA; thread-safe, key kept loaded."""

    def __init__(
        self,
        key: SigningKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
        *,
        policy: str = DEMO_TSA_POLICY,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Keep the key and encode the parts every token repeats."""
        if key.public_key() != certificate.public_key():
            raise ValueError("the key does not belong to the TSA certificate")
        if not is_tsa_certificate(certificate):
            raise ValueError("the certificate is not for time-stamping (EKU)")

        self._key = key
        self._clock = clock or (lambda: datetime.now(UTC))
        self._parts = _ConstantParts(key, certificate, chain, policy)

    @classmethod
    def from_issued(cls, issued: Issued) -> LocalTimestamper:
        """Make a TSA of an issued key, certificate and chain."""
        return cls(issued.key, issued.certificate, issued.chain)

    def timestamp(self, digest: bytes, algorithm: str = "sha256") -> bytes:
        """Return a DER token whose message imprint is ``digest``."""
        if _DIGEST_SIZES.get(algorithm) != len(digest):
            raise ValueError(f"not a {algorithm} digest")

        return self._token(_imprint(algorithm, digest), nonce=None)

    def respond(self, request_der: bytes) -> bytes:
        """Answer a DER TimeStampReq with a DER TimeStampResp (RFC 3161 2.4.2)."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            size = len(imprint["hashed_message"].native)
            nonce = request["nonce"].native
        except (ValueError, TypeError, KeyError):
            return _rejection("bad_data_format")

        if algorithm not in IMPRINT_ALGORITHMS or size != _DIGEST_SIZES[algorithm]:
            return _rejection("bad_alg")

        token = self._token(imprint.dump(), nonce)
        return _tlv(_SEQUENCE, _GRANTED + token)

    def _token(self, imprint_der: bytes, nonce: int | None) -> bytes:
        parts = self._parts
        tst_info = _tlv(
            _SEQUENCE,
            _integer(1)
            + parts.policy
            + imprint_der
            + _integer(secrets.randbits(63) | 1)
            + _generalized_time(self._clock())
            + (b"" if nonce is None else _integer(nonce))
            + parts.tsa_name,
        )
        attributes = sorted(
            [
                parts.content_type_attribute,
                _tlv(
                    _SEQUENCE,
                    parts.message_digest_oid
                    + _tlv(_SET, _tlv(_OCTETS, hashlib.sha256(tst_info).digest())),
                ),
                parts.signing_certificate_attribute,
            ]
        )
        signed_attributes = b"".join(attributes)
        signature = self._sign(_tlv(_SET, signed_attributes))
        signer_info = _tlv(
            _SEQUENCE,
            _integer(1)
            + parts.signer_identifier
            + parts.digest_algorithm
            + _tlv(_CONTEXT_0, signed_attributes)
            + parts.signature_algorithm
            + _tlv(_OCTETS, signature),
        )
        content = _tlv(
            _SEQUENCE,
            parts.tst_info_oid + _tlv(_CONTEXT_0, _tlv(_OCTETS, tst_info)),
        )
        signed_data = _tlv(
            _SEQUENCE,
            _integer(3)
            + _tlv(_SET, parts.digest_algorithm)
            + content
            + parts.certificates
            + _tlv(_SET, signer_info),
        )
        return _tlv(_SEQUENCE, parts.signed_data_oid + _tlv(_CONTEXT_0, signed_data))

    def _sign(self, data: bytes) -> bytes:
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())

        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))


def is_tsa_certificate(certificate: x509.Certificate) -> bool:
    """Tell whether a certificate's only extended key usage is time-stamping."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return False

    return usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


class _ConstantParts:
    """The DER of everything a token of one TSA repeats."""

    def __init__(
        self,
        key: SigningKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate],
        policy: str,
    ) -> None:
        der = certificate.public_bytes(serialization.Encoding.DER)
        cert = asn1_x509.Certificate.load(der)
        chain_der = [c.public_bytes(serialization.Encoding.DER) for c in chain]

        self.policy = core.ObjectIdentifier(policy).dump()
        self.tsa_name = _tlv(_CONTEXT_0, _directory_name(cert))
        self.tst_info_oid = cms.ContentType("tst_info").dump()
        self.signed_data_oid = cms.ContentType("signed_data").dump()
        self.message_digest_oid = cms.CMSAttributeType("message_digest").dump()
        self.digest_algorithm = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
        self.signature_algorithm = _signature_algorithm(key)
        self.signer_identifier = cms.IssuerAndSerialNumber(
            {"issuer": cert.issuer, "serial_number": cert.serial_number}
        ).dump()
        self.certificates = _tlv(_CONTEXT_0, der + b"".join(chain_der))
        self.content_type_attribute = _attribute(
            "content_type", cms.ContentType("tst_info")
        )
        # ESS signing-certificate-v2 (RFC 5816); SHA-256 is its default hash.
        self.signing_certificate_attribute = _attribute(
            "signing_certificate_v2",
            tsp.SigningCertificateV2(
                {"certs": [{"cert_hash": hashlib.sha256(der).digest()}]}
            ),
        )


def _directory_name(cert: asn1_x509.Certificate) -> bytes:
    name = asn1_x509.GeneralName(name="directory_name", value=cert.subject)
    return bytes(name.dump())


def _signature_algorithm(key: SigningKey) -> bytes:
    name = "sha256_rsa" if isinstance(key, rsa.RSAPrivateKey) else "sha256_ecdsa"
    return bytes(algos.SignedDigestAlgorithm({"algorithm": name}).dump())


def _attribute(name: str, value: core.Asn1Value) -> bytes:
    attribute = cms.CMSAttribute({"type": name, "values": [value]})
    return bytes(attribute.dump())


def _rejection(failure: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "fail_info": {failure}})
    logger.info("time-stamp request refused", extra={"reason": failure})
    # asn1crypto insists on a token in TimeStampResp; a refusal has none.
    return _tlv(_SEQUENCE, bytes(status.dump()))


# --- DER -----------------------------------------------------------------

_GRANTED = bytes.fromhex("3003020100")  # PKIStatusInfo { status granted(0) }


@functools.cache
def _imprint_head(algorithm: str) -> bytes:
    """The DER of a MessageImprint up to its digest, which comes last."""
    size = _DIGEST_SIZES[algorithm]
    imprint = tsp.MessageImprint(
        {"hash_algorithm": {"algorithm": algorithm}, "hashed_message": bytes(size)}
    )
    der: bytes = imprint.dump()
    return der[:-size]


def _imprint(algorithm: str, digest: bytes) -> bytes:
    """The DER MessageImprint of ``digest`` (built by asn1crypto once per hash)."""
    return _imprint_head(algorithm) + digest


def _tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes((tag, size)) + body

    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + body


def _integer(value: int) -> bytes:
    # Two's complement, shortest form (a nonce may be negative).
    magnitude = value if value >= 0 else ~value
    size = magnitude.bit_length() // 8 + 1
    return _tlv(_INTEGER, value.to_bytes(size, "big", signed=True))


def _generalized_time(moment: datetime) -> bytes:
    # RFC 3161 2.4.2: UTC, "Z", fraction without trailing zeros.
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y%m%d%H%M%S")
    if moment.microsecond:
        text += "." + f"{moment.microsecond:06d}".rstrip("0")

    return _tlv(_GENERALIZED_TIME, (text + "Z").encode("ascii"))
