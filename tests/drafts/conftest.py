"""Draft tests run on the shared database fixtures (SQLite and PostgreSQL)."""

from __future__ import annotations

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
