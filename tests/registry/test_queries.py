"""Read access to the registry: by number, access code, hash; pages; receipts."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.registry import Document
from app.registry import queries as q
from app.registry.journal import EVENT_RECEIPT_ISSUED, EVENT_REGISTERED
from tests.registry.samples import register_sample, register_sample_with_receipt


@pytest.fixture
def three(sessions: sessionmaker[Session]) -> list[Document]:
    documents = []

    for content in (b"<a/>", b"<b/>", b"<a/>"):
        with sessions() as session:
            documents.append(register_sample(session, content))

    return documents


def test_document_is_found_by_number_and_id(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        by_number = q.get_document_by_number(session, "RPW/2/2026")
        by_id = q.get_document(session, three[1].id)

    assert by_number is not None and by_number.id == three[1].id
    assert by_id is not None and by_id.registry_number == "RPW/2/2026"


def test_unknown_number_finds_nothing(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        assert q.get_document_by_number(session, "RPW/4/2026") is None
        assert q.get_receipt_by_number(session, "RPW/4/2026") is None


def test_document_is_found_by_its_access_code(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        found = q.get_document_by_access_code(session, three[2].access_code)
        assert q.get_document_by_access_code(session, "NO-SUCH-CODE") is None

    assert found is not None and found.id == three[2].id


def test_same_bytes_registered_twice_are_found_by_hash_oldest_first(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        found = q.find_documents_by_sha256(session, hashlib.sha256(b"<a/>").hexdigest())

    assert [d.registry_number for d in found] == ["RPW/1/2026", "RPW/3/2026"]


def test_receipt_is_found_by_document_and_by_number(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        document, receipt = register_sample_with_receipt(session)

    with sessions() as session:
        by_document = q.get_receipt(session, document.id)
        by_number = q.get_receipt_by_number(session, document.registry_number)

    assert by_document is not None and by_document.xml == receipt.xml
    assert by_number is not None and by_number.id == receipt.id


def test_documents_are_listed_newest_first_in_pages(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        first_page = q.list_documents(session, limit=2)
        second_page = q.list_documents(session, limit=2, offset=2)
        total = q.count_documents(session)

    assert [d.sequence for d in first_page] == [3, 2]
    assert [d.sequence for d in second_page] == [1]
    assert total == 3


def test_page_size_is_capped(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        assert len(q.list_documents(session, limit=0)) == 1
        assert len(q.list_documents(session, limit=10**9)) == 3


def test_journal_of_a_document_lists_its_events_in_order(
    sessions: sessionmaker[Session], three: list[Document]
) -> None:
    with sessions() as session:
        entries = q.list_journal(session, three[1].id)

    assert [(e.position, e.event) for e in entries] == [
        (3, EVENT_REGISTERED),
        (4, EVENT_RECEIPT_ISSUED),
    ]
