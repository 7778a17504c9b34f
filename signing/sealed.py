"""Sealed XML documents of this office: receipts and journal checkpoints.

A document counts as sealed when it carries exactly one XAdES seal, the seal
verifies against the trust anchors given (certificates the document carries
are never trusted by themselves) and covers the whole document, and the
file holds nothing the seal leaves out (:mod:`signing.sealcover`). When the
anchors include end-entity certificates (the office's published seal
certificate), the seal must be one of them: a chain to the root alone would
let anyone holding another certificate of the same CA seal a look-alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from signing.errors import SigningInputError
from signing.policy import ValidationPolicy
from signing.result import Check, Indication, SignatureResult
from signing.sealcover import outside_seal
from signing.trust import TrustStore
from signing.validate import validate_xml


@dataclass(frozen=True)
class Sealed:
    """A sealed document whose seal verified, and what it signed."""

    element: etree._Element
    """The signed document element, as signed."""
    signature: SignatureResult
    """The seal's validation result."""
    signer_sha256: str
    """Hex SHA-256 of the sealing certificate."""


def check_sealed(
    data: bytes, trust: TrustStore, namespace: str, name: str, at: datetime | None
) -> tuple[Sealed | None, Check]:
    """Check the seal of a ``{namespace}name`` document; the check says why."""
    what = "receipt" if name == "Receipt" else "checkpoint"
    try:
        validation = validate_xml(data, ValidationPolicy(trust, at))
    except SigningInputError as exc:
        return None, Check(
            what, False, f"The {what} is not a sealed XML file ({exc.code})."
        )

    if len(validation.signatures) != 1:
        return None, Check(what, False, f"The {what} must carry exactly one seal.")

    signature = validation.signatures[0]
    if signature.indication is not Indication.TOTAL_PASSED or signature.signer is None:
        reason = signature.subindication.value if signature.subindication else "?"
        return None, Check(
            what, False, f"The seal on the {what} does not verify ({reason})."
        )

    element = signed_root(signature, namespace, name)
    if element is None:
        return None, Check(what, False, f"The seal does not cover a whole {what}.")

    outside = outside_seal(data, signature)
    if outside is not None:
        detail = f"The {what} holds content its seal does not cover: {outside}."
        return None, Check(what, False, detail)

    pinned = pinned_seals(trust)
    fingerprint = signature.signer.certificate_sha256
    if pinned and fingerprint not in pinned:
        return None, Check(
            what, False, f"The {what} is not sealed with a trusted seal certificate."
        )

    detail = f"Sealed by {signature.signer.name}; the seal verifies."
    return Sealed(element, signature, fingerprint), Check(what, True, detail)


def signed_root(
    signature: SignatureResult, namespace: str, name: str
) -> etree._Element | None:
    """Return the ``{namespace}name`` root the seal covers whole, else None."""
    # Only what the seal covers counts, and it must be the whole document.
    for covered in signature.covered:
        element = covered.element
        if covered.kind == "document" and element is not None:
            return element if element.tag == f"{{{namespace}}}{name}" else None

    return None


def pinned_seals(trust: TrustStore) -> frozenset[str]:
    """Return the SHA-256 of every end-entity (seal) certificate among anchors."""
    return frozenset(
        hashlib.sha256(c.public_bytes(Encoding.DER)).hexdigest()
        for c in trust.certificates
        if not is_ca(c)
    )


def is_ca(certificate: x509.Certificate) -> bool:
    """Say whether a certificate is a CA's (basicConstraints cA true)."""
    try:
        constraints = certificate.extensions.get_extension_for_class(
            x509.BasicConstraints
        )
    except x509.ExtensionNotFound:
        return False

    return constraints.value.ca


def field(element: etree._Element, path: str) -> str | None:
    """Return the text at a slash-separated path below a sealed element."""
    steps = "/".join(f"r:{step}" for step in path.split("/"))
    namespace = etree.QName(element).namespace or ""
    found = element.find(steps, namespaces={"r": namespace})
    return found.text if found is not None else None
