"""Case numbers DEPT.JRWA.SEQ.YEAR: gapless, unique under concurrency, per key.

Runs on SQLite and PostgreSQL (the ``database_url`` fixture). The worker
processes are the spawn pool of test_concurrency, started once per module.
"""

from __future__ import annotations

import time
from itertools import pairwise
from multiprocessing.pool import Pool

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_session_factory
from app.registry.models import CaseCounter
from app.registry.numbering import format_case_number, next_case_number
from tests.registry.test_concurrency import PER_PROCESS, PROCESSES, pool
from tests.registry.workers import PAUSE_SECONDS

__all__ = ["pool"]

START_DELAY_SECONDS = 0.3
FAIL_EVERY = 5


class _RollBackError(RuntimeError):
    """Raised on purpose after taking a number, to roll the transaction back."""


@pytest.fixture
def case_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions on a database whose case counters start empty."""
    # The PostgreSQL database is shared by the session; clear earlier series.
    with engine.begin() as connection:
        connection.execute(delete(CaseCounter))

    return make_session_factory(engine)


def take_case_numbers(
    url: str, key: tuple[str, str, int], count: int, fail_every: int, start_at: float
) -> list[str]:
    """Worker: take ``count`` numbers; every ``fail_every``-th one rolls back."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    numbers = []
    time.sleep(max(0.0, start_at - time.time()))

    for index in range(count):
        failing = fail_every and index % fail_every == fail_every - 1

        with sessions() as session:
            _, number = next_case_number(session, *key)
            if failing:
                session.rollback()
            else:
                session.commit()
                numbers.append(number)

        time.sleep(PAUSE_SECONDS)

    engine.dispose()
    return numbers


def test_case_numbers_start_at_one_and_follow_each_other(
    case_sessions: sessionmaker[Session],
) -> None:
    taken = []

    for _ in range(3):
        with case_sessions() as session:
            taken.append(next_case_number(session, "FN", "3120", 2026))
            session.commit()

    expected = [(n, f"FN.3120.{n}.2026") for n in (1, 2, 3)]
    assert taken == expected


def test_each_department_class_and_year_counts_separately(
    case_sessions: sessionmaker[Session],
) -> None:
    keys = [("FN", "3120", 2026), ("OR", "3120", 2026), ("FN", "0012", 2026)]
    keys.append(("FN", "3120", 2027))

    with case_sessions() as session:
        firsts = [next_case_number(session, *key) for key in keys]
        second = next_case_number(session, "FN", "3120", 2026)
        session.commit()

    assert [sequence for sequence, _ in firsts] == [1, 1, 1, 1]
    assert firsts[2][1] == "FN.0012.1.2026"
    assert second == (2, "FN.3120.2.2026")


def test_rolled_back_case_number_is_given_out_again(
    case_sessions: sessionmaker[Session],
) -> None:
    with case_sessions() as session:
        assert next_case_number(session, "USC", "5340", 2026)[0] == 1
        session.commit()

    with pytest.raises(_RollBackError), case_sessions() as session:
        assert next_case_number(session, "USC", "5340", 2026)[0] == 2
        raise _RollBackError

    with case_sessions() as session:
        assert next_case_number(session, "USC", "5340", 2026) == (2, "USC.5340.2.2026")
        session.commit()
        counter = session.get(CaseCounter, ("USC", "5340", 2026))
        assert counter is not None and counter.last_sequence == 2


@pytest.mark.parametrize(
    ("department", "jrwa"),
    [
        ("fn", "3120"),
        ("1FN", "3120"),
        ("", "3120"),
        ("ABCDEFGHI", "3120"),
        ("F-N", "3120"),
        ("FN\n", "3120"),
        ("FN", "31201"),
        ("FN", ""),
        ("FN", "31a"),
        ("FN", "３１"),
        ("FN", "3120\n"),
    ],
)
def test_malformed_department_or_jrwa_class_is_refused(
    case_sessions: sessionmaker[Session], department: str, jrwa: str
) -> None:
    with case_sessions() as session, pytest.raises(ValueError):
        next_case_number(session, department, jrwa, 2026)

    with case_sessions() as session:
        assert session.query(CaseCounter).count() == 0


@pytest.mark.parametrize("year", [0, 10000, -2026])
def test_year_out_of_range_is_refused(
    case_sessions: sessionmaker[Session], year: int
) -> None:
    with case_sessions() as session, pytest.raises(ValueError, match="year"):
        next_case_number(session, "FN", "3120", year)


def test_symbol_with_digits_after_a_letter_and_short_class_are_accepted(
    case_sessions: sessionmaker[Session],
) -> None:
    with case_sessions() as session:
        assert next_case_number(session, "WA2", "0", 2026) == (1, "WA2.0.1.2026")
        session.commit()


def test_processes_taking_case_numbers_at_once_use_each_exactly_once(
    database_url: str, case_sessions: sessionmaker[Session], pool: Pool
) -> None:
    per_worker = _run(pool, database_url, ("FN", "3120", 2026), fail_every=0)

    total = PROCESSES * PER_PROCESS
    numbers = sorted(n for worker in per_worker for n in worker)
    expected = [format_case_number("FN", "3120", n, 2026) for n in range(1, total + 1)]
    assert numbers == sorted(expected)
    assert _interleaved(per_worker), "workers never overlapped; nothing was tested"
    _assert_counter(case_sessions, ("FN", "3120", 2026), total)


def test_rollbacks_under_concurrency_leave_no_gap_in_case_numbers(
    database_url: str, case_sessions: sessionmaker[Session], pool: Pool
) -> None:
    per_worker = _run(pool, database_url, ("OR", "0012", 2026), FAIL_EVERY)

    total = PROCESSES * (PER_PROCESS - PER_PROCESS // FAIL_EVERY)
    sequences = sorted(_sequence(n) for worker in per_worker for n in worker)
    assert sequences == list(range(1, total + 1))
    _assert_counter(case_sessions, ("OR", "0012", 2026), total)


def _run(
    pool: Pool, url: str, key: tuple[str, str, int], fail_every: int
) -> list[list[str]]:
    start_at = time.time() + START_DELAY_SECONDS
    jobs = [(url, key, PER_PROCESS, fail_every, start_at)] * PROCESSES
    return pool.starmap(take_case_numbers, jobs)


def _assert_counter(
    sessions: sessionmaker[Session], key: tuple[str, str, int], total: int
) -> None:
    with sessions() as session:
        counter = session.get(CaseCounter, key)
        assert counter is not None and counter.last_sequence == total


def _interleaved(per_worker: list[list[str]]) -> bool:
    # True when some worker's numbers are not one contiguous block.
    for numbers in per_worker:
        sequences = sorted(_sequence(number) for number in numbers)
        if any(b - a > 1 for a, b in pairwise(sequences)):
            return True

    return False


def _sequence(number: str) -> int:
    return int(number.split(".")[2])
