"""Compare every receipt row with its stored XML and the journal.

A receipt's ``receipt-issued`` entry (or, once time-stamped later, its last
``receipt-timestamped`` entry) holds the SHA-256 of the receipt XML; the
row keeps the XML and its digest. Both must agree with the entry, and
every entry that issues a receipt must find its row (review 2, finding 2).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.registry.journal import EVENT_RECEIPT_ISSUED
from app.registry.models import Document, JournalEntry, Receipt

# app.receipts.timestamp.EVENT_RECEIPT_TIMESTAMPED (not imported: it pulls
# the sealer).
EVENT_RECEIPT_TIMESTAMPED = "receipt-timestamped"


@dataclass
class _Issued:
    """A receipt as the journal has it: where issued, by number, its digest now."""

    position: int
    registry_number: str
    sha256: str


def verify_receipts(session: Session) -> list[str]:
    """Return one problem per receipt whose row differs from the journal or is gone."""
    journalled = _journalled(session)
    problems: list[str] = []
    seen: set[int] = set()
    rows = session.execute(
        select(
            Receipt.document_id, Receipt.sha256, Receipt.xml, Document.registry_number
        )
        .join(Document, Document.id == Receipt.document_id)
        .order_by(Receipt.id)
        .execution_options(yield_per=500)
    )
    for document_id, sha256, xml, number in rows:
        seen.add(document_id)
        where = f"receipt of document {number}"
        if document_id not in journalled:
            problems.append(f"{where}: no journal entry issues it")
        elif sha256 != journalled[document_id].sha256:
            problems.append(f"{where}: sha256 differs from the journal")
        elif xml is None or hashlib.sha256(xml).hexdigest() != sha256:
            problems.append(f"{where}: xml does not match its sha256")

    for document_id, issued in journalled.items():
        if document_id not in seen:
            problems.append(
                f"receipt of document {issued.registry_number} is missing; "
                f"journal entry {issued.position} issues it"
            )

    return problems


def _journalled(session: Session) -> dict[int, _Issued]:
    rows = session.execute(
        select(
            JournalEntry.position,
            JournalEntry.event,
            JournalEntry.document_id,
            JournalEntry.payload_json,
        )
        .where(
            JournalEntry.event.in_([EVENT_RECEIPT_ISSUED, EVENT_RECEIPT_TIMESTAMPED])
        )
        .order_by(JournalEntry.position)
    )
    # The last entry holds the receipt as it is now; the first issued it.
    issued: dict[int, _Issued] = {}
    for position, event, document_id, payload_json in rows:
        if document_id is None:
            continue

        payload = json.loads(payload_json)
        sha256 = str(payload.get("receipt_sha256"))
        if event == EVENT_RECEIPT_ISSUED or document_id not in issued:
            number = str(payload.get("registry_number", f"id {document_id}"))
            issued[document_id] = _Issued(position, number, sha256)
        else:
            issued[document_id].sha256 = sha256

    return issued
