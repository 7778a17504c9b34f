"""A document's facts as its ``registered`` journal entry states them.

The entry is hash-chained and sealed by checkpoints, so ``registry verify``
compares every document row with it (app.registry.rowcheck). Plain facts
(numbers, times, digests of bytes, verdicts) are written as they are. Facts
that may name a person or open the case (signer, sender, the report, the
public id) are written as HMAC-SHA-256 digests keyed by the document's own
access code: the journal stays free of personal data, and a digest cannot
be reversed by trying every PESEL without the code. The access code itself
is journalled as its SHA-256 (about 79 random bits).

Every other blob the document refers to (``document_blob``: the signature
part of a detached submission, the draft a paper copy prints) is journalled
under ``parts`` as role -> SHA-256 and size, so a swapped, added or deleted
part row is found too (review 1, finding 2).

Entries written before these facts were added carry only the first six
keys, and entries written before the parts were journalled carry no
``parts``; verify checks what an entry holds and never rewrites it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from app.registry.models import Document
from signing.merkle import canonical_json, format_journal_time

# Key of the keyed digests in the payload, and of the access code's digest.
KEYED = "keyed"
ACCESS_CODE_SHA256 = "access_code_sha256"
PARTS = "parts"

# A document's other parts: role -> (SHA-256 hex, size in bytes or None).
Parts = Mapping[str, tuple[str, int | None]]

# Facts written as they are: (payload key, how the row's value is rendered).
PLAIN: dict[str, Callable[[Document], object]] = {
    "registry_number": lambda d: d.registry_number,
    "sha256": lambda d: d.sha256,
    "size": lambda d: d.size,
    "channel": lambda d: d.channel,
    "form_id": lambda d: d.form_id,
    "indication": lambda d: d.indication,
    "received_at": lambda d: _time(d.received_at),
    "subindication": lambda d: d.subindication,
    "form_version": lambda d: d.form_version,
    "form_namespace": lambda d: d.form_namespace,
    "schema_sha256": lambda d: d.schema_sha256,
    "media_type": lambda d: d.media_type,
    "signing_time": lambda d: _time(d.signing_time),
    "department": lambda d: d.department,
    "client_id": lambda d: d.client_id,
}

# Facts written as digests keyed by the access code.
PERSONAL: dict[str, Callable[[Document], object]] = {
    "sender": lambda d: d.sender,
    "signer_name": lambda d: d.signer_name,
    "signer_identifier": lambda d: d.signer_identifier,
    "signer_cert_sha256": lambda d: d.signer_cert_sha256,
    "report_json": lambda d: d.report_json,
    "public_id": lambda d: d.public_id,
}


def registered_payload(document: Document, parts: Parts) -> dict[str, Any]:
    """Return the payload of a document's ``registered`` journal entry."""
    payload: dict[str, Any] = {key: read(document) for key, read in PLAIN.items()}
    payload[ACCESS_CODE_SHA256] = access_code_digest(document.access_code)
    payload[KEYED] = {
        key: keyed_digest(document.access_code, key, read(document))
        for key, read in PERSONAL.items()
    }
    payload[PARTS] = {
        role: {"sha256": sha256, "size": size}
        for role, (sha256, size) in sorted(parts.items())
    }
    return payload


def differences(document: Document, payload: Mapping[str, Any]) -> list[str]:
    """Name each fact of ``document`` that differs from its registered entry."""
    differ = [
        key
        for key, read in PLAIN.items()
        if key in payload and payload[key] != read(document)
    ]
    if ACCESS_CODE_SHA256 not in payload:
        return differ

    if payload[ACCESS_CODE_SHA256] != access_code_digest(document.access_code):
        # The keyed digests need the original code: they cannot be checked.
        return [*differ, "access_code"]

    keyed = payload.get(KEYED) or {}
    return differ + [
        key
        for key, read in PERSONAL.items()
        if key in keyed
        and not hmac.compare_digest(
            keyed[key], keyed_digest(document.access_code, key, read(document))
        )
    ]


def part_differences(parts: Parts, payload: Mapping[str, Any]) -> list[str]:
    """Say how the stored parts differ from the registered entry's, by role.

    Each item is ``role: differs``, ``role: missing`` (the entry names a part
    no row holds) or ``role: extra`` (a row the entry does not name). An
    entry written before parts were journalled is not compared.
    """
    journalled = payload.get(PARTS)
    if not isinstance(journalled, Mapping):
        return []

    found = []
    for role in sorted({*journalled, *parts}):
        if role not in parts:
            found.append(f"{role}: missing")
        elif role not in journalled:
            found.append(f"{role}: extra")
        elif _part(journalled[role]) != parts[role]:
            found.append(f"{role}: differs")

    return found


def _part(stated: Any) -> tuple[Any, Any]:
    if not isinstance(stated, Mapping):
        return (None, None)

    return (stated.get("sha256"), stated.get("size"))


def access_code_digest(code: str) -> str:
    """Return the SHA-256 hex digest of an access code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def keyed_digest(code: str, key: str, value: object) -> str:
    """Return HMAC-SHA-256 of ``[key, value]`` (canonical JSON) under ``code``."""
    message = canonical_json({"fact": key, "value": value}).encode("utf-8")
    return hmac.digest(code.encode("utf-8"), message, "sha256").hex()


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else format_journal_time(moment)
