"""The statements of a batch registration, for each database.

:func:`statements_for` returns an object that takes numbers, locks and reads
the journal's end, reserves ids and writes the rows, inside the session's
open write transaction. On PostgreSQL the statements go straight to the
psycopg connection under the session (the same transaction, committed by
the session): SQLAlchemy's statement building and per-value processing
cost more CPU than the database spends on them, and a registration is a
handful of fixed statements. Elsewhere (SQLite) they are SQLAlchemy Core.
Both keep the same order of locks: the year's counter row, then the journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC
from typing import Any, Protocol

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.orm import Session

from app.db import begin_write
from app.registry import journal
from app.registry.driver import driver_of, translated
from app.registry.models import Document, JournalEntry, Receipt
from app.registry.numbering import give_back_registry_numbers, take_registry_numbers

DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]
RECEIPTS: Table = Receipt.__table__  # type: ignore[assignment]
JOURNAL: Table = JournalEntry.__table__  # type: ignore[assignment]

_SQLITE_IDS = (
    "SELECT (SELECT coalesce(max(id), 0) FROM document), "
    "(SELECT coalesce(max(id), 0) FROM receipt)"
)
_SQLITE_TAKE = (
    "INSERT INTO registry_counter (year, last_sequence) VALUES (?, ?) "
    "ON CONFLICT (year) DO UPDATE SET last_sequence = "
    "registry_counter.last_sequence + excluded.last_sequence "
    "RETURNING last_sequence"
)
_SQLITE_GIVE_BACK = "UPDATE registry_counter SET last_sequence = ? WHERE year = ?"

# The year's row exists but for the first registration of a year: a plain
# UPDATE costs the server half of the upsert, which is the fallback.
_PG_INCREMENT = (
    "UPDATE registry_counter SET last_sequence = last_sequence + %s "
    "WHERE year = %s RETURNING last_sequence"
)
_PG_TAKE = (
    "INSERT INTO registry_counter (year, last_sequence) VALUES (%s, %s) "
    "ON CONFLICT (year) DO UPDATE SET last_sequence = "
    "registry_counter.last_sequence + excluded.last_sequence "
    "RETURNING last_sequence"
)
_PG_GIVE_BACK = "UPDATE registry_counter SET last_sequence = %s WHERE year = %s"
_PG_LOCK = "LOCK TABLE journal_entry IN EXCLUSIVE MODE"
# The journal's end and the ids, in one round trip (after the lock). The
# sequences are looked up once per connection: a catalog lookup per id costs
# the server more than the rest of the statement.
_PG_SEQUENCES = (
    "SELECT pg_get_serial_sequence('document', 'id')::regclass::oid, "
    "pg_get_serial_sequence('receipt', 'id')::regclass::oid"
)
_PG_END_AND_IDS = (
    "SELECT (SELECT position FROM journal_entry ORDER BY position DESC LIMIT 1), "
    "(SELECT entry_hash FROM journal_entry ORDER BY position DESC LIMIT 1), "
    "nextval(%s::oid::regclass), nextval(%s::oid::regclass) "
    "FROM generate_series(1, %s)"
)
# Connection.info key (per pooled connection): the two sequences' oids.
_SEQUENCES_KEY = "kancelaria.id_sequences"


def _pg_insert(table: Table) -> tuple[list[str], str]:
    # Table and column names come from the models, never from input.
    names = [column.key for column in table.columns]
    columns, marks = ", ".join(names), ", ".join(["%s"] * len(names))
    return names, f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"  # noqa: S608


_PG_INSERTS = {
    table.name: _pg_insert(table) for table in (DOCUMENTS, JOURNAL, RECEIPTS)
}


class BatchStatements(Protocol):
    """What a batch registration asks of the database, in this order."""

    def take_numbers(self, year: int, count: int) -> int:
        """Take ``count`` sequences of ``year``; return the last one taken."""

    def give_back(self, year: int, last_used: int) -> None:
        """Set the year's counter back to the last sequence really used."""

    def journal_end_and_ids(self, count: int) -> tuple[int, str, list[tuple[int, int]]]:
        """Lock the journal; return its last position and hash, and new ids."""

    def insert(
        self,
        documents: Sequence[Document],
        entries: Sequence[JournalEntry],
        receipts: Sequence[Receipt],
    ) -> None:
        """Write the rows; the journal's end moves to the last entry."""


def statements_for(session: Session) -> BatchStatements:
    """The statements for the session's database (a write transaction opens)."""
    connection = begin_write(session)
    if connection.dialect.name == "postgresql":
        return _Psycopg(session, connection)

    if connection.dialect.name == "sqlite":
        return _Sqlite(session, connection)

    return _Core(session)


