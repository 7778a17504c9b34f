"""Figures for heads of department: intake, open cases, deadlines, decisions.

Counted in Python over one department's rows of a bounded period, so that
the same code runs on SQLite and PostgreSQL (no dialect's date functions).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.constants import CaseStatus
from app.cases.deadlines import office_day
from app.cases.models import Case, Department
from app.cases.queries import near_deadline_cases, overdue_cases
from app.registry.models import Document

INTAKE_DAYS = 30
DECISION_DAYS = 365
# Upper bounds (days, inclusive) of the time-to-decision bands.
BANDS = (7, 14, 30, 60)


@dataclass(frozen=True)
class Overview:
    """One department's figures, as of ``today``."""

    today: date
    days: tuple[date, ...]
    channels: tuple[str, ...]
    intake: dict[str, tuple[int, ...]]
    """Documents per channel, one count per day of ``days``."""
    open_by_status: dict[str, int]
    near: int
    overdue: int
    decided: int
    bands: tuple[tuple[str, int], ...]
    """Decided cases per band of days from start to decision."""
    median_days: float | None
    mean_days: float | None


def department_overview(
    session: Session, department: Department, now: datetime | None = None
) -> Overview:
    """Count the department's intake, open cases, deadlines and decision times."""
    now = now or datetime.now(UTC)
    today = office_day(now)
    days = tuple(today - timedelta(days=n) for n in range(INTAKE_DAYS - 1, -1, -1))
    intake = _intake(session, department, days, now)
    durations = _decision_days(session, department, now)

    return Overview(
        today=today,
        days=days,
        channels=tuple(sorted(intake)),
        intake=intake,
        open_by_status=_open_by_status(session, department),
        near=len(near_deadline_cases(session, department, now)),
        overdue=len(overdue_cases(session, department, now)),
        decided=len(durations),
        bands=_bands(durations),
        median_days=statistics.median(durations) if durations else None,
        mean_days=round(statistics.fmean(durations), 1) if durations else None,
    )


def _intake(
    session: Session, department: Department, days: tuple[date, ...], now: datetime
) -> dict[str, tuple[int, ...]]:
    since = now - timedelta(days=INTAKE_DAYS + 1)
    rows = session.execute(
        select(Document.received_at, Document.channel)
        .where(Document.department == department.symbol)
        .where(Document.received_at >= since)
    ).all()
    counts = Counter((office_day(at), channel) for at, channel in rows)
    channels = sorted({channel for _at, channel in rows})
    return {
        channel: tuple(counts[(day, channel)] for day in days) for channel in channels
    }


def _open_by_status(session: Session, department: Department) -> dict[str, int]:
    statuses = session.scalars(
        select(Case.status)
        .where(Case.department_id == department.id)
        .where(Case.status != CaseStatus.DECIDED)
    ).all()
    counts = Counter(statuses)
    return {
        str(status): counts[status]
        for status in CaseStatus
        if status != CaseStatus.DECIDED
    }


def _decision_days(
    session: Session, department: Department, now: datetime
) -> list[int]:
    since = now - timedelta(days=DECISION_DAYS)
    rows = session.execute(
        select(Case.started_on, Case.decided_at)
        .where(Case.department_id == department.id)
        .where(Case.decided_at.is_not(None))
        .where(Case.decided_at >= since)
    ).all()
    return [max(0, (office_day(at) - day).days) for day, at in rows if at is not None]


def _bands(durations: list[int]) -> tuple[tuple[str, int], ...]:
    labels, lower = [], 0
    for upper in BANDS:
        labels.append((f"{lower}–{upper}", lower, upper))
        lower = upper + 1
    labels.append((f"> {BANDS[-1]}", lower, 10**9))
    return tuple(
        (label, sum(1 for d in durations if low <= d <= high))
        for label, low, high in labels
    )
