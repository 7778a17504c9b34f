"""Group commit: several registrations in one transaction, gapless whatever fails.

The Registrar lets the threads of one process share transactions; the
write_batch tests put several documents in one batch on purpose. Both run
on SQLite and on PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.registry import Document, JournalEntry, Receipt, RegistryCounter, verify_chain
from app.registry.batch import Pending, write_batch
from app.registry.combiner import Registrar
from tests.registry.samples import fake_receipt, sample_fields

THREADS = 8
PER_THREAD = 15
FAIL_EVERY = 4


class SealFailedError(RuntimeError):
    """Raised on purpose by a receipt builder."""


def _failing(document: Document) -> bytes:
    raise SealFailedError(document.registry_number)


def _item(n: int, builder=fake_receipt, **overrides: object) -> Pending:  # type: ignore[no-untyped-def]
    return Pending(sample_fields(f"<wniosek n='{n}'/>".encode(), **overrides), builder)


def test_threads_registering_at_once_share_commits_and_use_every_number_once(
    sessions: sessionmaker[Session],
) -> None:
    registrar = Registrar(sessions, max_batch=32)
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    refused: list[BaseException] = []

    def submit(worker: int) -> None:
        start.wait(timeout=30)
        for index in range(PER_THREAD):
            failing = index % FAIL_EVERY == FAIL_EVERY - 1
            content = f"<wniosek w='{worker}' n='{index}'/>".encode()
            try:
                document, receipt = registrar.register(
                    receipt_builder=_failing if failing else fake_receipt,
                    **sample_fields(content),
                )
            except SealFailedError as exc:
                refused.append(exc)
                continue
            assert document.registry_number.encode() in receipt.xml
            numbers.append(document.registry_number)

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    failing_total = THREADS * (PER_THREAD // FAIL_EVERY)
    total = THREADS * PER_THREAD - failing_total
    assert len(refused) == failing_total
    assert sorted(numbers) == sorted(f"RPW/{n}/2026" for n in range(1, total + 1))
    # Shared transactions did happen: fewer batches than registrations.
    assert registrar.registered == total
    assert registrar.batches < total
    _assert_registry(sessions, {2026: total})


def test_builder_failing_in_a_batch_gives_its_number_to_the_next_document(
    sessions: sessionmaker[Session],
) -> None:
    items = [_item(0), _item(1, _failing), _item(2), _item(3, _failing)]

    with sessions() as session:
        write_batch(session, items)

    assert isinstance(items[1].error, SealFailedError)
    assert isinstance(items[3].error, SealFailedError)
    assert items[1].result is None and items[3].result is None
    assert [item.result[0].registry_number for item in (items[0], items[2])] == [  # type: ignore[index]
        "RPW/1/2026",
        "RPW/2/2026",
    ]
    _assert_registry(sessions, {2026: 2})


def test_every_builder_failing_writes_nothing_not_even_the_counter(
    sessions: sessionmaker[Session],
) -> None:
    items = [_item(0, _failing), _item(1, _failing)]

    with sessions() as session:
        write_batch(session, items)

    assert all(isinstance(item.error, SealFailedError) for item in items)
    with sessions() as session:
        assert _count(session, RegistryCounter) == 0
        assert _count(session, Document) == 0


def test_a_failing_statement_fails_the_whole_batch_and_writes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        write_batch(session, [_item(0)])

    # The third document repeats an access code: the INSERT fails.
    same = "KOD-POWTORZONY-1"
    items = [
        _item(1, access_code=same),
        _item(2),
        _item(3, access_code=same),
    ]
    with sessions() as session:
        write_batch(session, items)

    assert all(isinstance(item.error, IntegrityError) for item in items)
    assert all(item.result is None for item in items)
    _assert_registry(sessions, {2026: 1})

    # The numbers were given back: the next registration continues at 2.
    again = [_item(4)]
    with sessions() as session:
        write_batch(session, again)
    assert again[0].result is not None
    assert again[0].result[0].registry_number == "RPW/2/2026"


def test_a_failing_hook_fails_the_whole_batch_and_writes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    def hook(_session: Session, document: Document) -> None:
        if document.sequence == 2:
            raise SealFailedError("outbox unavailable")

    items = [_item(n) for n in range(3)]
    for item in items:
        item.on_registered = hook

    with sessions() as session:
        write_batch(session, items)

    assert all(isinstance(item.error, SealFailedError) for item in items)
    with sessions() as session:
        assert _count(session, Document) == 0
        assert _count(session, JournalEntry) == 0
        assert _count(session, RegistryCounter) == 0


def test_a_naive_time_is_refused_for_its_document_only(
    sessions: sessionmaker[Session],
) -> None:
    naive = datetime(2026, 3, 14, 9, 0)
    items = [_item(0), _item(1, received_at=naive), _item(2)]

    with sessions() as session:
        write_batch(session, items)

    assert isinstance(items[1].error, ValueError)
    assert "naive" in str(items[1].error)
    _assert_registry(sessions, {2026: 2})


def test_a_batch_across_new_year_numbers_each_year_from_one(
    sessions: sessionmaker[Session],
) -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 in Warsaw: 2027
    items = [_item(0), _item(1, received_at=late), _item(2), _item(3, received_at=late)]

    with sessions() as session:
        write_batch(session, items)

    numbers = [item.result[0].registry_number for item in items]  # type: ignore[index]
    assert numbers == ["RPW/1/2026", "RPW/1/2027", "RPW/2/2026", "RPW/2/2027"]
    _assert_registry(sessions, {2026: 2, 2027: 2})


def test_a_registration_is_readable_elsewhere_when_register_returns(
    sessions: sessionmaker[Session],
) -> None:
    registrar = Registrar(sessions)

    document, receipt = registrar.register(
        receipt_builder=fake_receipt, **sample_fields()
    )

    with sessions() as other:
        stored = other.get(Document, document.id)
        assert stored is not None
        assert stored.registry_number == document.registry_number
        assert other.get(Receipt, receipt.id) is not None


def test_the_journal_positions_on_receipts_follow_the_chain_in_a_batch(
    sessions: sessionmaker[Session],
) -> None:
    items = [_item(n) for n in range(5)]

    with sessions() as session:
        write_batch(session, items)

    with sessions() as session:
        registered = dict(
            session.execute(
                select(JournalEntry.document_id, JournalEntry.position).where(
                    JournalEntry.event == "registered"
                )
            ).all()
        )
    for item in items:
        document = item.result[0]  # type: ignore[index]
        assert registered[document.id] == document.journal_position


@pytest.mark.parametrize("max_batch", [1, 3])
def test_the_batch_size_is_capped(
    sessions: sessionmaker[Session], max_batch: int
) -> None:
    registrar = Registrar(sessions, max_batch=max_batch)
    hold = threading.Event()
    seen: Counter[int] = Counter()

    def slow(document: Document) -> bytes:
        # The first batch waits, so that the other threads queue up.
        hold.wait(timeout=5)
        seen[registrar.batches] += 1
        return fake_receipt(document)

    threads = [
        threading.Thread(
            target=lambda n=n: registrar.register(
                receipt_builder=slow, **sample_fields(f"<w n='{n}'/>".encode())
            )
        )
        for n in range(7)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the other six queue up behind the first batch
    hold.set()
    for thread in threads:
        thread.join(timeout=60)

    assert registrar.registered == 7
    assert max(seen.values()) <= max_batch
    _assert_registry(sessions, {2026: 7})


def _assert_registry(sessions: sessionmaker[Session], totals: dict[int, int]) -> None:
    with sessions() as session:
        for year, total in totals.items():
            sequences = session.scalars(
                select(Document.sequence)
                .where(Document.year == year)
                .order_by(Document.sequence)
            ).all()
            assert list(sequences) == list(range(1, total + 1))
            counter = session.get(RegistryCounter, year)
            assert counter is not None and counter.last_sequence == total
        assert _count(session, Receipt) == sum(totals.values())
        assert verify_chain(session) == []


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_batch_keeps_its_rows_in_the_session_as_stored_with_nothing_to_flush(
    sessions: sessionmaker[Session],
) -> None:
    # The rows are built without their constructors (app.registry.models
    # bulk_row): they must still be whole, unchanged, persistent rows.
    items = [_item(n) for n in range(3)]

    with sessions() as session:
        write_batch(session, items)
        assert all(item.error is None and item.result for item in items), items
        assert not session.dirty and not session.new
        for item in items:
            for row in item.result or ():
                state = inspect(row)
                assert state.persistent and not state.modified
                assert not state.expired_attributes & _columns(row)

    with sessions() as other:
        for item in items:
            for row in item.result or ():
                stored = other.get(type(row), row.id)  # type: ignore[attr-defined]
                assert stored is not None
                for name in _columns(row):
                    assert getattr(stored, name) == getattr(row, name), name


def _columns(row: object) -> set[str]:
    return {column.key for column in row.__table__.columns}  # type: ignore[attr-defined]
