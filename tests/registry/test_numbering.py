"""Gapless registry numbers: sequential, per year, given back on rollback."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.registry import RegistryCounter
from app.registry.numbering import (
    format_registry_number,
    next_registry_number,
    registry_year,
)
from tests.registry.samples import RECEIVED_AT


def test_numbers_in_a_year_start_at_one_and_follow_each_other(
    sessions: sessionmaker[Session],
) -> None:
    taken = []

    for _ in range(3):
        with sessions() as session:
            taken.append(next_registry_number(session, 2026))
            session.commit()

    assert taken == [(1, "RPW/1/2026"), (2, "RPW/2/2026"), (3, "RPW/3/2026")]


def test_each_year_has_its_own_series(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        first_2026 = next_registry_number(session, 2026)
        first_2027 = next_registry_number(session, 2027)
        second_2026 = next_registry_number(session, 2026)
        session.commit()

    assert first_2026 == (1, "RPW/1/2026")
    assert first_2027 == (1, "RPW/1/2027")
    assert second_2026 == (2, "RPW/2/2026")


def test_rolled_back_number_is_given_out_again(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        assert next_registry_number(session, 2026)[0] == 1
        session.rollback()

    with sessions() as session:
        assert next_registry_number(session, 2026)[0] == 1
        session.commit()

    with sessions() as session:
        counter = session.get(RegistryCounter, 2026)
        assert counter is not None and counter.last_sequence == 1


def test_registry_year_is_the_warsaw_calendar_year() -> None:
    new_year_eve_utc = RECEIVED_AT.replace(month=12, day=31, hour=23, minute=30)

    assert registry_year(new_year_eve_utc) == 2027
    assert registry_year(RECEIVED_AT) == 2026


def test_registry_number_format_is_prefix_sequence_year() -> None:
    assert format_registry_number(12, 2026) == "RPW/12/2026"
