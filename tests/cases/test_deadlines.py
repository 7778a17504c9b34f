"""KPA deadlines: 30 days, 60 when complex, a running pause moves the day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.cases.deadlines import base_deadline, days_left, deadline_for, office_day
from app.cases.models import Case


def _case(deadline: date, paused_since: datetime | None = None) -> Case:
    return Case(deadline=deadline, paused_since=paused_since, paused_days=0)


def test_a_simple_case_is_due_in_30_days_a_complex_one_in_60() -> None:
    assert base_deadline(date(2026, 3, 14), False) == date(2026, 4, 13)
    assert base_deadline(date(2026, 3, 14), True) == date(2026, 5, 13)


def test_the_office_day_is_the_warsaw_calendar_day() -> None:
    # 23:30 UTC on 31 December is already New Year in Warsaw.
    assert office_day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)


def test_a_running_pause_moves_the_deadline_day_by_day() -> None:
    case = _case(date(2026, 4, 13), datetime(2026, 4, 1, 9, 0, tzinfo=UTC))

    assert deadline_for(case, datetime(2026, 4, 1, 15, 0, tzinfo=UTC)) == date(
        2026, 4, 13
    )
    assert deadline_for(case, datetime(2026, 4, 20, 9, 0, tzinfo=UTC)) == date(
        2026, 5, 2
    )


def test_days_left_turn_negative_once_the_deadline_passed() -> None:
    case = _case(date(2026, 4, 13))

    assert days_left(case, datetime(2026, 4, 10, 12, 0, tzinfo=UTC)) == 3
    assert days_left(case, datetime(2026, 4, 15, 12, 0, tzinfo=UTC)) == -2


def test_a_catalog_forms_own_limit_replaces_the_kpa_month_review_f31() -> None:
    assert base_deadline(date(2026, 12, 4), False, 7) == date(2026, 12, 11)
    assert base_deadline(date(2026, 12, 4), False, None) == date(2027, 1, 3)
    assert base_deadline(date(2026, 12, 4), True, 7) == date(2027, 2, 2)
