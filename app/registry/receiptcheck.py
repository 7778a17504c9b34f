"""Compare every receipt row with its stored XML and the journal.

A receipt's ``receipt-issued`` entry (or, once time-stamped later, its last
``receipt-timestamped`` entry) holds the SHA-256 of the receipt XML; the
row keeps the XML and its digest. Both must agree with the entry.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.registry.journal import EVENT_RECEIPT_ISSUED
from app.registry.models import Document, JournalEntry, Receipt

# app.receipts.timestamp.EVENT_RECEIPT_TIMESTAMPED (not imported: it pulls
# the sealer).
EVENT_RECEIPT_TIMESTAMPED = "receipt-timestamped"


def verify_receipts(session: Session) -> list[str]:
    """Return one problem per receipt whose row differs from the journal."""
    journalled = _journalled(session)
    problems: list[str] = []
    rows = session.execute(
        select(
            Receipt.document_id, Receipt.sha256, Receipt.xml, Document.registry_number
        )
        .join(Document, Document.id == Receipt.document_id)
        .order_by(Receipt.id)
        .execution_options(yield_per=500)
    )
    for document_id, sha256, xml, number in rows:
        where = f"receipt of document {number}"
        if document_id not in journalled:
            problems.append(f"{where}: no journal entry issues it")
        elif sha256 != journalled[document_id]:
            problems.append(f"{where}: sha256 differs from the journal")
        elif xml is None or hashlib.sha256(xml).hexdigest() != sha256:
            problems.append(f"{where}: xml does not match its sha256")

    return problems


def _journalled(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(JournalEntry.document_id, JournalEntry.payload_json)
        .where(
            JournalEntry.event.in_([EVENT_RECEIPT_ISSUED, EVENT_RECEIPT_TIMESTAMPED])
        )
        .order_by(JournalEntry.position)
    )
    # The last entry holds the receipt as it is now.
    return {
        document_id: str(json.loads(payload_json).get("receipt_sha256"))
        for document_id, payload_json in rows
        if document_id is not None
    }
