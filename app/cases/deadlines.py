"""KPA deadlines (art. 35): one month, two for complex cases, pauses added.

The office counts in days of its own calendar (Europe/Warsaw): a case
started on 1 March is due 30 days later, 60 if complex. Days spent waiting
for the citizen to remedy a defect (art. 64 § 2) do not count: a finished
pause is added to ``Case.deadline``; a running one moves the deadline day
by day until it ends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.cases.models import Case
from app.registry.numbering import OFFICE_TIMEZONE

SIMPLE_DAYS = 30
COMPLEX_DAYS = 60
# Cases due within this many days are shown as near their deadline.
WARNING_DAYS = 7


def office_day(moment: datetime) -> date:
    """Return the office's calendar day of a moment."""
    return moment.astimezone(OFFICE_TIMEZONE).date()


def base_deadline(
    started_on: date, complex_case: bool, form_days: int | None = None
) -> date:
    """Return the deadline of a case started on ``started_on`` without pauses.

    ``form_days`` is the time limit of the catalog form the case was opened
    for (e.g. 7 days for a certificate, KPA art. 217 § 2); without one the
    KPA month applies, two months for a complex case.
    """
    days = SIMPLE_DAYS if form_days is None else form_days
    if complex_case:
        days = max(days, COMPLEX_DAYS)
    return started_on + timedelta(days=days)


def deadline_for(case: Case, now: datetime | None = None) -> date:
    """Return the case's deadline today, counting a running pause as well."""
    if case.paused_since is None:
        return case.deadline

    return case.deadline + timedelta(days=paused_days_until(case, now))


def paused_days_until(case: Case, now: datetime | None = None) -> int:
    """Return how many days the running pause has lasted (0 if none)."""
    if case.paused_since is None:
        return 0

    today = office_day(now or datetime.now(UTC))
    return max(0, (today - office_day(case.paused_since)).days)


def days_left(case: Case, now: datetime | None = None) -> int:
    """Return the days until the deadline; negative when overdue."""
    today = office_day(now or datetime.now(UTC))
    return (deadline_for(case, now) - today).days
