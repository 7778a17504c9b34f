"""Gapless registry numbers, one series per calendar year (RPW/<seq>/<year>).

The counter row of the year is incremented with an upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``), which keeps the row
locked for the rest of the transaction on PostgreSQL; on SQLite the whole
write transaction is serialised by ``BEGIN IMMEDIATE`` (app.db). The
document row is written in that same transaction: concurrent writers wait
for each other, and a rollback gives the number back, so the series has
neither duplicates nor gaps.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from app.db import begin_write
from app.registry.models import RegistryCounter

REGISTRY_PREFIX = "RPW"

# The registry year is the office's calendar year, not the UTC one.
OFFICE_TIMEZONE = ZoneInfo("Europe/Warsaw")


def next_registry_number(
    session: Session, year: int, prefix: str = REGISTRY_PREFIX
) -> tuple[int, str]:
    """Take the next sequence of ``year``; return it and the registry number."""
    connection = begin_write(session)
    sequence = session.execute(_increment(connection.dialect.name, year)).scalar_one()
    return sequence, format_registry_number(sequence, year, prefix)


def registry_year(received_at: datetime, timezone: ZoneInfo = OFFICE_TIMEZONE) -> int:
    """Return the registry year of an arrival time (the office's calendar)."""
    return received_at.astimezone(timezone).year


def format_registry_number(
    sequence: int, year: int, prefix: str = REGISTRY_PREFIX
) -> str:
    """Render a registry number such as ``RPW/12/2026``."""
    return f"{prefix}/{sequence}/{year}"


def _increment(dialect: str, year: int) -> ReturningInsert[int]:
    # One statement, one round trip: the first writer of a year creates the
    # row with 1; every later one (even racing) increments it. Either way
    # the row stays locked until the transaction ends.
    insert: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        insert = postgresql.insert(RegistryCounter)
    else:
        insert = sqlite.insert(RegistryCounter)

    upsert = insert.values(year=year, last_sequence=1).on_conflict_do_update(
        index_elements=[RegistryCounter.year],
        set_={"last_sequence": RegistryCounter.last_sequence + 1},
    )
    return upsert.returning(RegistryCounter.last_sequence)
