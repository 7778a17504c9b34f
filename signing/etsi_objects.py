"""Validation objects of a TS 119 102-2 report (clause 4.4), and XML helpers.

``SignatureValidationObjects`` lists what the signature reports point at:
the signers' certificates (by SHA-256 digest), and the time-stamp tokens
that stand on their own (a PDF document time-stamp, an ASiC token).  A token
is a validation object of type ``timestamp``, never a signature: its own
validation report sits inside it, and when it verified, ``POEProvisioning``
says which data (a ``signedData`` object, by digest) it proves existed at
its time.

Every ``id`` in the report is an ``xs:ID``: unique in the document and an
NCName.  :class:`Ids` hands them out.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from lxml import etree

ETSI_NS = "http://uri.etsi.org/19102/v1.2.1#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"
OBJECT_URI = "urn:etsi:019102:validationObject:"
POE_VALIDATION = "urn:etsi:019102:poetype:validation"
TIMESTAMP_FORMS = frozenset({"PDF-TS", "ASiC-TS"})

Json = dict[str, Any]
Fill = Callable[[etree._Element, Json], None]
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


class Ids:
    """The ``xs:ID`` values used so far in one report."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, wanted: str | None, fallback: str) -> str:
        """Return ``wanted`` if it is a free NCName, else a free ``fallback``."""
        if wanted and _NCNAME.fullmatch(wanted) and wanted not in self._taken:
            self._taken.add(wanted)
            return wanted

        candidate, number = fallback, 1
        while candidate in self._taken:
            number += 1
            candidate = f"{fallback}-{number}"
        self._taken.add(candidate)
        return candidate


def certificate_id(signer: Json | None) -> str | None:
    """The id of a signer's certificate object; ``None`` without a digest."""
    digest = (signer or {}).get("certificate_sha256")
    return "C-" + str(digest).upper() if digest else None


def reserve_certificates(items: list[Json], ids: Ids) -> list[Json]:
    """Claim the certificate objects' ids first; return one signer per object."""
    signers: dict[str, Json] = {}
    for item in items:
        for signer in (item.get("signer"), item.get("sealed_by")):
            object_id = certificate_id(signer)
            if signer and object_id and object_id not in signers:
                signers[ids.claim(object_id, object_id)] = signer
    return list(signers.values())


def validation_objects(
    root: etree._Element,
    signers: list[Json],
    stamps: list[Json],
    ids: Ids,
    fill: Fill,
) -> None:
    """Append ``SignatureValidationObjects`` when there is anything to list."""
    if not (signers or stamps):
        return

    holder = child(root, "SignatureValidationObjects")
    for signer in signers:
        obj = _object(holder, str(certificate_id(signer)), "certificate")
        digest(
            child(obj, "ValidationObjectRepresentation"),
            "DigestAlgAndValue",
            signer["certificate_sha256"],
        )
    for number, stamp in enumerate(stamps, start=1):
        _timestamp(holder, stamp, number, ids, fill)


def _timestamp(
    holder: etree._Element, stamp: Json, number: int, ids: Ids, fill: Fill
) -> None:
    """A time-stamp token: where it is, what it proves, its own report."""
    name = str(stamp.get("signature_id") or f"timestamp-{number}")
    obj = _object(holder, ids.claim(None, f"T-{number}"), "timestamp")
    representation = child(obj, "ValidationObjectRepresentation")
    child(representation, "URI", quote(name, safe="/"))
    proven = stamp.get("timestamp_time") or stamp.get("signing_time")
    covered = [c for c in stamp.get("covered") or [] if c.get("digest_sha256")]
    if stamp.get("indication") == "TOTAL_PASSED" and proven and covered:
        data_ids = [_signed_data(holder, c, ids) for c in covered]
        provision = child(obj, "POEProvisioning")
        child(provision, "POETime", str(proven))
        child(provision, "ValidationObject").set("VOReference", " ".join(data_ids))
    fill(child(obj, "ValidationReport"), stamp)


def _signed_data(holder: etree._Element, covered: Json, ids: Ids) -> str:
    """A ``signedData`` object for data a token covers; returns its id."""
    obj = _object(holder, ids.claim(None, "D-1"), "signedData")
    digest(
        child(obj, "ValidationObjectRepresentation"),
        "DigestAlgAndValue",
        covered["digest_sha256"],
    )
    return str(obj.get("id"))


def _object(holder: etree._Element, object_id: str, kind: str) -> etree._Element:
    obj = child(holder, "ValidationObject")
    obj.set("id", object_id)
    child(obj, "ObjectType", OBJECT_URI + kind)
    return obj


def digest(parent: etree._Element, name: str, digest_hex: str) -> None:
    """Append ``name`` holding a SHA-256 as ds:DigestMethod and ds:DigestValue."""
    holder = child(parent, name)
    etree.SubElement(holder, f"{{{DS_NS}}}DigestMethod", Algorithm=SHA256_URI)
    value = etree.SubElement(holder, f"{{{DS_NS}}}DigestValue")
    value.text = base64.b64encode(bytes.fromhex(digest_hex)).decode()


def note(parent: etree._Element, text: str) -> None:
    """A plain-language sentence, as an XML comment (the schema has no slot)."""
    parent.append(etree.Comment(" " + text.replace("--", "- -") + " "))


def child(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    """Append a report element ``name``, with ``text`` if given."""
    element = etree.SubElement(parent, tag(name))
    if text is not None:
        element.text = text
    return element


def tag(name: str) -> str:
    """The qualified name of a report element."""
    return f"{{{ETSI_NS}}}{name}"
