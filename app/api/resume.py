"""Answering a retry whose first attempt registered but never answered.

A worker that crashed after the registration commit and before storing the
idempotency answer leaves a stale claim. Whoever takes the claim over looks
here first: the same bytes registered for the same caller since the claim
was made are that attempt's document, and are answered, not registered again.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.api.links import document_links
from app.receipts.timestamp import EVENT_RECEIPT_TIMESTAMPED, STAMP_MARK
from app.registry.models import Document, JournalEntry
from app.registry.queries import get_receipt


def earlier_registration(
    sessions: sessionmaker[Session],
    sha256: str,
    client_id: int | None,
    since: datetime,
) -> dict[str, Any] | None:
    """Return the 201 body of these bytes registered since ``since``, or None."""
    same_caller = (
        Document.client_id.is_(None)
        if client_id is None
        else Document.client_id == client_id
    )
    query = (
        select(Document)
        .where(Document.sha256 == sha256, same_caller, Document.received_at >= since)
        .order_by(Document.id)
        .limit(1)
    )
    with sessions() as session:
        document = session.scalars(query).first()
        if document is None:
            return None

        return created_json(document, _stamped(session, document.id))


def created_json(
    document: Document,
    receipt_timestamped: bool,
    schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the 201 body of ``POST /submissions`` for a registered document.

    ``schema`` is the verdict (``valid``, ``issues``) when the caller has it;
    otherwise it is read back from the stored report.
    """
    if schema is None:
        schema = json.loads(document.report_json).get("schema") or {}

    return {
        "id": document.public_id,
        "registry_number": document.registry_number,
        "status": document.status,
        "indication": document.indication,
        "subindication": document.subindication,
        "form": {"id": document.form_id, "version": document.form_version},
        "sha256": document.sha256,
        "access_code": document.access_code,
        "schema_valid": bool(schema.get("valid", True)),
        "schema_issues": list(schema.get("issues") or []),
        "receipt_timestamped": receipt_timestamped,
        **document_links(document),
    }


def _stamped(session: Session, document_id: int) -> bool:
    # Stamped at issue (local TSA): the mark is in the receipt itself.
    receipt = get_receipt(session, document_id)
    if receipt is not None and STAMP_MARK in receipt.xml:
        return True

    query = select(func.count()).where(
        JournalEntry.document_id == document_id,
        JournalEntry.event == EVENT_RECEIPT_TIMESTAMPED,
    )
    return bool(session.scalar(query))
