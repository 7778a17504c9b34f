"""Offline check of a journal inclusion proof against a receipt.

The proof (the JSON of ``GET /api/v1/receipts/<year>/<seq>/proof``) holds the
document's ``registered`` journal entry, its audit path and a sealed
checkpoint. The entry must name the receipt's registry number and document
hash, its hash must recompute (:func:`signing.merkle.journal_entry_hash`),
the path must lead to the root (RFC 9162 section 2.1.3.2), and the
checkpoint must be sealed with the receipt's own seal and state that root
and tree size.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from signing import merkle
from signing.result import Check
from signing.sealed import Sealed, check_sealed, field
from signing.trust import TrustStore

CHECKPOINT_NS = "urn:kancelaria:checkpoint:1"
EVENT_REGISTERED = "registered"


def check_proof(
    sealed: Sealed, proof: Mapping[str, Any], trust: TrustStore, at: datetime | None
) -> list[Check]:
    """Check a proof for the sealed receipt; one check per step."""
    try:
        parts = _ProofParts.read(proof)
    except (KeyError, TypeError, ValueError):
        return [Check("proof", False, "The proof is not in the expected format.")]

    return [
        _check_entry(sealed.element, parts),
        _check_entry_hash(parts),
        _check_path(parts),
        _check_checkpoint(sealed, parts, trust, at),
    ]


@dataclass(frozen=True)
class _ProofParts:
    """The fields of a proof JSON, with their types checked."""

    entry: Mapping[str, Any]
    payload: Mapping[str, Any]
    leaf_index: int
    tree_size: int
    audit_path: tuple[bytes, ...]
    root_hash: bytes
    checkpoint: bytes

    @classmethod
    def read(cls, proof: Mapping[str, Any]) -> _ProofParts:
        entry = proof["journal_entry"]
        payload = entry["payload"]
        if isinstance(payload, str):
            payload = _json_object(payload)

        if not isinstance(entry, Mapping) or not isinstance(payload, Mapping):
            raise TypeError("journal entry and payload must be objects")

        return cls(
            entry=entry,
            payload=payload,
            leaf_index=_integer(proof["leaf_index"]),
            tree_size=_integer(proof["tree_size"]),
            audit_path=tuple(bytes.fromhex(h) for h in proof["audit_path"]),
            root_hash=bytes.fromhex(proof["root_hash"]),
            checkpoint=str(proof["checkpoint"]).encode("utf-8"),
        )


def _json_object(text: str) -> Any:
    return json.loads(text)


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected an integer")

    return value


def _check_entry(receipt: etree._Element, parts: _ProofParts) -> Check:
    entry, payload = parts.entry, parts.payload
    position = field(receipt, "JournalPosition")
    problems = []
    if entry.get("event") != EVENT_REGISTERED:
        problems.append("it is not a 'registered' entry")
    if payload.get("registry_number") != field(receipt, "RegistryNumber"):
        problems.append("it names another registry number")
    if payload.get("sha256") != field(receipt, "Document/SHA256"):
        problems.append("it names another document hash")
    if position is not None and str(entry.get("position")) != position:
        problems.append("it is not at the journal position the receipt gives")
    if entry.get("position") != parts.leaf_index + 1:
        problems.append("its position does not match the leaf index")

    if problems:
        return Check(
            "proof-entry",
            False,
            "The journal entry does not fit: " + "; ".join(problems) + ".",
        )

    return Check(
        "proof-entry", True, "The journal entry records this receipt's document."
    )


def _check_entry_hash(parts: _ProofParts) -> Check:
    entry = parts.entry
    try:
        recomputed = merkle.journal_entry_hash(
            _integer(entry["position"]),
            str(entry["at"]),
            str(entry["event"]),
            entry["document_id"],
            parts.payload,
            str(entry["prev_hash"]),
        )
    except (KeyError, TypeError, ValueError):
        return Check("proof-entry-hash", False, "The journal entry is incomplete.")

    if not hmac.compare_digest(recomputed, str(entry.get("entry_hash", ""))):
        return Check(
            "proof-entry-hash", False, "The journal entry's hash does not recompute."
        )

    return Check("proof-entry-hash", True, "The journal entry's hash recomputes.")


def _check_path(parts: _ProofParts) -> Check:
    try:
        leaf = merkle.leaf_hash(bytes.fromhex(str(parts.entry["entry_hash"])))
        root = merkle.root_from_inclusion(
            leaf, parts.leaf_index, parts.tree_size, list(parts.audit_path)
        )
    except (KeyError, ValueError):
        return Check("proof-path", False, "The audit path is malformed.")

    if not hmac.compare_digest(root, parts.root_hash):
        return Check(
            "proof-path", False, "The audit path does not lead to the root hash."
        )

    position, size = parts.leaf_index + 1, parts.tree_size
    detail = f"Entry {position} is in the tree of {size} entries."
    return Check("proof-path", True, detail)


def _check_checkpoint(
    sealed: Sealed, parts: _ProofParts, trust: TrustStore, at: datetime | None
) -> Check:
    found, check = check_sealed(
        parts.checkpoint, trust, CHECKPOINT_NS, "Checkpoint", at
    )
    if found is None:
        return check

    if not hmac.compare_digest(found.signer_sha256, sealed.signer_sha256):
        return Check(
            "checkpoint",
            False,
            "The checkpoint is sealed with another seal than the receipt.",
        )

    size = field(found.element, "TreeSize")
    root = (field(found.element, "RootHash") or "").lower()
    if size != str(parts.tree_size) or root != parts.root_hash.hex():
        return Check(
            "checkpoint", False, "The checkpoint states another tree size or root."
        )

    at_text = field(found.element, "At") or "?"
    detail = f"The office sealed this root for {parts.tree_size} entries at {at_text}."
    return Check("checkpoint", True, detail)
