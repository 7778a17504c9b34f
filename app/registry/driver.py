"""Statements sent straight to the driver, under a SQLAlchemy connection.

For the few fixed statements every submission runs (numbering, journal,
blob put), SQLAlchemy's statement execution and per-value processing cost
more CPU than the database spends on them. These helpers send them on the
driver's connection (psycopg, sqlite3) beneath a SQLAlchemy ``Connection``,
in its transaction, and make driver errors look like any other statement's:
SQLAlchemy's
``DBAPIError`` family (``IntegrityError``, ``OperationalError``…), with a
connection the server dropped invalidated so that the pool replaces it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


def driver_of(connection: Connection) -> Any:
    """Return the driver's connection under ``connection`` (its transaction)."""
    return connection.connection.driver_connection


@contextmanager
def translated(connection: Connection, statement: str) -> Iterator[None]:
    """Raise the driver's errors inside as SQLAlchemy raises them for ``statement``."""
    dialect = connection.dialect
    driver_error: type[Exception] = dialect.loaded_dbapi.Error
    try:
        yield
    except driver_error as exc:
        driver = driver_of(connection)
        dropped = dialect.is_disconnect(exc, driver, None)  # type: ignore[arg-type]
        if dropped:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            statement,
            None,
            exc,
            driver_error,
            hide_parameters=True,
            connection_invalidated=dropped,
            dialect=dialect,
        ) from exc
