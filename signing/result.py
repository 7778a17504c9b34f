"""Validation results as frozen data, shaped after ETSI EN 319 102-1.

Facts are kept apart (each check has its own outcome) and summed up in the
indication and sub-indication of clause 5.1.3 of EN 319 102-1.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from lxml import etree


class Indication(enum.StrEnum):
    """Main status indication (EN 319 102-1, clause 5.1.3, table 4)."""

    TOTAL_PASSED = "TOTAL_PASSED"
    TOTAL_FAILED = "TOTAL_FAILED"
    INDETERMINATE = "INDETERMINATE"


class SubIndication(enum.StrEnum):
    """Sub-indications of EN 319 102-1, clause 5.1.3, table 5 (those we emit)."""

    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
    TRY_LATER = "TRY_LATER"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    GENERIC = "GENERIC"


@dataclass(frozen=True)
class Check:
    """One check made on a signature and its outcome."""

    name: str
    """Stable short name, e.g. ``reference-digest``, ``signing-certificate``."""
    passed: bool
    """Whether the check passed."""
    detail: str = ""
    """A plain sentence about the outcome; never form content."""


@dataclass(frozen=True)
class Signer:
    """Who signed, as read from the signing certificate."""

    name: str
    """Common name, or given name and surname, of the subject."""
    identifier: str | None
    """The subject's serialNumber or organizationIdentifier (e.g. PNOPL-…)."""
    organization: str | None
    """The subject's organisation, for seals."""
    issuer: str
    """The issuer's distinguished name, RFC 4514."""
    certificate_sha256: str
    """Hex SHA-256 of the signing certificate's DER: its fingerprint."""
    serial_number: int
    """The certificate's serial number."""
    not_before: datetime
    """Start of the certificate's validity."""
    not_after: datetime
    """End of the certificate's validity."""


@dataclass(frozen=True)
class SignedObject:
    """One thing a signature covers, resolved from a ds:Reference."""

    uri: str
    """The reference's URI as written (``""``, ``#id``, a file name)."""
    kind: str
    """``document`` (whole document), ``element``, ``object``, ``external``,
    ``encapsulated`` (the content inside an attached CMS),
    ``signed-properties``, ``manifest`` or ``signature-part`` (KeyInfo,
    SignatureValue and the like: never form content)."""
    element: etree._Element | None = field(default=None, compare=False)
    """The covered element, as it was signed (an enveloped ds:Signature
    removed); ``None`` for external data and octet streams."""
    digest_sha256: str | None = None
    """Hex SHA-256 of the covered octets, where they are octets."""
    left_out: tuple[str, ...] = ()
    """Paths of the parts the reference's transforms cut out of what it
    names (an XPath filter, Filter 2.0 …), ds:Signature elements aside:
    a ``document`` with anything here is not the whole document."""


@dataclass(frozen=True)
class SignaturePolicy:
    """The SignaturePolicyIdentifier of an EPES signature and its check."""

    identifier: str
    """The policy's identifier (an OID or URI) as written."""
    digest_algorithm: str | None
    """The hashlib name of SigPolicyHash's method."""
    digest_b64: str | None
    """SigPolicyHash's value, base64, as written."""
    status: str
    """``matched``, ``mismatched``, ``implied``, ``not-available`` (the
    operator has no copy of that policy document) or ``unreadable``."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the policy and its check."""
        return {
            "identifier": self.identifier,
            "digest_algorithm": self.digest_algorithm,
            "digest": self.digest_b64,
            "status": self.status,
        }


