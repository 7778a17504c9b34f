"""Engines: SQLite pragmas and BEGIN IMMEDIATE for writers; PostgreSQL driver."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.db import TransactionError, begin_write, make_engine, upgrade
from app.registry import Receipt
from tests.registry.samples import register_sample


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    path = tmp_path / "registry.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_engine(sqlite_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{sqlite_path}")
    yield engine
    engine.dispose()


def test_postgresql_url_is_given_the_psycopg_driver() -> None:
    engine = make_engine("postgresql://kancelaria@127.0.0.1/registry")

    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("busy_timeout", 30000),
        ("synchronous", 2),  # FULL
    ],
)
def test_sqlite_connections_get_the_registry_pragmas(
    sqlite_engine: Engine, pragma: str, expected: object
) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected


def test_sqlite_enforces_foreign_keys(sqlite_engine: Engine) -> None:
    receipt = Receipt(
        document_id=4242, issued_at=datetime.now(UTC), xml=b"<UPO/>", sha256="0" * 64
    )

    with Session(sqlite_engine) as session, pytest.raises(IntegrityError):
        session.add(receipt)
        session.commit()


def test_sqlite_write_transaction_holds_the_write_lock_from_its_start(
    sqlite_engine: Engine, sqlite_path: Path
) -> None:
    other = sqlite3.connect(sqlite_path, timeout=0, isolation_level=None)

    with Session(sqlite_engine) as session:
        begin_write(session)

        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")

    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_sqlite_read_transaction_does_not_block_a_writer(
    sqlite_engine: Engine, sqlite_path: Path
) -> None:
    other = sqlite3.connect(sqlite_path, timeout=0, isolation_level=None)

    with Session(sqlite_engine) as session:
        session.execute(text("SELECT count(*) FROM document"))
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")

    other.close()


def test_sqlite_write_after_a_read_in_the_same_transaction_is_refused(
    sqlite_engine: Engine,
) -> None:
    with Session(sqlite_engine) as session:
        session.execute(text("SELECT count(*) FROM document"))

        with pytest.raises(TransactionError, match="read transaction"):
            register_sample(session)


def test_write_transaction_can_be_confirmed_twice(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        first = begin_write(session)

        assert begin_write(session) is first


@pytest.mark.postgres
def test_postgres_pool_reuses_a_live_connection_without_replacing_it(
    new_postgres_database: str,
) -> None:
    engine = make_engine(new_postgres_database)
    try:
        first, second = _backend_pid(engine), _backend_pid(engine)
    finally:
        engine.dispose()

    assert first == second


@pytest.mark.postgres
def test_postgres_connection_ended_by_the_server_is_replaced_at_checkout(
    new_postgres_database: str,
) -> None:
    engine = make_engine(new_postgres_database)
    try:
        ended = _backend_pid(engine)
        _terminate(new_postgres_database, ended)
        replacement = _backend_pid(engine)
    finally:
        engine.dispose()

    assert replacement != ended


@pytest.mark.postgres
def test_postgres_connection_with_a_notification_waiting_is_kept(
    new_postgres_database: str,
) -> None:
    engine = make_engine(new_postgres_database)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("LISTEN kancelaria_test")
            connection.commit()
            listening = connection.execute(text("SELECT pg_backend_pid()")).scalar()
            connection.commit()

        _notify(new_postgres_database, "kancelaria_test")
        kept = _backend_pid(engine)
    finally:
        engine.dispose()

    assert kept == listening


def _notify(url: str, channel: str) -> None:
    """Send a notification and give it time to reach the listener's socket."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"NOTIFY {channel}")
            connection.commit()
    finally:
        engine.dispose()

    time.sleep(0.3)


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        pid: int = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        return pid


def _terminate(url: str, pid: int) -> None:
    """End backend ``pid`` from another connection and wait until it is gone."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            ended = text("SELECT pg_terminate_backend(:pid, 5000)")
            assert connection.execute(ended, {"pid": pid}).scalar_one()
    finally:
        engine.dispose()
