"""The registry journal: an append-only list of events in a hash chain.

Each entry's hash is SHA-256 over a canonical JSON encoding of
``[position, at, event, document_id, payload_json, prev_hash]``
(:func:`signing.merkle.journal_entry_hash`, so that it can be recomputed
offline); the first entry's ``prev_hash`` is 64 zeros. Changing, deleting
or reordering a row breaks the chain, which :func:`verify_chain` reports.
Cutting entries off the end can only be seen against a sealed checkpoint
(app.registry.checkpoints), or through a document that lost its
``registered`` entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import begin_write
from app.registry.models import Document, JournalEntry, bulk_row
from signing.merkle import canonical_json, journal_entry_hash
from signing.merkle import format_journal_time as format_time  # noqa: F401

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
EVENT_REGISTERED = "registered"
EVENT_RECEIPT_ISSUED = "receipt-issued"

# Session.info key: the transaction that holds the journal lock.
_LOCKED_IN = "kancelaria.journal_locked_in"
# Session.info key: (transaction, last position, last entry hash) as this
# session's own appends left them; valid while that transaction holds the lock.
_LAST = "kancelaria.journal_last"


class Chained(Protocol):
    """The fields of a journal entry that its hash covers."""

    @property
    def position(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def event(self) -> str: ...
    @property
    def document_id(self) -> int | None: ...
    @property
    def payload_json(self) -> str: ...
    @property
    def prev_hash(self) -> str: ...


@dataclass(frozen=True)
class StoredEntry:
    """A journal row as read back for verification, detached from the ORM."""

    position: int
    at: datetime
    event: str
    document_id: int | None
    payload_json: str
    prev_hash: str
    entry_hash: str


def append(
    session: Session,
    event: str,
    document_id: int | None,
    payload: Mapping[str, Any],
    at: datetime | None = None,
) -> JournalEntry:
    """Add an event after the current last entry, inside the open transaction.

    The row is written at the session's next flush (at the latest, the
    commit); its position and hashes are final at once.
    """
    position, prev_hash = _last_entry(session)

    entry = JournalEntry(
        position=position + 1,
        at=(at or datetime.now(UTC)).astimezone(UTC),
        event=event,
        document_id=document_id,
        payload_json=canonical_json(payload),
        prev_hash=prev_hash,
    )
    entry.entry_hash = entry_hash(entry)

    session.add(entry)
    session.info[_LAST] = (_innermost(session), entry.position, entry.entry_hash)
    log.debug("journal entry appended", extra={"position": entry.position})
    return entry


def next_position(session: Session) -> int:
    """Lock the journal for this transaction; return the next entry's position."""
    return _last_entry(session)[0] + 1


def last_entry(session: Session) -> tuple[int, str]:
    """Lock the journal for this transaction; return the last position and hash."""
    return _last_entry(session)


def continue_after(session: Session, position: int, last_hash: str) -> None:
    """Let later appends in this transaction follow entries written in bulk."""
    session.info[_LAST] = (_innermost(session), position, last_hash)


class Chain:
    """Entries chained in memory after a known last entry, for a bulk write."""

    def __init__(self, position: int, last_hash: str) -> None:
        self.position = position
        self.last_hash = last_hash
        self.entries: list[JournalEntry] = []

    @property
    def next_position(self) -> int:
        """The position the next entry added will take."""
        return self.position + 1

    def add(
        self,
        event: str,
        document_id: int | None,
        payload: Mapping[str, Any],
        at: datetime,
    ) -> JournalEntry:
        """Chain one more entry; it is written by the caller, not the session."""
        values: dict[str, Any] = {
            "position": self.position + 1,
            "at": at.astimezone(UTC),
            "event": event,
            "document_id": document_id,
            "payload_json": canonical_json(payload),
            "prev_hash": self.last_hash,
        }
        entry = bulk_row(JournalEntry, values)
        entry.__dict__["entry_hash"] = entry_hash(entry)
        self.entries.append(entry)
        self.position, self.last_hash = entry.position, entry.entry_hash
        return entry


