"""Case test fixtures: the shared databases and a sample office with people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.cases import writing
from app.cases.accounts import add_department, hash_password
from app.cases.jrwa import DEMO_LIST, load_jrwa_file
from app.cases.models import Clerk
from tests.conftest_db import (
    database_url,
    engine,
    migrated_postgres_url,
    new_postgres_database,
    postgres_admin_url,
    sessions,
)

__all__ = [
    "database_url",
    "engine",
    "migrated_postgres_url",
    "new_postgres_database",
    "postgres_admin_url",
    "sessions",
]

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Office:
    """Ids of the sample office's departments and clerks, by short name."""

    departments: dict[str, int]
    clerks: dict[str, int]


# login -> (role, department symbol or None)
PEOPLE = {
    "desk.so": ("front_desk", "SO"),
    "clerk.so": ("clerk", "SO"),
    "clerk2.so": ("clerk", "SO"),
    "head.so": ("head", "SO"),
    "clerk.fn": ("clerk", "FN"),
    "head.fn": ("head", "FN"),
    "archivist": ("archivist", None),
    "admin": ("admin", None),
}


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> Office:
    """Departments SO and FN, one account per role, and the demo JRWA list."""
    with writing(sessions) as session:
        departments = {
            symbol: add_department(session, symbol, f"Wydział {symbol}", symbol)
            for symbol in ("SO", "FN")
        }
        clerks = {
            login: _clerk(login, role, departments[symbol].id if symbol else None)
            for login, (role, symbol) in PEOPLE.items()
        }
        session.add_all(clerks.values())
        load_jrwa_file(session, DEMO_LIST)
        session.flush()
        return Office(
            {symbol: row.id for symbol, row in departments.items()},
            {login: row.id for login, row in clerks.items()},
        )


@cache
def password_hash() -> str:
    """The argon2 hash of PASSWORD, made once (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


def _clerk(login: str, role: str, department_id: int | None) -> Clerk:
    # Rows written directly: add_clerk would hash the password each time
    # (tests/cases/test_accounts.py covers add_clerk itself).
    return Clerk(
        login=login,
        display_name=login.title(),
        password_hash=password_hash(),
        role=role,
        department_id=department_id,
        failed_logins=0,
        active=True,
        created_at=datetime.now(UTC),
        auth_version=1,
    )
