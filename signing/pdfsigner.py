"""Who signed a PDF: the signer read from the CMS signing certificate.

The certificate is read through the policy's :class:`signing.certs.CertCache`
like every other one.  Some genuine qualified certificates are refused by
pyca/cryptography's strict DER parser (explicit NULL parameters after an
ECDSA algorithm, for one: the TeleSec sample of the DSS corpus), though
pyHanko, which verified the signature, reads them with asn1crypto; the
signer is then read from asn1crypto's parse, so that a parser's pickiness
is not reported as "no signing certificate".
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509

from signing.certs import key_usage
from signing.policy import ValidationPolicy
from signing.result import Signer


@dataclass(frozen=True)
class SignerFacts:
    """The signer and what the checks need from its certificate."""

    signer: Signer
    """Who signed."""
    key_usage: frozenset[str] | None
    """The key usage bits by name; ``None`` without the extension."""
    self_signed: bool
    """Whether the certificate's issuer is its subject."""
    der: bytes
    """The certificate's DER."""


def signer_facts(cert: asn1_x509.Certificate, policy: ValidationPolicy) -> SignerFacts:
    """Read the signer from the CMS signing certificate."""
    der = cert.dump()
    # cryptography warns about non-conforming names (e.g. a country name
    # longer than two letters); the certificate is judged by the path check.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        facts = policy.certs.from_der(der)
        signer = facts.signer if facts is not None else _from_asn1(cert, der)

    return SignerFacts(
        signer=signer,
        key_usage=key_usage(der),
        self_signed=cert.self_signed != "no",
        der=der,
    )


def _from_asn1(cert: asn1_x509.Certificate, der: bytes) -> Signer:
    subject = cert.subject.native
    name = subject.get("common_name") or " ".join(
        p for p in (subject.get("given_name"), subject.get("surname")) if p
    )
    validity = cert["tbs_certificate"]["validity"]
    return Signer(
        name=str(name or cert.subject.human_friendly),
        identifier=_text(subject.get("serial_number"))
        or _text(subject.get("organization_identifier")),
        organization=_text(subject.get("organization_name")),
        issuer=cert.issuer.human_friendly,
        certificate_sha256=hashlib.sha256(der).hexdigest(),
        serial_number=int(cert.serial_number),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None

    if isinstance(value, list):
        return str(value[0]) if value else None

    return str(value)
