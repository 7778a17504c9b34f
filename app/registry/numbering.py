"""Gapless registry numbers, one series per calendar year (RPW/<seq>/<year>).

The counter row of the year is incremented with an upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``), which keeps the row
locked for the rest of the transaction on PostgreSQL; on SQLite the whole
write transaction is serialised by ``BEGIN IMMEDIATE`` (app.db). The
document row is written in that same transaction: concurrent writers wait
for each other, and a rollback gives the number back, so the series has
neither duplicates nor gaps.

Case numbers (``DEPT.JRWA.SEQ.YEAR``, e.g. ``FN.3120.15.2026``) are taken
the same way from one counter row per department symbol, JRWA class and
year.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from app.db import begin_write
from app.registry.models import CaseCounter, RegistryCounter

REGISTRY_PREFIX = "RPW"

# The registry year is the office's calendar year, not the UTC one.
OFFICE_TIMEZONE = ZoneInfo("Europe/Warsaw")

# A department symbol: a capital letter, then up to 7 capitals or digits.
DEPARTMENT_SYMBOL = re.compile(r"[A-Z][A-Z0-9]{0,7}")
# A JRWA class (Jednolity Rzeczowy Wykaz Akt): 1 to 4 digits.
JRWA_CLASS = re.compile(r"[0-9]{1,4}")
MAX_YEAR = 9999


def next_registry_number(
    session: Session, year: int, prefix: str = REGISTRY_PREFIX
) -> tuple[int, str]:
    """Take the next sequence of ``year``; return it and the registry number."""
    connection = begin_write(session)
    sequence = session.execute(_increment(connection.dialect.name, year)).scalar_one()
    return sequence, format_registry_number(sequence, year, prefix)


def take_registry_numbers(session: Session, year: int, count: int) -> int:
    """Take ``count`` sequences of ``year`` at once; return the last one taken.

    The caller numbers its documents up to the returned value and must
    give back (:func:`give_back_registry_numbers`) any it does not use
    before committing.
    """
    connection = begin_write(session)
    statement = _increment(connection.dialect.name, year, count)
    last: int = session.execute(statement).scalar_one()
    return last


def give_back_registry_numbers(session: Session, year: int, last_used: int) -> None:
    """Set the year's counter back to ``last_used`` in the open transaction."""
    session.execute(
        update(RegistryCounter)
        .where(RegistryCounter.year == year)
        .values(last_sequence=last_used)
    )


def next_case_number(
    session: Session, department: str, jrwa: str, year: int
) -> tuple[int, str]:
    """Take the next case sequence of one series; return it and the case number.

    Raises ValueError for a malformed department symbol, JRWA class or year.
    """
    _check_case_key(department, jrwa, year)
    connection = begin_write(session)
    statement = _increment_case(connection.dialect.name, department, jrwa, year)
    sequence = session.execute(statement).scalar_one()
    return sequence, format_case_number(department, jrwa, sequence, year)


def format_case_number(department: str, jrwa: str, sequence: int, year: int) -> str:
    """Render a case number such as ``FN.3120.15.2026``."""
    return f"{department}.{jrwa}.{sequence}.{year}"


def registry_year(received_at: datetime, timezone: ZoneInfo = OFFICE_TIMEZONE) -> int:
    """Return the registry year of an arrival time (the office's calendar)."""
    return received_at.astimezone(timezone).year


def format_registry_number(
    sequence: int, year: int, prefix: str = REGISTRY_PREFIX
) -> str:
    """Render a registry number such as ``RPW/12/2026``."""
    return f"{prefix}/{sequence}/{year}"


def _check_case_key(department: str, jrwa: str, year: int) -> None:
    if not isinstance(department, str) or not DEPARTMENT_SYMBOL.fullmatch(department):
        raise ValueError(f"not a department symbol: {department!r}")

    if not isinstance(jrwa, str) or not JRWA_CLASS.fullmatch(jrwa):
        raise ValueError(f"not a JRWA class: {jrwa!r}")

    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"not a year: {year!r}")

    if not 1 <= year <= MAX_YEAR:
        raise ValueError(f"year out of range: {year}")


def _increment_case(
    dialect: str, department: str, jrwa: str, year: int
) -> ReturningInsert[int]:
    # Same single upsert as _increment, keyed on the three columns.
    insert: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        insert = postgresql.insert(CaseCounter)
    else:
        insert = sqlite.insert(CaseCounter)

    values = insert.values(department=department, jrwa=jrwa, year=year, last_sequence=1)
    upsert = values.on_conflict_do_update(
        index_elements=[CaseCounter.department, CaseCounter.jrwa, CaseCounter.year],
        set_={"last_sequence": CaseCounter.last_sequence + 1},
    )
    return upsert.returning(CaseCounter.last_sequence)


def _increment(dialect: str, year: int, count: int = 1) -> ReturningInsert[int]:
    # One statement, one round trip: the first writer of a year creates the
    # row with 1; every later one (even racing) increments it. Either way
    # the row stays locked until the transaction ends.
    insert: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        insert = postgresql.insert(RegistryCounter)
    else:
        insert = sqlite.insert(RegistryCounter)

    upsert = insert.values(year=year, last_sequence=count).on_conflict_do_update(
        index_elements=[RegistryCounter.year],
        set_={"last_sequence": RegistryCounter.last_sequence + count},
    )
    return upsert.returning(RegistryCounter.last_sequence)
