"""XAdES signature time-stamps (ETSI EN 319 132-1, clause 5.3).

A ``xades:SignatureTimeStamp`` sits in the signature's
``xades:UnsignedSignatureProperties`` and holds an RFC 3161 token
(``xades:EncapsulatedTimeStamp``, base64 DER) whose message imprint is the
hash of the canonicalised ``ds:SignatureValue`` element. The canonicalisation
is the one its ``ds:CanonicalizationMethod`` names, or Canonical XML 1.0
without comments when it names none (clause 5.1.4.1).

This module finds those time-stamps and computes what they should cover;
:mod:`signing.seal` adds them and :mod:`signing.tsp` checks the tokens.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from signing.algorithms import C14N_10, C14N_METHODS
from signing.c14n import canonical_element
from signing.trust import TrustStore

if TYPE_CHECKING:
    from signing.tsp import TimestampResult

logger = logging.getLogger(__name__)

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
NAMESPACES = {"ds": DS_NS, "xades": XADES_NS}

_TIMESTAMPS = (
    "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties"
    "/xades:UnsignedSignatureProperties/xades:SignatureTimeStamp"
)


class SignatureTimestampError(ValueError):
    """A SignatureTimeStamp element is not laid out as EN 319 132-1 says."""


@dataclass(frozen=True)
class SignatureTimestamp:
    """One ``xades:SignatureTimeStamp`` as found in a signature."""

    c14n_method: str
    """The canonicalisation URI applied to ``ds:SignatureValue``."""
    token: bytes
    """The RFC 3161 token, DER."""


def signature_timestamps(signature: etree._Element) -> list[SignatureTimestamp]:
    """Return the signature time-stamps of a ``ds:Signature``, in order."""
    return [_read(element) for element in signature.findall(_TIMESTAMPS, NAMESPACES)]


def signature_value_octets(signature: etree._Element, c14n_method: str) -> bytes:
    """Return the canonical ``ds:SignatureValue`` element a time-stamp covers."""
    if c14n_method not in C14N_METHODS:
        raise SignatureTimestampError(f"unknown canonicalisation {c14n_method!r}")

    values = signature.findall("ds:SignatureValue", NAMESPACES)
    if len(values) != 1:
        raise SignatureTimestampError("the signature has no single SignatureValue")

    return canonical_element(values[0], c14n_method, None)


def check_signature_timestamp(
    signature: etree._Element,
    trust: TrustStore,
    *,
    at: datetime | None = None,
    revocation: dict[str, Any] | None = None,
) -> TimestampResult | None:
    """Check the signature's first time-stamp; ``None`` when it has none.

    Raises :class:`SignatureTimestampError` when one is present but cannot
    be read at all.
    """
    stamps = signature_timestamps(signature)
    if not stamps:
        return None

    # pyHanko's CMS validation takes a third of a second to import: only
    # signatures that carry a time-stamp pay for it.
    from signing.tsp import verify_timestamp

    stamp = stamps[0]
    covered = signature_value_octets(signature, stamp.c14n_method)
    return verify_timestamp(stamp.token, covered, trust, at=at, revocation=revocation)


def _read(element: etree._Element) -> SignatureTimestamp:
    methods = element.findall("ds:CanonicalizationMethod", NAMESPACES)
    tokens = element.findall("xades:EncapsulatedTimeStamp", NAMESPACES)
    if len(methods) > 1 or len(tokens) != 1:
        raise SignatureTimestampError("a SignatureTimeStamp needs one token")

    method = methods[0].get("Algorithm", "") if methods else C14N_10
    encoding = tokens[0].get("Encoding")
    if encoding not in (None, "http://uri.etsi.org/01903/v1.2.2#DER"):
        raise SignatureTimestampError("only DER-encoded time-stamps are read")

    try:
        token = base64.b64decode("".join((tokens[0].text or "").split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureTimestampError("the time-stamp is not base64") from exc

    return SignatureTimestamp(c14n_method=method, token=token)
