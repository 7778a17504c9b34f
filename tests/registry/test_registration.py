"""register(): number, document, journal and receipt in one transaction."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.registry import (
    Document,
    JournalEntry,
    Receipt,
    RegistryCounter,
    register,
)
from app.registry.journal import EVENT_RECEIPT_ISSUED, EVENT_REGISTERED
from tests.registry.samples import (
    RECEIVED_AT,
    fake_receipt,
    register_sample,
    register_sample_with_receipt,
    sample_fields,
)


class ReceiptSealingError(RuntimeError):
    """Stands for a sealing failure inside the receipt builder."""


def test_first_registration_gets_number_one_and_its_receipt(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        document, receipt = register_sample_with_receipt(session)

    assert document.registry_number == "RPW/1/2026"
    assert (document.year, document.sequence, document.status) == (
        2026,
        1,
        "registered",
    )
    assert receipt.document_id == document.id
    assert receipt.xml == b"<UPO><Numer>RPW/1/2026</Numer></UPO>"
    assert receipt.sha256 == hashlib.sha256(receipt.xml).hexdigest()


def test_registered_document_reads_back_with_every_field(
    sessions: sessionmaker[Session],
) -> None:
    fields = sample_fields(b"<wniosek>A</wniosek>", subindication="NO_POE")

    with sessions() as session:
        document, _ = register(session, receipt_builder=fake_receipt, **fields)

    with sessions() as session:
        stored = session.get(Document, document.id)
        assert stored is not None
        for name, value in fields.items():
            assert getattr(stored, name) == value, name
        assert stored.received_at.tzinfo is not None


def test_receipt_builder_sees_the_number_and_id_already_assigned(
    sessions: sessionmaker[Session],
) -> None:
    seen: list[tuple[int, str]] = []

    def builder(document: Document) -> bytes:
        seen.append((document.id, document.registry_number))
        return b"<UPO/>"

    with sessions() as session:
        document, _ = register(session, receipt_builder=builder, **sample_fields())

    assert seen == [(document.id, "RPW/1/2026")]


def test_registration_journals_registered_then_receipt_issued(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        document, receipt = register_sample_with_receipt(session)

    with sessions() as session:
        entries = session.scalars(
            select(JournalEntry).order_by(JournalEntry.position)
        ).all()

    assert [(e.event, e.document_id) for e in entries] == [
        (EVENT_REGISTERED, document.id),
        (EVENT_RECEIPT_ISSUED, document.id),
    ]
    assert receipt.sha256 in entries[1].payload_json
    assert "Testowy" not in entries[0].payload_json + entries[1].payload_json


def test_failing_receipt_builder_writes_nothing_and_frees_the_number(
    sessions: sessionmaker[Session],
) -> None:
    def failing(document: Document) -> bytes:
        raise ReceiptSealingError(document.registry_number)

    with sessions() as session, pytest.raises(ReceiptSealingError):
        register(session, receipt_builder=failing, **sample_fields())

    with sessions() as session:
        assert _count(session, Document) == 0
        assert _count(session, Receipt) == 0
        assert _count(session, JournalEntry) == 0
        assert _count(session, RegistryCounter) == 0

    with sessions() as session:
        assert register_sample(session).registry_number == "RPW/1/2026"


def test_duplicate_access_code_rolls_the_whole_registration_back(
    sessions: sessionmaker[Session],
) -> None:
    fields = sample_fields(access_code="SAME-CODE")

    with sessions() as session:
        register(session, receipt_builder=fake_receipt, **fields)

    with sessions() as session, pytest.raises(IntegrityError):
        register(session, receipt_builder=fake_receipt, **fields)

    with sessions() as session:
        assert _count(session, Document) == 1
        assert _count(session, JournalEntry) == 2
        assert session.get(RegistryCounter, 2026).last_sequence == 1  # type: ignore[union-attr]


def test_access_code_is_made_up_when_not_given_and_differs_per_document(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        first = register_sample(session, b"<a/>")

    with sessions() as session:
        second = register_sample(session, b"<b/>")

    assert len(first.access_code) >= 16
    assert first.access_code != second.access_code


def test_arrival_on_new_years_eve_in_warsaw_is_numbered_in_the_new_year(
    sessions: sessionmaker[Session],
) -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 in Warsaw

    with sessions() as session:
        before, _ = register(session, receipt_builder=fake_receipt, **sample_fields())

    with sessions() as session:
        after, _ = register(
            session, receipt_builder=fake_receipt, **sample_fields(received_at=late)
        )

    assert before.registry_number == "RPW/1/2026"
    assert after.registry_number == "RPW/1/2027"


def test_naive_arrival_time_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session],
) -> None:
    naive = RECEIVED_AT.replace(tzinfo=None)

    with sessions() as session, pytest.raises(Exception, match="naive"):
        register(
            session, receipt_builder=fake_receipt, **sample_fields(received_at=naive)
        )

    with sessions() as session:
        assert _count(session, Document) == 0


def test_arrival_time_keeps_microseconds_and_utc(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        document = register_sample(session)

    with sessions() as session:
        stored = session.get(Document, document.id)
        assert stored is not None
        assert stored.received_at == RECEIVED_AT
        assert stored.received_at.utcoffset() == RECEIVED_AT.utcoffset()


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
