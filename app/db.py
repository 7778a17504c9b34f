"""Database engines and sessions for SQLite (default) and PostgreSQL.

SQLite is opened in WAL mode with foreign keys on and a busy timeout.
Python's sqlite3 module would issue a deferred ``BEGIN`` on its own; here
SQLAlchemy takes over transaction control (the event hooks documented in
the SQLAlchemy SQLite dialect) so that a writer can ask for
``BEGIN IMMEDIATE`` and two writers serialise instead of failing with
``SQLITE_BUSY`` half-way through a transaction.
"""

from __future__ import annotations

import logging
import select
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# A database host that does not answer fails a request after this, not minutes.
POSTGRES_CONNECT_TIMEOUT_S = 5

# Connection execution option that makes the next BEGIN on SQLite immediate.
WRITE_OPTION = "kancelaria_write"

# Key of the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK = 0x4B616E63


class TransactionError(RuntimeError):
    """A write was attempted in a transaction that cannot serialise it."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with Kancelaria's connection settings."""
    parsed = make_url(url)

    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")

    if parsed.get_backend_name() != "sqlite":
        pg_args: dict[str, Any] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
        pg_args.update(kwargs.pop("connect_args", {}))
        engine = create_engine(parsed, connect_args=pg_args, **kwargs)
        _check_at_checkout(engine)
        return engine

    connect_args = {
        "check_same_thread": False,
        "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
    }
    engine = create_engine(parsed, connect_args=connect_args, **kwargs)
    _install_sqlite_hooks(engine)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def begin_write(session: Session) -> Connection:
    """Start (or confirm) a write transaction that serialises with writers.

    On SQLite the transaction must be opened with ``BEGIN IMMEDIATE``; a
    transaction already opened for reading cannot be upgraded safely, so
    that case is refused. On PostgreSQL row and table locks do the work.
    """
    if not session.in_transaction():
        return session.connection(execution_options={WRITE_OPTION: True})

    connection = session.connection()
    is_sqlite = connection.dialect.name == "sqlite"

    if is_sqlite and not connection.get_execution_options().get(WRITE_OPTION):
        raise TransactionError(
            "a read transaction is open on this session; "
            "commit or roll it back before writing to the registry"
        )

    return connection


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (head by default)."""
    if isinstance(engine_or_url, str):
        engine = make_engine(engine_or_url)

        try:
            _upgrade(engine, revision)
        finally:
            engine.dispose()
    else:
        _upgrade(engine_or_url, revision)

    log.info("database migrated to %s", revision)


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade(engine: Engine, revision: str) -> None:
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})

        if connection.dialect.name == "postgresql":
            # Two web workers starting at once must not both migrate.
            lock = "SELECT pg_advisory_xact_lock(%s)"
            connection.exec_driver_sql(lock, (MIGRATION_LOCK,))

        command.upgrade(alembic_config(connection), revision)
        connection.commit()


def _check_at_checkout(engine: Engine) -> None:
    """Replace, at checkout, a pooled PostgreSQL connection the server ended.

    An idle connection gets nothing from a live server; one whose backend
    was terminated, restarted or failed over has been sent its FATAL error
    or been closed. So one poll of the socket, not a round trip per checkout
    (``pool_pre_ping``), finds the suspects; only those are pinged, and the
    pool opens a fresh connection in place of one that fails.
    """

    def check(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not _server_spoke(dbapi_connection):
            return

        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: this connection is done for
            raise DisconnectionError("the server ended this connection") from exc

    event.listen(engine, "checkout", check)


def _server_spoke(dbapi_connection: Any) -> bool:
    """Tell whether an idle connection's socket has something to read."""
    try:
        socket = dbapi_connection.fileno()
    except Exception:  # closed already on our side
        return True

    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _install_sqlite_hooks(engine: Engine) -> None:
    """Register the pragmas and the BEGIN handling on an SQLite engine."""
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop sqlite3 from emitting its own deferred BEGIN; _on_sqlite_begin
    # emits the right one.
    dbapi_connection.isolation_level = None

    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed registration survives a power cut in WAL mode too.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
