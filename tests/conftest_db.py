"""Database fixtures: a migrated SQLite file, or a throwaway PostgreSQL database.

PostgreSQL is found through ``KANCELARIA_TEST_POSTGRES`` (an admin URL such
as ``postgresql://postgres@127.0.0.1:5432/postgres``, printed by
tools/ensure-postgres.sh), else 127.0.0.1:5432 as user ``postgres`` or
``root``. When no server answers, PostgreSQL tests fail; they never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_session_factory, upgrade

ADMIN_ENV = "KANCELARIA_TEST_POSTGRES"
DEFAULT_ADMIN_URLS = (
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://root@127.0.0.1:5432/postgres",
)
REGISTRY_TABLES = (
    "receipt, journal_entry, document, registry_counter, checkpoint, merkle_node, "
    "case_counter, department, clerk, jrwa_class, case_file, case_document, "
    "case_event, case_message, document_view, draft, routing, transfer, "
    "document_blob, waiting_question, webhook_delivery, outbox"
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """Return a URL of the ``postgres`` database on a reachable server."""
    candidates = [os.environ[ADMIN_ENV]] if os.environ.get(ADMIN_ENV) else []
    errors = []

    for url in candidates or DEFAULT_ADMIN_URLS:
        try:
            with psycopg.connect(_conninfo(url), connect_timeout=3) as connection:
                connection.execute("SELECT 1")
            return url
        except psycopg.Error as exc:
            errors.append(f"{url}: {exc}".strip())

    pytest.fail(
        "PostgreSQL tests need a server on 127.0.0.1 (run them through "
        f"`make test`, or set {ADMIN_ENV}); tried: " + "; ".join(errors)
    )


@pytest.fixture
def new_postgres_database(postgres_admin_url: str) -> Iterator[str]:
    """Create an empty, uniquely named database; drop it afterwards."""
    with _temporary_database(postgres_admin_url) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """One migrated database per test session (per xdist worker)."""
    with _temporary_database(postgres_admin_url) as url:
        upgrade(url)
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty registry database on each backend."""
    if request.param == "sqlite":
        sqlite_url = f"sqlite:///{tmp_path / 'registry.db'}"
        upgrade(sqlite_url)
        return sqlite_url

    postgres_url: str = request.getfixturevalue("migrated_postgres_url")
    _empty_tables(postgres_url)
    return postgres_url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, disposed afterwards."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The application's session factory on the test database."""
    return make_session_factory(engine)


@contextmanager
def _temporary_database(admin_url: str) -> Iterator[str]:
    database = f"kancelaria_test_{uuid.uuid4().hex[:12]}"
    name = sql.Identifier(database)
    url = make_url(admin_url).set(database=database)

    with psycopg.connect(_conninfo(admin_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))

    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_conninfo(admin_url), autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(name))


def _conninfo(url: str) -> str:
    # psycopg takes libpq URLs; strip a SQLAlchemy driver suffix if present.
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _empty_tables(url: str) -> None:
    engine = make_engine(url)

    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {REGISTRY_TABLES}"))

    engine.dispose()
