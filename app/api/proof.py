"""Merkle inclusion proofs of a document's journal entry (RFC 9162 §2.1.3)."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api import bp
from app.errors import ErrorCode, RequestError
from app.limits import guard_code_lookup, note_wrong_code
from app.registry.checkpoints import latest_checkpoint, make_checkpoint
from app.registry.fields import same_access_code
from app.registry.journal import EVENT_REGISTERED
from app.registry.merkletree import inclusion_path
from app.registry.models import Checkpoint, Document, JournalEntry
from app.registry.queries import get_document_by_number
from app.services import Services
from app.services import current_services as services
from signing.merkle import format_journal_time

log = logging.getLogger(__name__)


@bp.get("/receipts/<int:year>/<int:sequence>/proof")
def receipt_proof(year: int, sequence: int) -> Response:
    """Prove that a document's registered entry is in the latest sealed checkpoint."""
    found = services()
    code = request.args.get("code") or request.headers.get("X-Access-Code", "")

    guard_code_lookup()
    with found.sessions() as session:
        document = get_document_by_number(session, f"RPW/{sequence}/{year}")
        if (
            document is None
            or not code
            or not same_access_code(code, document.access_code)
        ):
            note_wrong_code()
            raise RequestError(ErrorCode.NOT_FOUND, 404)

        entry = _registered_entry(session, document)
        checkpoint = latest_checkpoint(session)

    if checkpoint is None or checkpoint.tree_size < entry.position:
        checkpoint = _checkpoint_now(found)

    with found.sessions() as session:
        path = inclusion_path(session, entry.position - 1, checkpoint.tree_size)

    log.info(
        "inclusion proof served",
        extra={
            "registry_number": document.registry_number,
            "tree_size": checkpoint.tree_size,
        },
    )
    return jsonify(_proof_json(document, entry, checkpoint, path))


def _registered_entry(session: Session, document: Document) -> JournalEntry:
    entry = session.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.document_id == document.id,
            JournalEntry.event == EVENT_REGISTERED,
        )
        .order_by(JournalEntry.position)
        .limit(1)
    ).first()
    if entry is None:
        # The registry is inconsistent; `flask registry verify` says where.
        log.error("registered entry missing", extra={"document_id": document.id})
        raise RequestError(ErrorCode.NOT_FOUND, 404)

    return entry


def _checkpoint_now(found: Services) -> Checkpoint:
    with found.sessions() as session:
        return make_checkpoint(session, found.sealer, found.settings.office_name)


def _proof_json(
    document: Document, entry: JournalEntry, checkpoint: Checkpoint, path: list[bytes]
) -> dict[str, Any]:
    return {
        "registry_number": document.registry_number,
        "journal_entry": {
            "position": entry.position,
            "at": format_journal_time(entry.at),
            "event": entry.event,
            "document_id": entry.document_id,
            "payload": json.loads(entry.payload_json),
            "prev_hash": entry.prev_hash,
            "entry_hash": entry.entry_hash,
        },
        "leaf_index": entry.position - 1,
        "tree_size": checkpoint.tree_size,
        "audit_path": [node.hex() for node in path],
        "root_hash": checkpoint.root_hash,
        "checkpoint": checkpoint.xml.decode("utf-8"),
    }
