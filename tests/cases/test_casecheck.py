"""Case rows, events, messages and receipts edited behind the journal (review S2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.cases import lifecycle, questions, routing, trail, writing
from app.cases.casecheck import verify_cases
from app.cases.journalled import document_states
from app.cases.models import Case, CaseMessage, Clerk, Department
from app.registry.models import Document, JournalEntry
from app.registry.receiptcheck import verify_receipts
from app.registry.rowcheck import verify_rows
from app.registry.tailcheck import verify_tail
from tests.cases.conftest import Office
from tests.registry.samples import register_sample

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
NUMBER = "SO.5360.1.2026"


def test_a_worked_case_verifies_clean(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)

    with sessions() as session:
        case = session.query(Case).one()
        assert (case.number, case.status) == (NUMBER, "decided")
        assert case.paused_days == 3
        assert verify_cases(session) == []
        assert verify_receipts(session) == []
        assert verify_rows(session, document_states(session)) == []
        # Routed to FN, the case keeps its SO number and the SO counter.
        assert verify_tail(session) == []


def test_entries_written_before_s2_still_verify(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)
    # Old entries had no deadline and no body digest (the chain check, not
    # this one, would see the rewrite; here it only stands in for old data).
    with sessions() as session:
        for entry in session.query(JournalEntry).all():
            payload = json.loads(entry.payload_json)
            payload.pop("deadline", None)
            payload.pop("body_sha256", None)
            entry.payload_json = json.dumps(payload)
        session.commit()

    with sessions() as session:
        assert verify_cases(session) == []


# (statement, what verify names); :case, :message and :event are row ids.
EDITS = [
    (
        "UPDATE case_message SET body = 'Prosimy wpłacić 500 zł' WHERE id = :message",
        "message {message}: body",
    ),
    ("UPDATE case_file SET deadline = '2027-06-30'", "deadline"),
    ("UPDATE case_file SET decision = 'Odmowa'", "decision_sha256"),
    (
        "UPDATE case_file SET decided_at = '2026-03-30 09:00:00.000000'",
        "decided_at",
    ),
    ("UPDATE case_file SET status = 'in-progress'", "status"),
    ("UPDATE case_file SET assignee_id = NULL", "assignee"),
    ("UPDATE case_file SET department_id = :so", "department"),
    ("UPDATE case_event SET note = 'nic' WHERE id = :event", "event {event} (paused)"),
]


@pytest.mark.parametrize(("statement", "named"), EDITS)
def test_an_edited_case_field_is_named(
    sessions: sessionmaker[Session], office: Office, statement: str, named: str
) -> None:
    ids = _work(sessions, office)
    _execute(sessions, statement, ids)

    with sessions() as session:
        problems = verify_cases(session)

    assert len(problems) == 1, problems
    assert problems[0].startswith(f"case {NUMBER}: {named.format(**ids)}")


def test_an_edited_receipt_is_named(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)
    _execute(sessions, "UPDATE receipt SET sha256 = '00'", {})

    with sessions() as session:
        problems = verify_receipts(session)

    assert problems == [
        "receipt of document RPW/1/2026: sha256 differs from the journal"
    ]


def test_a_receipt_xml_edited_with_its_digest_kept_is_named(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)
    _execute(sessions, "UPDATE receipt SET xml = :xml", {"xml": b"<upo/>"})

    with sessions() as session:
        problems = verify_receipts(session)

    assert problems == ["receipt of document RPW/1/2026: xml does not match its sha256"]


def _work(sessions: sessionmaker[Session], office: Office) -> dict[str, object]:
    """Open, assign, pause for a remedy with a message, resume, route, decide."""
    with writing(sessions) as session:
        register_sample(session, b"<wniosek n='s2'/>")

    with writing(sessions) as session:
        document = session.query(Document).one()
        clerk = session.get_one(Clerk, office.clerks["clerk.fn"])
        fn = session.get_one(Department, office.departments["FN"])
        so = session.get_one(Department, office.departments["SO"])
        case = lifecycle.open_case(
            session, clerk, so, "5360", "Zameldowanie", document, now=NOW
        )
        routing.route_case(session, clerk, case, fn, now=NOW)
        lifecycle.assign(session, clerk, case, clerk, "Proszę o sprawdzenie.")
        later = NOW + timedelta(days=1)
        lifecycle.pause_for_remedy(session, clerk, case, "Brak podpisu.", now=later)
        message = questions.ask_for_remedy(
            session, case, clerk, "Prosimy o podpis.", "http://127.0.0.1", now=later
        )
        trail.add_message(session, case, "citizen-to-office", "Podpisano.", now=later)
        lifecycle.resume(session, clerk, case, now=later + timedelta(days=3))
        lifecycle.decide(session, clerk, case, "Zameldowano.", now=later + timedelta(5))
        session.flush()
        paused = next(e for e in _events(session, case.id) if e[1] == "paused")
        return {"message": message.id, "event": paused[0], "so": so.id}


def _events(session: Session, case_id: int) -> list[tuple[int, str]]:
    rows = session.execute(
        text("SELECT id, action FROM case_event WHERE case_id = :c ORDER BY id"),
        {"c": case_id},
    )
    return [(row[0], row[1]) for row in rows]


def _execute(
    sessions: sessionmaker[Session], statement: str, ids: dict[str, object]
) -> None:
    with sessions() as session:
        session.execute(text(statement), ids)
        session.commit()
        assert session.query(CaseMessage).count() in (0, 2)


# Rows deleted from under entries that name them (review 2, finding 2):
# (statement, the problem verify gives). :message and :event are row ids.
DELETIONS = [
    (
        "DELETE FROM case_message WHERE id = :message",
        "case {case}: message {message} is missing; journal entry {at} records it",
    ),
    (
        "DELETE FROM case_event WHERE id = :event",
        "case {case}: event (paused) is missing; journal entry {at} records it",
    ),
]


@pytest.mark.parametrize(("statement", "named"), DELETIONS)
def test_a_deleted_case_row_is_named_missing(
    sessions: sessionmaker[Session], office: Office, statement: str, named: str
) -> None:
    ids = _work(sessions, office)
    at = _position(sessions, statement, ids)
    _run(sessions, statement, ids)

    with sessions() as session:
        problems = verify_cases(session)

    assert problems == [named.format(case=NUMBER, at=at, **ids)]


def test_a_deleted_case_document_link_is_named_missing(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)
    with sessions() as session:
        at = _entry_of(session, "case-attached")
        session.execute(text("DELETE FROM case_document"))
        session.commit()

    with sessions() as session:
        problems = verify_cases(session)

    assert problems == [
        f"case {NUMBER}: document RPW/1/2026 is missing from the case; "
        f"journal entry {at} attaches it"
    ]


def test_a_deleted_receipt_is_named_missing(
    sessions: sessionmaker[Session], office: Office
) -> None:
    _work(sessions, office)
    with sessions() as session:
        at = _entry_of(session, "receipt-issued")
        session.execute(text("DELETE FROM receipt"))
        session.commit()

    with sessions() as session:
        problems = verify_receipts(session)

    assert problems == [
        f"receipt of document RPW/1/2026 is missing; journal entry {at} issues it"
    ]


# Who wrote a message or did a step, changed behind the journal.
AUTHORS = [
    (
        "UPDATE case_message SET author_id = :other WHERE id = :message",
        "case {case}: message {message}: author differs from the journal",
    ),
    (
        "UPDATE case_message SET author_id = :other "
        "WHERE direction = 'citizen-to-office'",
        "case {case}: message {citizen}: author differs from the journal",
    ),
    (
        "UPDATE case_event SET clerk_id = :other WHERE id = :event",
        "case {case}: event {event} (paused): clerk differs from the journal",
    ),
    (
        "UPDATE case_event SET clerk_id = NULL WHERE id = :event",
        "case {case}: event {event} (paused): clerk differs from the journal",
    ),
]


@pytest.mark.parametrize(("statement", "named"), AUTHORS)
def test_a_changed_author_is_named(
    sessions: sessionmaker[Session], office: Office, statement: str, named: str
) -> None:
    ids = _work(sessions, office)
    ids["other"] = office.clerks["head.fn"]
    with sessions() as session:
        ids["citizen"] = session.scalar(
            text("SELECT id FROM case_message WHERE direction = 'citizen-to-office'")
        )
    _run(sessions, statement, ids)

    with sessions() as session:
        problems = verify_cases(session)

    assert problems == [named.format(case=NUMBER, **ids)]


def _position(
    sessions: sessionmaker[Session], statement: str, ids: dict[str, object]
) -> int:
    """The journal position of the row the statement deletes."""
    table = statement.split()[2]
    with sessions() as session:
        if table == "case_event":
            found = session.scalar(
                text("SELECT journal_position FROM case_event WHERE id = :event"),
                ids,
            )
        else:
            found = _message_entry(session, int(str(ids["message"])))
        return int(found)


def _message_entry(session: Session, message_id: int) -> int:
    for entry in session.query(JournalEntry).filter_by(event="case-message"):
        if json.loads(entry.payload_json).get("message") == message_id:
            return entry.position

    raise AssertionError(f"no entry for message {message_id}")


def _entry_of(session: Session, event: str) -> int:
    return session.query(JournalEntry).filter_by(event=event).one().position


def _run(
    sessions: sessionmaker[Session], statement: str, ids: dict[str, object]
) -> None:
    with sessions() as session:
        session.execute(text(statement), ids)
        session.commit()


def test_a_case_counter_set_behind_the_last_case_is_named(
    sessions: sessionmaker[Session], office: Office
) -> None:
    """Review 2, finding 3: the next case opened would reuse SO.5360.1.2026."""
    _work(sessions, office)
    _run(sessions, "UPDATE case_counter SET last_sequence = 0", {})

    with sessions() as session:
        problems = verify_tail(session)

    assert problems == [
        "case counter SO.5360.2026: at SO.5360.0.2026, behind the last case "
        f"{NUMBER} (the next case opened would take a number in use)"
    ]
