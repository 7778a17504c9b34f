"""Registering a document: number, row, journal and receipt in one transaction.

The intake pipeline calls :func:`register` after the original bytes are
stored durably in the blob store. Either everything below is committed, or
(on any exception) nothing is, and the registry number taken is given back.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy.orm import Session

from app.db import begin_write
from app.registry import journal
from app.registry.models import STATUS_REGISTERED, Document, Receipt
from app.registry.numbering import next_registry_number, registry_year

log = logging.getLogger(__name__)

ReceiptBuilder = Callable[[Document], bytes]
RegisteredHook = Callable[[Session, Document], None]

# Unambiguous characters for codes people type from paper (no 0/O, 1/I/L).
ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACCESS_CODE_LENGTH = 16


class DocumentFields(TypedDict):
    """What the intake pipeline knows about a submission it has stored.

    The registry adds the number, year, sequence and status; it makes up an
    access code when none is given.
    """

    received_at: datetime
    channel: str
    sha256: str
    size: int
    media_type: str
    indication: str
    report_json: str
    subindication: NotRequired[str | None]
    form_id: NotRequired[str | None]
    form_version: NotRequired[str | None]
    form_namespace: NotRequired[str | None]
    schema_sha256: NotRequired[str | None]
    sender: NotRequired[str | None]
    signer_name: NotRequired[str | None]
    signer_identifier: NotRequired[str | None]
    signer_cert_sha256: NotRequired[str | None]
    signing_time: NotRequired[datetime | None]
    department: NotRequired[str | None]
    access_code: NotRequired[str | None]
    client_id: NotRequired[int | None]


def register(
    session: Session,
    *,
    receipt_builder: ReceiptBuilder,
    on_registered: RegisteredHook | None = None,
    **fields: Unpack[DocumentFields],
) -> tuple[Document, Receipt]:
    """Register a document and its receipt, committing once; roll back on error.

    ``session`` must not have a transaction open. ``receipt_builder`` is
    called with the flushed document (it has its id and registry number)
    and returns the sealed receipt XML. ``on_registered`` runs last, inside
    the same transaction (the notifications outbox writes its event there).
    """
    begin_write(session)

    try:
        row = _insert_document(session, fields)
        receipt = _issue_receipt(session, row, receipt_builder)
        if on_registered is not None:
            on_registered(session, row)
        session.commit()
    except BaseException:
        session.rollback()
        raise

    log.info(
        "document registered",
        extra={"registry_number": row.registry_number, "document_id": row.id},
    )
    return row, receipt


def new_access_code() -> str:
    """Return a random code that lets the holder of a receipt follow the case."""
    return "".join(
        secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH)
    )


def _insert_document(session: Session, fields: DocumentFields) -> Document:
    year = registry_year(fields["received_at"])
    sequence, number = next_registry_number(session, year)

    row = Document(
        **{**fields, "access_code": fields.get("access_code") or new_access_code()},
        registry_number=number,
        year=year,
        sequence=sequence,
        status=STATUS_REGISTERED,
        # Locks the journal; the registered entry comes next. Known before
        # the INSERT, so the row is written once.
        journal_position=journal.next_position(session),
    )
    session.add(row)
    session.flush()

    journal.append(session, journal.EVENT_REGISTERED, row.id, _registered(row))
    return row


def _issue_receipt(
    session: Session, row: Document, receipt_builder: ReceiptBuilder
) -> Receipt:
    issued_at = datetime.now(UTC)
    xml = receipt_builder(row)
    receipt = Receipt(
        document_id=row.id,
        issued_at=issued_at,
        xml=xml,
        sha256=hashlib.sha256(xml).hexdigest(),
    )
    # Written with the journal entries at the commit's flush.
    session.add(receipt)

    payload = {"registry_number": row.registry_number, "receipt_sha256": receipt.sha256}
    journal.append(session, journal.EVENT_RECEIPT_ISSUED, row.id, payload)
    return receipt


def _registered(row: Document) -> dict[str, object]:
    # Numbers and hashes only: the journal carries no personal data.
    return {
        "registry_number": row.registry_number,
        "sha256": row.sha256,
        "size": row.size,
        "channel": row.channel,
        "form_id": row.form_id,
        "indication": row.indication,
    }
