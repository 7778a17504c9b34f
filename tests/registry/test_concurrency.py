"""Several processes registering and journalling at once (SQLite and PostgreSQL).

Workers are started once per module with the spawn method, as gunicorn
workers or separate hosts would be separate interpreters.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from itertools import pairwise
from multiprocessing.pool import Pool

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.registry import Document, RegistryCounter, verify_chain
from tests.registry.workers import append_many, init_worker, ready, register_many

PROCESSES = 4
PER_PROCESS = 25
START_DELAY_SECONDS = 0.3


def test_processes_registering_at_once_use_every_number_exactly_once(
    database_url: str, sessions: sessionmaker[Session], pool: Pool
) -> None:
    per_worker = _run_workers(pool, database_url, fail_every=0)

    numbers = [number for worker in per_worker for number in worker]
    total = PROCESSES * PER_PROCESS
    assert sorted(numbers) == sorted(f"RPW/{n}/2026" for n in range(1, total + 1))
    assert _interleaved(per_worker), "workers never overlapped; nothing was tested"
    _assert_rows_gapless(sessions, total)


def test_failures_after_taking_a_number_leave_no_gap_under_concurrency(
    database_url: str, sessions: sessionmaker[Session], pool: Pool
) -> None:
    per_worker = _run_workers(pool, database_url, fail_every=5)

    numbers = sorted(_sequence(n) for worker in per_worker for n in worker)
    expected_total = PROCESSES * (PER_PROCESS - PER_PROCESS // 5)
    assert numbers == list(range(1, expected_total + 1))
    _assert_rows_gapless(sessions, expected_total)


def test_processes_appending_to_the_journal_at_once_keep_one_chain(
    database_url: str, sessions: sessionmaker[Session], pool: Pool
) -> None:
    start_at = time.time() + START_DELAY_SECONDS
    jobs = [(database_url, w, PER_PROCESS, start_at) for w in range(PROCESSES)]
    per_worker = pool.starmap(append_many, jobs)

    positions = sorted(p for worker in per_worker for p in worker)
    assert positions == list(range(1, PROCESSES * PER_PROCESS + 1))
    with sessions() as session:
        assert verify_chain(session) == []


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    """Worker processes started once (spawn) and shared by this module."""
    context = multiprocessing.get_context("spawn")

    barrier = context.Barrier(PROCESSES)

    with context.Pool(PROCESSES, init_worker, (barrier,)) as workers:
        # Each worker blocks in ready() until all four are up and importing
        # is over, so the timed start in _run_workers finds them all waiting.
        pids = workers.map(ready, range(PROCESSES), chunksize=1)
        assert len(set(pids)) == PROCESSES
        yield workers


def _run_workers(pool: Pool, url: str, fail_every: int) -> list[list[str]]:
    start_at = time.time() + START_DELAY_SECONDS
    jobs = [
        (url, worker, PER_PROCESS, fail_every, start_at) for worker in range(PROCESSES)
    ]
    return pool.starmap(register_many, jobs)


def _assert_rows_gapless(sessions: sessionmaker[Session], total: int) -> None:
    with sessions() as session:
        sequences = session.scalars(
            select(Document.sequence).order_by(Document.sequence)
        ).all()
        assert list(sequences) == list(range(1, total + 1))
        assert session.get(RegistryCounter, 2026).last_sequence == total  # type: ignore[union-attr]
        assert verify_chain(session) == []


def _interleaved(per_worker: list[list[str]]) -> bool:
    # True when some worker's numbers are not one contiguous block.
    for numbers in per_worker:
        sequences = sorted(_sequence(number) for number in numbers)
        if any(b - a > 1 for a, b in pairwise(sequences)):
            return True

    return False


def _sequence(number: str) -> int:
    return int(number.split("/")[1])
