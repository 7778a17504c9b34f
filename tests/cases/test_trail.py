"""Messages, document views and the inbox and deadline queries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.cases import lifecycle, queries, trail, writing
from app.cases.constants import Direction
from app.cases.errors import CaseError
from app.cases.models import Case, CaseMessage, Clerk, Department, DocumentView
from app.registry import register
from app.registry.models import Document, JournalEntry
from tests.cases.conftest import Office
from tests.registry.samples import fake_receipt, register_sample, sample_fields

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def _department(session: Session, office: Office, symbol: str = "SO") -> Department:
    return session.get_one(Department, office.departments[symbol])


def _open(session: Session, office: Office, title: str = "Sprawa") -> Case:
    return lifecycle.open_case(
        session, None, _department(session, office), "5360", title, now=NOW
    )


def test_messages_go_both_ways_and_into_the_journal(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        trail.add_message(
            session, case, "citizen-to-office", "Kiedy?", citizen_email="a@example.org"
        )
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        trail.add_message(session, case, "office-to-citizen", "Jutro.", author=clerk)

    with sessions() as session:
        messages = session.scalars(select(CaseMessage).order_by(CaseMessage.id)).all()
        assert [m.direction for m in messages] == [
            Direction.CITIZEN_TO_OFFICE,
            Direction.OFFICE_TO_CITIZEN,
        ]
        last = session.scalars(
            select(JournalEntry).order_by(JournalEntry.position.desc())
        ).first()
        assert last is not None and last.event == "case-message"
        assert "Jutro" not in last.payload_json


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_an_empty_or_huge_message_is_refused(
    sessions: sessionmaker[Session], office: Office, body: str
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        with pytest.raises(CaseError):
            trail.add_message(session, case, "citizen-to-office", body)


def test_a_citizen_email_with_a_header_in_it_is_refused_review_f15(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        with pytest.raises(CaseError, match="one address"):
            trail.add_message(
                session,
                case,
                "citizen-to-office",
                "Pytanie o sprawę.",
                citizen_email="jan@example.org\r\nBcc: victim@example.org",
            )
        message = trail.add_message(
            session,
            case,
            "citizen-to-office",
            "Pytanie o sprawę.",
            citizen_email="jan@example.org",
        )
        assert message.citizen_email == "jan@example.org"


def test_a_view_is_recorded_with_who_and_which_document(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        document_id = register_sample(session).id

    with writing(sessions) as session:
        document = session.get_one(Document, document_id)
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        trail.record_view(session, clerk, document)

    with sessions() as session:
        view = session.scalars(select(DocumentView)).one()
        assert view.clerk_id == office.clerks["clerk.so"]
        entry = session.scalars(
            select(JournalEntry).where(JournalEntry.event == "document-viewed")
        ).one()
        assert entry.document_id == view.document_id
        assert json.loads(entry.payload_json)["by"] == "clerk.so"


def test_the_inbox_lists_the_departments_free_documents_newest_first(
    sessions: sessionmaker[Session], office: Office
) -> None:
    ids = []
    for day, department in [(1, "SO"), (3, "SO"), (2, "FN"), (5, "SO")]:
        fields = sample_fields(
            f"<x{day}/>".encode(),
            received_at=NOW + timedelta(days=day),
            department=department,
        )
        with writing(sessions) as session:
            document, _ = register(session, receipt_builder=fake_receipt, **fields)
            ids.append(document.id)

    with writing(sessions) as session:
        case = _open(session, office)
        lifecycle.attach_document(
            session, None, case, session.get_one(Document, ids[3])
        )

    with sessions() as session:
        inbox = queries.inbox_documents(session, _department(session, office))
        assert [d.id for d in inbox] == [ids[1], ids[0]]


def test_open_cases_sort_by_deadline_and_overdue_ones_are_found(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        late = _open(session, office, "late")
        soon = _open(session, office, "soon")
        paused = _open(session, office, "paused")
        done = _open(session, office, "done")
        late.deadline = NOW.date() - timedelta(days=1)
        soon.deadline = NOW.date() + timedelta(days=3)
        paused.deadline = NOW.date() - timedelta(days=5)
        lifecycle.pause_for_remedy(session, None, paused, now=NOW)
        lifecycle.decide(session, None, done, "Załatwiono.", now=NOW)

    with sessions() as session:
        department = _department(session, office)
        listed = [c.title for c in queries.open_cases(session, department)]
        assert listed == ["paused", "late", "soon"]
        overdue = queries.overdue_cases(session, department, now=NOW)
        assert [c.title for c in overdue] == ["late"]
        near = queries.near_deadline_cases(session, department, now=NOW)
        assert [c.title for c in near] == ["soon"]
        other = _department(session, office, "FN")
        assert queries.overdue_cases(session, other, now=NOW) == []
