"""Signature policies of XAdES-EPES (EN 319 132-1, clause 5.2.9).

A ``SignaturePolicyIdentifier`` names a policy (``SigPolicyId/Identifier``)
and the digest of its document (``SigPolicyHash``), or says that the policy
is implied by the context (``SignaturePolicyImplied``).  When the operator
holds a copy of that policy document (``ValidationPolicy.signature_policies``,
keyed by identifier) its digest is compared with the one signed: a mismatch
makes the signature INDETERMINATE / POLICY_PROCESSING_ERROR.  Without a copy
the policy is only reported ("not-available"), never fetched.

The digest is taken over the document's octets as stored; a policy that asks
for ds:Transforms on its document is reported as "unreadable".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

from lxml import etree

from signing import algorithms as alg
from signing.result import SignaturePolicy

MATCHED = "matched"
MISMATCHED = "mismatched"
IMPLIED = "implied"
NOT_AVAILABLE = "not-available"
UNREADABLE = "unreadable"


def read_policy(
    signed_properties: etree._Element | None, documents: Mapping[str, bytes]
) -> SignaturePolicy | None:
    """Return the signature policy named in SignedProperties and its check."""
    if signed_properties is None:
        return None

    found = [
        e for e in signed_properties.iter() if _local(e) == "SignaturePolicyIdentifier"
    ]
    if not found:
        return None

    holder = found[0]
    if any(_local(e) == "SignaturePolicyImplied" for e in holder):
        return SignaturePolicy("", None, None, IMPLIED)

    identifier = _text(holder, "Identifier")
    method = _first(holder, "DigestMethod")
    value = _text(holder, "DigestValue")
    name = None if method is None else alg.DIGESTS.get(method.get("Algorithm", ""))
    if not identifier or name is None or value is None or len(found) > 1:
        return SignaturePolicy(identifier or "", name, value, UNREADABLE)

    if _first(holder, "Transforms") is not None:
        return SignaturePolicy(identifier, name, value, UNREADABLE)

    document = documents.get(identifier)
    if document is None:
        return SignaturePolicy(identifier, name, value, NOT_AVAILABLE)

    return SignaturePolicy(identifier, name, value, _compare(name, value, document))


def _compare(name: str, value: str, document: bytes) -> str:
    """Compare the signed digest with the digest of the document we hold."""
    try:
        signed = base64.b64decode("".join(value.split()), validate=True)
    except (ValueError, binascii.Error):
        return UNREADABLE

    actual = hashlib.new(name, document).digest()
    return MATCHED if hmac.compare_digest(actual, signed) else MISMATCHED


def _first(holder: etree._Element, name: str) -> etree._Element | None:
    return next((e for e in holder.iter() if _local(e) == name), None)


def _text(holder: etree._Element, name: str) -> str | None:
    element = _first(holder, name)
    return None if element is None else (element.text or "").strip()


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