def _last_entry(session: Session) -> tuple[int, str]:
    # One lock and one read per transaction: later appends in the same
    # transaction continue from what the previous one left in session.info.
    _lock_journal(session)
    cached = session.info.get(_LAST)
    if cached is not None and cached[0] is _innermost(session):
        return cached[1], cached[2]

    last = session.execute(
        select(JournalEntry.position, JournalEntry.entry_hash)
        .order_by(JournalEntry.position.desc())
        .limit(1)
    ).first()
    found = (0, GENESIS_HASH) if last is None else (last.position, last.entry_hash)
    session.info[_LAST] = (_innermost(session), *found)
    return found


def _innermost(session: Session) -> object:
    # A savepoint rolled back takes its appends with it: key on the innermost.
    return session.get_nested_transaction() or session.get_transaction()


def verify_chain(
    session: Session,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Recompute the whole chain; return the problems found (empty if none).

    ``progress`` is told how many entries were checked, batch by batch.
    """
    problems: list[str] = []
    expected_prev, expected_position = GENESIS_HASH, 1

    for entry in _entries_in_order(session, batch_size):
        problems += _check_entry(entry, expected_position, expected_prev)
        expected_prev, expected_position = entry.entry_hash, entry.position + 1
        if progress is not None and entry.position % batch_size == 0:
            progress(batch_size)

    problems += _check_documents_journalled(session)
    return problems


def entry_hash(entry: Chained) -> str:
    """Return the SHA-256 hex digest that chains ``entry`` to its predecessor."""
    return journal_entry_hash(
        entry.position,
        entry.at,
        entry.event,
        entry.document_id,
        entry.payload_json,
        entry.prev_hash,
    )


def _lock_journal(session: Session) -> None:
    # Appends must not interleave: on SQLite the write transaction (BEGIN
    # IMMEDIATE) already excludes other writers. On PostgreSQL a row lock
    # on the last entry is not enough (a waiter would not see the new last
    # row under READ COMMITTED), so the table is locked against writers;
    # plain readers are not blocked by EXCLUSIVE mode. The lock lasts until
    # the transaction ends, so it is taken once per transaction.
    connection = begin_write(session)
    transaction = session.get_transaction()

    if connection.dialect.name != "postgresql":
        return

    if session.info.get(_LOCKED_IN) is not transaction:
        session.execute(text("LOCK TABLE journal_entry IN EXCLUSIVE MODE"))
        session.info[_LOCKED_IN] = transaction


def _entries_in_order(session: Session, batch_size: int) -> Iterator[StoredEntry]:
    # Plain rows, read in batches: the chain can be long, and verifying it
    # must not fill (or disturb) the caller's session identity map.
    columns = [getattr(JournalEntry, field.name) for field in fields(StoredEntry)]
    after = 0

    while True:
        rows = session.execute(
            select(*columns)
            .where(JournalEntry.position > after)
            .order_by(JournalEntry.position)
            .limit(batch_size)
        ).all()

        if not rows:
            return

        yield from (StoredEntry(*row) for row in rows)
        after = rows[-1].position


def _check_entry(entry: StoredEntry, position: int, prev_hash: str) -> list[str]:
    problems = []

    if entry.position != position:
        problems.append(f"entry {entry.position}: expected position {position}")

    if entry.prev_hash != prev_hash:
        problems.append(f"entry {entry.position}: does not follow the previous entry")

    if entry_hash(entry) != entry.entry_hash:
        problems.append(f"entry {entry.position}: content does not match its hash")

    return problems


def _check_documents_journalled(session: Session) -> list[str]:
    # NOT IN over a NULL would match nothing: keep NULLs out of the list.
    registered = select(JournalEntry.document_id).where(
        JournalEntry.event == EVENT_REGISTERED,
        JournalEntry.document_id.is_not(None),
    )
    missing = session.scalars(
        select(Document.registry_number)
        .where(Document.id.not_in(registered))
        .order_by(Document.id)
    ).all()
    return [f"document {number}: no '{EVENT_REGISTERED}' entry" for number in missing]
