"""XAdES archive time-stamps (B-LTA; EN 319 132-1, clause 5.5.2).

An ``ArchiveTimeStamp`` in the UnsignedSignatureProperties time-stamps the
whole signature with what was added to it so far. Its message imprint is the
hash of the concatenation of, in this order (EN 319 132-1, 5.5.2.2):

1. every ds:Reference's data after its transforms: octets as they were
   digested, a final node-set canonicalised with the time-stamp's method;
2. ds:SignedInfo, ds:SignatureValue and ds:KeyInfo (if present), each
   canonicalised with the time-stamp's ds:CanonicalizationMethod (Canonical
   XML 1.0 when it names none);
3. every unsigned signature property before this time-stamp, in order,
   canonicalised the same way;
4. every ds:Object of the signature except the one holding the
   QualifyingProperties (XAdES 1.4.1); for the older 1.3.2 form, only those
   no ds:Reference covers (ETSI TS 101 903 v1.3.2, 7.7).

Each archive time-stamp that verifies is a proof of existence of everything
it covers at its genTime; the earliest such time is the signature's.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from lxml import etree

from signing import algorithms as alg
from signing.c14n import canonical_element, canonicalise
from signing.ltv import ARCHIVE_TIMESTAMPS, unsigned_properties
from signing.trust import TrustStore
from signing.xades import XADES_141
from signing.xmldsig import ReferenceOutcome

if TYPE_CHECKING:
    from signing.tsp import TimestampResult

DS = alg.DSIG
_QUALIFYING = "QualifyingProperties"


class ArchiveTimestampError(ValueError):
    """An ArchiveTimeStamp that cannot be read at all."""


@dataclass(frozen=True)
class ArchiveStamp:
    """One ArchiveTimeStamp and the octets it should cover."""

    element: etree._Element
    c14n_method: str
    token: bytes


def archive_timestamps(sig: etree._Element) -> list[ArchiveStamp]:
    """Return the signature's archive time-stamps, in document order."""
    props = unsigned_properties(sig)
    if props is None:
        return []

    return [read_stamp(e) for e in props.iterchildren(*ARCHIVE_TIMESTAMPS)]


def covered_octets(
    sig: etree._Element, stamp: ArchiveStamp, refs: Sequence[ReferenceOutcome]
) -> bytes:
    """Return the octets ``stamp`` time-stamps (see the module's steps)."""
    method = stamp.c14n_method
    parts = [reference_octets(r, method) for r in refs]
    for name in ("SignedInfo", "SignatureValue", "KeyInfo"):
        for element in sig.iterchildren(f"{{{DS}}}{name}"):
            parts.append(canonical_element(element, method, None))

    earlier = list(stamp.element.itersiblings(preceding=True))
    for prop in reversed(earlier):
        if isinstance(prop.tag, str):
            parts.append(canonical_element(prop, method, None))

    for obj in _objects(sig, stamp):
        parts.append(canonical_element(obj, method, None))

    return b"".join(parts)


def reference_octets(ref: ReferenceOutcome, method: str) -> bytes:
    """A reference's data for a time-stamp canonicalising with ``method``."""
    if ref.nodes is not None:
        return canonicalise(ref.nodes, method, None)

    return ref.octets or b""


def _objects(sig: etree._Element, stamp: ArchiveStamp) -> list[etree._Element]:
    objects = [
        o
        for o in sig.iterchildren(f"{{{DS}}}Object")
        if not any(_localname(c.tag) == _QUALIFYING for c in o)
    ]
    if stamp.element.tag == f"{{{XADES_141}}}ArchiveTimeStamp":
        return objects

    referenced = {
        (r.get("URI") or "").lstrip("#")
        for r in sig.iter(f"{{{DS}}}Reference")
        if (r.get("URI") or "").startswith("#")
    }
    return [o for o in objects if (o.get("Id") or "") not in referenced]


def check_archive_timestamp(
    sig: etree._Element,
    stamp: ArchiveStamp,
    refs: Sequence[ReferenceOutcome],
    trust: TrustStore,
    at: datetime,
) -> TimestampResult:
    """Check one archive time-stamp's imprint, signature and TSA at ``at``."""
    from signing.tsp import verify_timestamp

    covered = covered_octets(sig, stamp, refs)
    return verify_timestamp(stamp.token, covered, trust, at=at)


def read_stamp(element: etree._Element) -> ArchiveStamp:
    """Read a XAdES time-stamp property: its canonicalisation and token."""
    methods = [c for c in element if _localname(c.tag) == "CanonicalizationMethod"]
    tokens = [c for c in element if _localname(c.tag) == "EncapsulatedTimeStamp"]
    if len(methods) > 1 or len(tokens) != 1:
        raise ArchiveTimestampError("a time-stamp property needs one token")

    method = methods[0].get("Algorithm", "") if methods else alg.C14N_10
    if method not in alg.C14N_METHODS:
        raise ArchiveTimestampError("the time-stamp's canonicalisation is unknown")

    try:
        text = "".join((tokens[0].text or "").split())
        token = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ArchiveTimestampError("the time-stamp is not base64") from exc

    return ArchiveStamp(element, method, token)


def _localname(tag: object) -> str | None:
    return tag.rpartition("}")[2] if isinstance(tag, str) else None
