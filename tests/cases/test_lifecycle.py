"""Case actions on SQLite and PostgreSQL: numbers, documents, states, journal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.cases import lifecycle, writing
from app.cases.constants import CaseStatus, DocumentStatus
from app.cases.errors import CaseError, CaseErrorCode
from app.cases.models import Case, CaseEvent, Clerk, Department
from app.registry.journal import verify_chain
from app.registry.models import Document, JournalEntry
from tests.cases.conftest import Office
from tests.registry.samples import register_sample

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def _new_document(sessions: sessionmaker[Session], content: bytes) -> int:
    with writing(sessions) as session:
        return register_sample(session, content).id


def _open(
    session: Session, office: Office, login: str = "clerk.so", jrwa: str = "5360"
) -> Case:
    clerk = session.get_one(Clerk, office.clerks[login])
    department = session.get_one(Department, office.departments["SO"])
    return lifecycle.open_case(
        session, clerk, department, jrwa, "Zameldowanie na pobyt stały", now=NOW
    )


def test_open_case_numbers_it_and_puts_the_document_in_it(
    sessions: sessionmaker[Session], office: Office
) -> None:
    document_id = _new_document(sessions, b"<a/>")

    with writing(sessions) as session:
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        department = session.get_one(Department, office.departments["SO"])
        document = session.get_one(Document, document_id)
        case = lifecycle.open_case(
            session, clerk, department, "5360", "  Zameldowanie \n ", document, now=NOW
        )

    with sessions() as session:
        case = session.get_one(Case, case.id)
        assert case.number == "SO.5360.1.2026"
        assert case.title == "Zameldowanie"
        assert case.status == CaseStatus.OPEN
        # The KPA month runs from the document's arrival (14 March), not today.
        assert case.started_on == date(2026, 3, 14)
        assert case.deadline == date(2026, 4, 13)
        assert session.get_one(Document, document_id).status == DocumentStatus.IN_CASE
        entries = session.scalars(select(JournalEntry).order_by(JournalEntry.position))
        assert [e.event for e in entries][-3:] == [
            "receipt-issued",
            "case-opened",
            "case-attached",
        ]
        assert verify_chain(session) == []


def test_case_numbers_count_per_department_class_and_year(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        first = _open(session, office).number
        second = _open(session, office).number
        other_class = _open(session, office, jrwa="0152").number

    assert (first, second, other_class) == (
        "SO.5360.1.2026",
        "SO.5360.2.2026",
        "SO.0152.1.2026",
    )


def test_a_rolled_back_case_gives_its_number_back(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with sessions() as session:
        from app.db import begin_write

        begin_write(session)
        assert _open(session, office).number == "SO.5360.1.2026"
        session.rollback()

    with writing(sessions) as session:
        assert _open(session, office).number == "SO.5360.1.2026"
        assert _open(session, office).number == "SO.5360.2.2026"

    with sessions() as session:
        assert session.scalars(select(Case.number)).all() == [
            "SO.5360.1.2026",
            "SO.5360.2.2026",
        ]


@pytest.mark.parametrize("jrwa", ["536", "9999", "12345"])
def test_a_case_is_opened_only_under_a_class_with_a_category(
    sessions: sessionmaker[Session], office: Office, jrwa: str
) -> None:
    with writing(sessions) as session, pytest.raises(CaseError) as caught:
        _open(session, office, jrwa=jrwa)

    assert caught.value.code == CaseErrorCode.UNKNOWN_JRWA


def test_a_document_belongs_to_one_case_only(
    sessions: sessionmaker[Session], office: Office
) -> None:
    document_id = _new_document(sessions, b"<b/>")

    with writing(sessions) as session:
        document = session.get_one(Document, document_id)
        first, second = _open(session, office), _open(session, office)
        lifecycle.attach_document(session, None, first, document)
        with pytest.raises(CaseError) as caught:
            lifecycle.attach_document(session, None, second, document)

    assert caught.value.code == CaseErrorCode.DOCUMENT_IN_CASE


def test_assign_keeps_the_note_in_the_trail_and_its_digest_in_the_journal(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        case = _open(session, office, login="head.so")
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        head = session.get_one(Clerk, office.clerks["head.so"])
        lifecycle.assign(session, head, case, clerk, "Proszę sprawdzić adres.")

    with sessions() as session:
        case = session.get_one(Case, case.id)
        assert case.assignee_id == office.clerks["clerk.so"]
        assert case.status == CaseStatus.IN_PROGRESS
        event = session.scalars(
            select(CaseEvent).where(CaseEvent.action == "assigned")
        ).one()
        assert event.note == "Proszę sprawdzić adres."
        entry = session.get_one(JournalEntry, event.journal_position)
        payload = json.loads(entry.payload_json)
        assert payload["by"] == "head.so" and payload["to"] == "clerk.so"
        assert "adres" not in entry.payload_json
        assert len(payload["note_sha256"]) == 64


def test_a_case_is_not_assigned_to_another_department(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        outsider = session.get_one(Clerk, office.clerks["clerk.fn"])
        with pytest.raises(CaseError) as caught:
            lifecycle.assign(session, None, case, outsider)

    assert caught.value.code == CaseErrorCode.ASSIGNEE_NOT_IN_DEPARTMENT


def test_a_pause_for_remedy_moves_the_deadline_by_its_days(
    sessions: sessionmaker[Session], office: Office
) -> None:
    document_id = _new_document(sessions, b"<c/>")

    with writing(sessions) as session:
        case = _open(session, office)
        lifecycle.attach_document(
            session, None, case, session.get_one(Document, document_id)
        )
        before = case.deadline
        lifecycle.pause_for_remedy(session, None, case, "Brak podpisu.", now=NOW)
        status_while_paused = session.get_one(Document, document_id).status
        days = lifecycle.resume(session, None, case, now=NOW + timedelta(days=9))

    assert status_while_paused == DocumentStatus.AWAITING_REMEDY
    assert days == 9
    with sessions() as session:
        case = session.get_one(Case, case.id)
        assert case.deadline == before + timedelta(days=9)
        assert case.paused_days == 9 and case.paused_since is None
        assert session.get_one(Document, document_id).status == DocumentStatus.IN_CASE


def test_a_pause_moves_a_form_limited_deadline_without_losing_the_limit_review_f31(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        department = session.get_one(Department, office.departments["SO"])
        case = lifecycle.open_case(
            session, clerk, department, "5360", "Zaświadczenie", now=NOW, form_days=7
        )
        opened_deadline = case.deadline
        lifecycle.pause_for_remedy(session, None, case, "Brak opłaty.", now=NOW)
        lifecycle.resume(session, None, case, now=NOW + timedelta(days=3))

    assert opened_deadline == case.started_on + timedelta(days=7)
    with sessions() as session:
        stored = session.get_one(Case, case.id)
        assert stored.deadline == stored.started_on + timedelta(days=10)


def test_pausing_twice_and_resuming_a_running_case_are_refused(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        with pytest.raises(CaseError) as not_paused:
            lifecycle.resume(session, None, case)
        lifecycle.pause_for_remedy(session, None, case)
        with pytest.raises(CaseError) as twice:
            lifecycle.pause_for_remedy(session, None, case)

    assert not_paused.value.code == CaseErrorCode.NOT_PAUSED
    assert twice.value.code == CaseErrorCode.ALREADY_PAUSED


def test_a_decision_closes_the_case_and_its_documents(
    sessions: sessionmaker[Session], office: Office
) -> None:
    document_id = _new_document(sessions, b"<d/>")

    with writing(sessions) as session:
        case = _open(session, office)
        lifecycle.attach_document(
            session, None, case, session.get_one(Document, document_id)
        )
        lifecycle.decide(session, None, case, "Zameldowano.", now=NOW)
        with pytest.raises(CaseError) as after:
            lifecycle.change_status(session, None, case, "in-progress")

    assert after.value.code == CaseErrorCode.CASE_DECIDED
    with sessions() as session:
        case = session.get_one(Case, case.id)
        assert case.status == CaseStatus.DECIDED and case.decided_at == NOW
        assert case.decision == "Zameldowano."
        assert session.get_one(Document, document_id).status == DocumentStatus.DECIDED
        assert verify_chain(session) == []


def test_deciding_while_awaiting_a_remedy_records_no_remedy_received_review_r15(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        lifecycle.pause_for_remedy(session, None, case, now=NOW)
        later = NOW + timedelta(days=3)
        lifecycle.decide(
            session, None, case, "Pozostawiono bez rozpoznania.", now=later
        )

    with sessions() as session:
        case = session.get_one(Case, case.id)
        actions = session.scalars(
            select(CaseEvent.action).where(CaseEvent.case_id == case.id)
        ).all()
        assert "resumed" not in actions
        assert actions[-1] == "decided"
        assert case.paused_since is None and case.paused_days == 3
        assert case.status == CaseStatus.DECIDED


@pytest.mark.parametrize("status", ["decided", "awaiting-remedy", "nonsense"])
def test_change_status_sets_only_open_or_in_progress(
    sessions: sessionmaker[Session], office: Office, status: str
) -> None:
    with writing(sessions) as session:
        case = _open(session, office)
        with pytest.raises(CaseError) as caught:
            lifecycle.change_status(session, None, case, status)

    assert caught.value.code == CaseErrorCode.STATUS_NOT_ALLOWED


def test_two_clerks_filing_one_document_at_once_put_it_in_one_case(
    sessions: sessionmaker[Session], office: Office
) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    document_id = _new_document(sessions, b"<race/>")
    with writing(sessions) as session:
        cases = [_open(session, office).id for _ in range(4)]
    start = threading.Barrier(len(cases))

    def attach(case_id: int) -> str:
        start.wait()
        try:
            with writing(sessions) as session:
                case = session.get_one(Case, case_id)
                document = session.get_one(Document, document_id)
                lifecycle.attach_document(session, None, case, document)
        except CaseError as exc:
            return exc.code

        return "attached"

    with ThreadPoolExecutor(len(cases)) as pool:
        outcomes = sorted(pool.map(attach, cases))

    assert outcomes == ["DOCUMENT_IN_CASE"] * 3 + ["attached"]
