"""Code run in separate processes by the concurrency tests (spawn start method)."""

from __future__ import annotations

import os
import time
from multiprocessing.synchronize import Barrier

from app.db import make_engine, make_session_factory
from app.registry import Document, append, register
from tests.registry.samples import fake_receipt, sample_fields

# A request validates for a while between two registrations; without such a
# pause SQLite's busy handler lets one tight loop keep the lock for a block.
PAUSE_SECONDS = 0.002


class BuilderFailedError(RuntimeError):
    """Raised on purpose by a receipt builder to force a rollback."""


_barrier: Barrier | None = None


def init_worker(barrier: Barrier) -> None:
    """Pool initializer: keep the barrier that :func:`ready` waits at."""
    global _barrier
    _barrier = barrier


def ready(_job: int) -> int:
    """Wait until every worker has imported the application; return the pid."""
    assert _barrier is not None
    _barrier.wait(timeout=120)
    return os.getpid()


def register_many(
    url: str, worker: int, count: int, fail_every: int, start_at: float
) -> list[str]:
    """Register ``count`` documents; every ``fail_every``-th one rolls back."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    numbers = []

    # All workers start together, at an agreed wall-clock time.
    time.sleep(max(0.0, start_at - time.time()))

    for index in range(count):
        failing = fail_every and index % fail_every == fail_every - 1
        builder = _failing_receipt if failing else fake_receipt
        content = f"<wniosek worker='{worker}' n='{index}'/>".encode()

        with sessions() as session:
            try:
                document, _ = register(
                    session, receipt_builder=builder, **sample_fields(content)
                )
                numbers.append(document.registry_number)
            except BuilderFailedError:
                pass

        time.sleep(PAUSE_SECONDS)

    engine.dispose()
    return numbers


def append_many(url: str, worker: int, count: int, start_at: float) -> list[int]:
    """Append ``count`` journal events with no registration; return positions."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    positions = []
    time.sleep(max(0.0, start_at - time.time()))

    for index in range(count):
        with sessions() as session:
            payload = {"worker": worker, "index": index}
            positions.append(append(session, "test-event", None, payload).position)
            session.commit()

        time.sleep(PAUSE_SECONDS)

    engine.dispose()
    return positions


def _failing_receipt(document: Document) -> bytes:
    raise BuilderFailedError(document.registry_number)