@dataclass(frozen=True)
class SignatureResult:
    """The outcome for one signature in a document."""

    signature_id: str | None
    """The ds:Signature's Id attribute, if any."""
    indication: Indication
    """The EN 319 102-1 main indication."""
    subindication: SubIndication | None
    """The sub-indication; ``None`` when TOTAL_PASSED."""
    form: str
    """``XAdES-BES``, ``XAdES-EPES``, ``XAdES-T``, … or ``XMLDSig``."""
    signer: Signer | None
    """The signer, when the signing certificate was found."""
    signing_time: datetime | None
    """The claimed signing time (SigningTime), timezone-aware UTC."""
    covered: tuple[SignedObject, ...]
    """Everything the signature covers, in reference order."""
    checks: tuple[Check, ...]
    """Every check made, with its outcome."""
    counter_signature_of: str | None = None
    """For a counter-signature, the Id of the signature it counters."""
    kind: str | None = None
    """``qualified``, ``trusted-profile``, ``personal`` or ``advanced``
    (:mod:`signing.kinds`); ``None`` when no signing certificate was found."""
    kind_detail: str = ""
    """A plain sentence saying why the signature is of that kind."""
    sealed_by: Signer | None = None
    """For a trusted-profile signature, the platform whose certificate made
    it (``signer`` is then the person named inside the signature)."""
    timestamp_time: datetime | None = None
    """The signature time-stamp's time, when one verified: the proof of the
    signing time (``signing_time`` alone is only claimed)."""
    policy: SignaturePolicy | None = None
    """The signature policy (EPES) the signature names, if any."""
    chain: tuple[x509.Certificate, ...] = field(default=(), compare=False, repr=False)
    """The signer's certificate first, then the validated path to the anchor
    (only the signer's certificate when no path validated)."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict of this result."""
        return {
            "signature_id": self.signature_id,
            "indication": self.indication.value,
            "subindication": self.subindication.value if self.subindication else None,
            "form": self.form,
            "signer": _signer_json(self.signer),
            "signing_time": self.signing_time.isoformat()
            if self.signing_time
            else None,
            "covered": [
                {
                    "uri": c.uri,
                    "kind": c.kind,
                    "digest_sha256": c.digest_sha256,
                    "left_out": list(c.left_out),
                }
                for c in self.covered
            ],
            "checks": [
                {"name": c.name, "passed": c.passed, "detail": c.detail}
                for c in self.checks
            ],
            "counter_signature_of": self.counter_signature_of,
            "kind": self.kind,
            "kind_detail": self.kind_detail,
            "sealed_by": _signer_json(self.sealed_by),
            "signing_time_proof": self.signing_time_proof,
            "timestamp_time": _time_json(self.timestamp_time),
            "policy": None if self.policy is None else self.policy.to_json(),
        }

    @property
    def signing_time_proof(self) -> str:
        """``timestamp`` when a time-stamp proves the time, ``claimed`` when
        only SigningTime says it, ``none`` without either."""
        if self.timestamp_time is not None:
            return "timestamp"

        return "claimed" if self.signing_time is not None else "none"


def _signer_json(signer: Signer | None) -> dict[str, Any] | None:
    """Return a JSON-ready dict of a signer, ``None`` stays ``None``."""
    if signer is None:
        return None

    return {
        "name": signer.name,
        "identifier": signer.identifier,
        "organization": signer.organization,
        "issuer": signer.issuer,
        "certificate_sha256": signer.certificate_sha256,
        "serial_number": str(signer.serial_number),
        "not_before": signer.not_before.isoformat(),
        "not_after": signer.not_after.isoformat(),
    }


def _time_json(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@dataclass(frozen=True)
class ValidationResult:
    """The outcome for a whole document: its signatures and a summary."""

    indication: Indication
    """TOTAL_PASSED only if every signature passed; TOTAL_FAILED if any
    failed; INDETERMINATE otherwise."""
    subindication: SubIndication | None
    """The sub-indication of the first signature that did not pass."""
    signatures: tuple[SignatureResult, ...]
    """One result per signature, counter-signatures included, document order."""
    validation_time: datetime
    """The time the validation was made for (timezone-aware UTC)."""
    tree: etree._ElementTree | None = field(default=None, compare=False, repr=False)
    """The XML document as parsed for the validation, which leaves it as
    parsed: callers read it instead of parsing the bytes again. ``None``
    for other formats."""

    @property
    def primary(self) -> SignatureResult:
        """The first signature that is not a counter-signature."""
        for sig in self.signatures:
            if sig.counter_signature_of is None:
                return sig
        return self.signatures[0]

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict: indication, subindication, signatures."""
        return {
            "indication": self.indication.value,
            "subindication": self.subindication.value if self.subindication else None,
            "validation_time": self.validation_time.isoformat(),
            "signatures": [s.to_json() for s in self.signatures],
        }


def summarise(
    signatures: tuple[SignatureResult, ...],
) -> tuple[Indication, SubIndication | None]:
    """Sum up several signatures' indications into one for the document."""
    for wanted in (Indication.TOTAL_FAILED, Indication.INDETERMINATE):
        for sig in signatures:
            if sig.indication is wanted:
                return wanted, sig.subindication

    return Indication.TOTAL_PASSED, None
