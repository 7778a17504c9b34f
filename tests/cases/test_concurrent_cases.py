"""Cases opened at once by several clerks keep a gapless, unique number series."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.cases import lifecycle
from app.cases.models import Case, Department
from app.db import begin_write
from app.registry.journal import verify_chain
from tests.cases.conftest import Office

WORKERS = 4
PER_WORKER = 6
FAIL_EVERY = 3


def _open_many(
    sessions: sessionmaker[Session], department_id: int, start: threading.Barrier
) -> int:
    """Open cases one transaction each; every third is rolled back on purpose."""
    kept = 0
    start.wait()
    for index in range(PER_WORKER):
        with sessions() as session:
            begin_write(session)
            department = session.get_one(Department, department_id)
            lifecycle.open_case(session, None, department, "3120", "Zaświadczenie")
            if index % FAIL_EVERY == FAIL_EVERY - 1:
                session.rollback()
            else:
                session.commit()
                kept += 1

    return kept


def test_concurrent_cases_are_numbered_without_gaps_or_duplicates(
    sessions: sessionmaker[Session], office: Office
) -> None:
    start = threading.Barrier(WORKERS)
    department_id = office.departments["FN"]

    with ThreadPoolExecutor(WORKERS) as pool:
        kept = sum(
            pool.map(
                lambda _n: _open_many(sessions, department_id, start), range(WORKERS)
            )
        )

    with sessions() as session:
        sequences = sorted(session.scalars(select(Case.sequence)).all())
        numbers = session.scalars(select(Case.number)).all()
        assert verify_chain(session) == []

    assert kept == WORKERS * (PER_WORKER - PER_WORKER // FAIL_EVERY)
    assert sequences == list(range(1, kept + 1))
    assert len(set(numbers)) == kept
    assert all(n.startswith("FN.3120.") for n in numbers)
