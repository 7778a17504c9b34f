"""verify_tail: traces of entries cut off the journal's end (review 1, finding 5).

Each test registers three documents (journal entries 1-6, two per document),
cuts RPW/3/2026's entries 5 and 6 off the end as a tamperer would, and leaves
one trace behind.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.registry.rowcheck import verify_rows
from app.registry.tailcheck import tail_note, verify_tail
from tests.registry.samples import register_sample

THIRD = "(SELECT id FROM document WHERE registry_number = 'RPW/3/2026')"
CUT_ENTRIES = "DELETE FROM journal_entry WHERE position > 4"
CUT_ROWS = [
    f"DELETE FROM receipt WHERE document_id = {THIRD}",  # noqa: S608
    "DELETE FROM document WHERE registry_number = 'RPW/3/2026'",
]
COUNTER_BACK = "UPDATE registry_counter SET last_sequence = 2"


def test_an_untouched_registry_has_no_trace(sessions: sessionmaker[Session]) -> None:
    _register(sessions)

    with sessions() as session:
        assert verify_tail(session) == []


def test_a_counter_left_ahead_of_the_documents_is_named(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions)
    _execute(sessions, CUT_ENTRIES, *CUT_ROWS)

    with sessions() as session:
        assert verify_tail(session) == [
            "registry counter 2026: at RPW/3/2026, but the last document is "
            "RPW/2/2026 (documents were cut off the end)"
        ]


def test_a_counter_set_behind_the_last_document_is_named(
    sessions: sessionmaker[Session],
) -> None:
    """Review 2, finding 3: the next registration would reuse RPW/2/2026."""
    _register(sessions)
    _execute(sessions, "UPDATE registry_counter SET last_sequence = 1")

    with sessions() as session:
        assert verify_tail(session) == [
            "registry counter 2026: at RPW/1/2026, behind the last document "
            "RPW/3/2026 (the next registration would take a number in use)"
        ]


def test_a_counter_removed_under_registered_documents_is_named(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions)
    _execute(sessions, "DELETE FROM registry_counter")

    with sessions() as session:
        assert verify_tail(session) == [
            "registry counter 2026: missing, but the last document is "
            "RPW/3/2026 (the next registration would take a number in use)"
        ]


def test_a_document_left_past_the_journal_end_is_named(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions)
    _execute(sessions, CUT_ENTRIES)

    with sessions() as session:
        tail = verify_tail(session)
        rows = verify_rows(session)

    assert tail == [
        "document RPW/3/2026: names journal entry 5, past the journal's last "
        "entry 4 (entries were cut off its end)"
    ]
    assert rows == ["document RPW/3/2026: no registered journal entry names it"]


def test_a_number_with_no_document_is_named(sessions: sessionmaker[Session]) -> None:
    _register(sessions)
    _execute(
        sessions,
        "DELETE FROM journal_entry WHERE position IN (3, 4)",
        "DELETE FROM receipt WHERE document_id = "
        "(SELECT id FROM document WHERE registry_number = 'RPW/2/2026')",
        "DELETE FROM document WHERE registry_number = 'RPW/2/2026'",
    )

    with sessions() as session:
        assert verify_tail(session) == [
            "registry 2026: 1 number(s) up to RPW/3/2026 have no document"
        ]


def test_a_notification_for_a_cut_document_is_named(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions)
    _execute(
        sessions,
        "INSERT INTO outbox (kind, event, document_id, payload, delivery_id, "
        "created_at, next_attempt_at, attempts) SELECT 'email', 'registered', "
        "id, '{}', 'd-1', received_at, received_at, 0 FROM document "
        "WHERE registry_number = 'RPW/3/2026'",
    )
    _execute(sessions, CUT_ENTRIES, *CUT_ROWS, COUNTER_BACK)

    with sessions() as session:
        problems = verify_tail(session)

    assert len(problems) == 1
    assert problems[0].startswith("outbox: notifications name document id ")


def test_a_case_counter_left_ahead_of_the_cases_is_named(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions)
    _execute(
        sessions,
        "INSERT INTO case_counter (department, jrwa, year, last_sequence) "
        "VALUES ('SO', '5360', 2026, 4)",
    )

    with sessions() as session:
        assert verify_tail(session) == [
            "case counter SO.5360.2026: at SO.5360.4.2026, but the last case "
            "is none (cases were cut off the end)"
        ]


def test_a_tail_cut_with_every_trace_is_what_the_note_says_cannot_be_seen(
    sessions: sessionmaker[Session],
) -> None:
    """The limit README states: no outside copy, no way to tell."""
    _register(sessions)
    _execute(sessions, CUT_ENTRIES, *CUT_ROWS, COUNTER_BACK)

    with sessions() as session:
        assert verify_tail(session) == []
        note = tail_note(session)

    assert note.startswith("Not detectable from the database alone: entries cut")
    assert "4 of 4 entries are after the last sealed checkpoint (0)" in note
    assert "KANCELARIA_CHECKPOINT_INTERVAL" in note


def _register(sessions: sessionmaker[Session]) -> None:
    for n in range(3):
        with sessions() as session:
            register_sample(session, f"<wniosek n='{n}'/>".encode())


def _execute(sessions: sessionmaker[Session], *statements: str) -> None:
    with sessions() as session:
        for statement in statements:
            session.execute(text(statement))
        session.commit()
