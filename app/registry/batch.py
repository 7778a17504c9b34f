"""Registering several documents in one transaction, in Core statements.

:func:`write_batch` numbers, journals and receipts a list of stored
documents under one lock and one commit. The order of locks is the one
every registry writer keeps: the year's counter row, then the journal.
Numbers are taken for the whole batch at once and each document's number
is fixed only when its receipt is built; a document whose receipt builder
fails gets its error and no number (the next one takes it), and numbers
taken but not used are given back before the commit. So the series stays
gapless whatever fails, and a failing transaction (database down, a
constraint) writes nothing at all.

Rows are written with one multi-row ``INSERT`` per table; ids come from
the tables' sequences on PostgreSQL and from ``max(id)`` under the write
lock on SQLite, so that the journal entries (which name the document id)
are hashed before anything is sent.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, make_transient_to_detached

from app.db import begin_write
from app.registry import journal
from app.registry.batchsql import (
    DOCUMENTS,
    BatchStatements,
    column_names,
    statements_for,
)
from app.registry.facts import registered_payload
from app.registry.fields import (
    DocumentFields,
    ReceiptBuilder,
    RegisteredHook,
    check_times,
    new_access_code,
)
from app.registry.models import (
    STATUS_REGISTERED,
    Document,
    DocumentBlob,
    Receipt,
    bulk_row,
    new_public_id,
)
from app.registry.numbering import format_registry_number, registry_year

log = logging.getLogger(__name__)

DOCUMENT_BLOBS: Table = DocumentBlob.__table__  # type: ignore[assignment]


@dataclass
class Pending:
    """One document waiting to be registered, and then what became of it."""

    fields: DocumentFields
    receipt_builder: ReceiptBuilder
    on_registered: RegisteredHook | None = None
    result: tuple[Document, Receipt] | None = field(default=None, repr=False)
    error: BaseException | None = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        """True once the item has its result or its error."""
        return self.result is not None or self.error is not None


@dataclass
class _Numbers:
    """The sequences taken per year and how far they are used."""

    taken: dict[int, int]
    used: dict[int, int]


def write_batch(session: Session, items: Sequence[Pending]) -> None:
    """Register ``items`` in one transaction of ``session``, committing once.

    ``session`` must have no transaction open. Every item ends with a result
    or an error, and results are given only once the commit is done. Hooks
    (``on_registered``) run in the transaction; one that fails fails the
    whole batch.
    """
    begin_write(session)
    try:
        written = _write(session, items)
        if written:
            session.commit()
        else:
            session.rollback()
    except BaseException as exc:
        session.rollback()
        for item in items:
            item.error = item.error or exc
        if not isinstance(exc, Exception):
            raise
        return

    for item, document, receipt in written:
        item.result = (document, receipt)
        log.info(
            "document registered",
            extra={
                "registry_number": document.registry_number,
                "document_id": document.id,
            },
        )


def _write(
    session: Session, items: Sequence[Pending]
) -> list[tuple[Pending, Document, Receipt]]:
    candidates = [item for item in items if _times_valid(item)]
    if not candidates:
        return []

    statements = statements_for(session)
    numbers = _take_numbers(statements, candidates)
    position, last_hash, ids = statements.journal_end_and_ids(len(candidates))
    chain = journal.Chain(position, last_hash)

    written = []
    for item, (document_id, receipt_id) in zip(candidates, ids, strict=True):
        done = _number_one(item, numbers, chain, document_id, receipt_id)
        if done is not None:
            written.append((item, *done))

    if not written:
        return []

    for year, last in numbers.taken.items():
        if numbers.used[year] != last:
            statements.give_back(year, numbers.used[year])

    documents = [document for _item, document, _receipt in written]
    receipts = [receipt for _item, _document, receipt in written]
    statements.insert(documents, chain.entries, receipts)
    _insert_blob_references(session, written)
    _keep_in_session(session, [*documents, *receipts])
    for item, document, _receipt in written:
        if item.on_registered is not None:
            item.on_registered(session, document)

    return written


def _times_valid(item: Pending) -> bool:
    try:
        check_times(item.fields)
    except ValueError as exc:
        item.error = exc
        return False

    return True


def _take_numbers(statements: BatchStatements, items: Sequence[Pending]) -> _Numbers:
    # Years in order, so that two batches spanning a new year lock alike.
    wanted = Counter(registry_year(item.fields["received_at"]) for item in items)
    taken, used = {}, {}
    for year in sorted(wanted):
        taken[year] = statements.take_numbers(year, wanted[year])
        used[year] = taken[year] - wanted[year]

    return _Numbers(taken, used)


def _number_one(
    item: Pending,
    numbers: _Numbers,
    chain: journal.Chain,
    document_id: int,
    receipt_id: int,
) -> tuple[Document, Receipt] | None:
    """Number one document and seal its receipt; None when the builder failed."""
    year = registry_year(item.fields["received_at"])
    sequence = numbers.used[year] + 1
    document = _document(item.fields, document_id, year, sequence, chain)
    registered_at = datetime.now(UTC)
    issued_at = datetime.now(UTC)  # taken before sealing, as the seal's time

    try:
        xml = item.receipt_builder(document)
    except Exception as exc:  # this document only; its number goes to the next
        item.error = exc
        return None

    numbers.used[year] = sequence
    receipt = bulk_row(
        Receipt,
        {
            "id": receipt_id,
            "document_id": document_id,
            "issued_at": issued_at,
            "xml": xml,
            "sha256": hashlib.sha256(xml).hexdigest(),
        },
    )
    registered = _registered(document, item.fields.get("blobs") or [])
    chain.add(journal.EVENT_REGISTERED, document_id, registered, registered_at)
    payload = {
        "registry_number": document.registry_number,
        "receipt_sha256": receipt.sha256,
    }
    chain.add(journal.EVENT_RECEIPT_ISSUED, document_id, payload, issued_at)
    return document, receipt


def _document(
    fields: DocumentFields,
    document_id: int,
    year: int,
    sequence: int,
    chain: journal.Chain,
) -> Document:
    # Every column given: the row is complete in memory, nothing to load later.
    values: dict[str, Any] = dict.fromkeys(column_names(DOCUMENTS))
    values.update(fields)
    values.pop("blobs", None)  # rows of their own (document_blob)
    values.update(
        id=document_id,
        access_code=fields.get("access_code") or new_access_code(),
        registry_number=format_registry_number(sequence, year),
        year=year,
        sequence=sequence,
        status=STATUS_REGISTERED,
        # The registered entry comes next in the chain; the receipt names it.
        journal_position=chain.next_position,
        public_id=new_public_id(),
    )
    return bulk_row(Document, values)


def _insert_blob_references(
    session: Session, written: Sequence[tuple[Pending, Document, Receipt]]
) -> None:
    """Name every other blob a document refers to, in the same transaction."""
    rows = [
        {"document_id": document.id, "role": role, "sha256": sha256, "size": size}
        for item, document, _receipt in written
        for role, sha256, size in item.fields.get("blobs") or []
    ]
    if rows:
        session.execute(insert(DOCUMENT_BLOBS), rows)


def _keep_in_session(session: Session, rows: Sequence[object]) -> None:
    # Written already: the session keeps them as loaded rows, as a flush would.
    for row in rows:
        make_transient_to_detached(row)
        session.add(row)


def _registered(
    document: Document, blobs: Sequence[tuple[str, str, int | None]]
) -> dict[str, object]:
    # Personal facts only as keyed digests (app.registry.facts); the other
    # parts by digest, so that verify finds a part row swapped or dropped.
    parts = {role: (sha256, size) for role, sha256, size in blobs}
    return registered_payload(document, parts)