class _Core:
    """SQLAlchemy Core statements (SQLite; any database SQLAlchemy speaks)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def take_numbers(self, year: int, count: int) -> int:
        return take_registry_numbers(self.session, year, count)

    def give_back(self, year: int, last_used: int) -> None:
        give_back_registry_numbers(self.session, year, last_used)

    def journal_end_and_ids(self, count: int) -> tuple[int, str, list[tuple[int, int]]]:
        position, last_hash = journal.last_entry(self.session)
        # BEGIN IMMEDIATE keeps every other writer out until the commit.
        document, receipt = self._last_ids()
        ids = [(document + n, receipt + n) for n in range(1, count + 1)]
        return position, last_hash, ids

    def _last_ids(self) -> tuple[int, int]:
        document, receipt = self.session.execute(text(_SQLITE_IDS)).one()
        return document, receipt

    def insert(
        self,
        documents: Sequence[Document],
        entries: Sequence[JournalEntry],
        receipts: Sequence[Receipt],
    ) -> None:
        for table, rows in ((DOCUMENTS, documents), (JOURNAL, entries)):
            self.session.execute(insert(table), [row_of(table, r) for r in rows])
        self.session.execute(insert(RECEIPTS), [row_of(RECEIPTS, r) for r in receipts])
        _continue_journal(self.session, entries)


class _Sqlite(_Core):
    """SQLite: the counter and id statements on sqlite3 itself, rows as Core.

    Same statements as SQLAlchemy would send, in the same transaction
    (BEGIN IMMEDIATE, app.db); rows keep Core, which writes the times in
    SQLAlchemy's SQLite format.
    """

    def __init__(self, session: Session, connection: Connection) -> None:
        super().__init__(session)
        self.connection = connection
        self.driver: Any = driver_of(connection)

    def take_numbers(self, year: int, count: int) -> int:
        with translated(self.connection, _SQLITE_TAKE):
            row = self.driver.execute(_SQLITE_TAKE, (year, count)).fetchone()
        last: int = row[0]
        return last

    def give_back(self, year: int, last_used: int) -> None:
        with translated(self.connection, _SQLITE_GIVE_BACK):
            self.driver.execute(_SQLITE_GIVE_BACK, (last_used, year))

    def _last_ids(self) -> tuple[int, int]:
        with translated(self.connection, _SQLITE_IDS):
            row = self.driver.execute(_SQLITE_IDS).fetchone()
        return row[0], row[1]


class _Psycopg:
    """The same statements sent on the session's psycopg connection.

    Driver errors come out as SQLAlchemy's (app.registry.driver).
    """

    def __init__(self, session: Session, connection: Connection) -> None:
        self.session = session
        self.connection = connection
        self.driver: Any = driver_of(connection)

    def take_numbers(self, year: int, count: int) -> int:
        with self._translated(_PG_TAKE):
            row = self.driver.execute(_PG_INCREMENT, (count, year)).fetchone()
            if row is None:
                row = self.driver.execute(_PG_TAKE, (year, count)).fetchone()
        last: int = row[0]
        return last

    def give_back(self, year: int, last_used: int) -> None:
        with self._translated(_PG_GIVE_BACK):
            self.driver.execute(_PG_GIVE_BACK, (last_used, year))

    def journal_end_and_ids(self, count: int) -> tuple[int, str, list[tuple[int, int]]]:
        with self._translated(_PG_END_AND_IDS):
            documents, receipts = self._sequences()
            self.driver.execute(_PG_LOCK)
            arguments = (documents, receipts, count)
            rows = self.driver.execute(_PG_END_AND_IDS, arguments).fetchall()

        position, last_hash = rows[0][0], rows[0][1]
        if position is None:
            position, last_hash = 0, journal.GENESIS_HASH

        return position, last_hash, [(row[2], row[3]) for row in rows]

    def insert(
        self,
        documents: Sequence[Document],
        entries: Sequence[JournalEntry],
        receipts: Sequence[Receipt],
    ) -> None:
        batches = [
            (*_PG_INSERTS[table.name], rows)
            for table, rows in (
                (DOCUMENTS, documents),
                (JOURNAL, entries),
                (RECEIPTS, receipts),
            )
        ]
        # One pipeline, one round trip: an error may surface at its end.
        label = "; ".join(statement for _names, statement, _rows in batches)
        with self._translated(label), self.driver.pipeline():
            for names, statement, rows in batches:
                with self.driver.cursor() as cursor:
                    values = [_values(names, row) for row in rows]
                    cursor.executemany(statement, values)

        _continue_journal(self.session, entries)

    def _sequences(self) -> tuple[int, int]:
        info = self.connection.info
        if _SEQUENCES_KEY not in info:
            info[_SEQUENCES_KEY] = tuple(self.driver.execute(_PG_SEQUENCES).fetchone())
        found: tuple[int, int] = info[_SEQUENCES_KEY]
        return found

    def _translated(self, statement: str) -> AbstractContextManager[None]:
        return translated(self.connection, statement)


def row_of(table: Table, instance: object) -> dict[str, Any]:
    """The column values of a model instance, for a Core insert."""
    return {name: getattr(instance, name) for name in column_names(table)}


def column_names(table: Table) -> list[str]:
    """The table's column names, in the table's order."""
    return [column.key for column in table.columns]


def _values(names: list[str], instance: object) -> tuple[Any, ...]:
    # Times are kept in UTC (the models' UTCDateTime does the same).
    values = []
    for name in names:
        value = getattr(instance, name)
        if hasattr(value, "astimezone") and value.tzinfo is not None:
            value = value.astimezone(UTC)
        values.append(value)

    return tuple(values)


def _continue_journal(session: Session, entries: Sequence[JournalEntry]) -> None:
    if entries:
        last = entries[-1]
        journal.continue_after(session, last.position, last.entry_hash)
