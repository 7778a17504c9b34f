"""verify_rows: a document row edited outside the application is named (review R1)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.registry.facts import differences, keyed_digest
from app.registry.models import Document, JournalEntry
from app.registry.rowcheck import verify_rows
from tests.registry.samples import register_sample

# (column, new value as SQL) of each fact a tamperer might change.
EDITS = [
    ("indication", "'TOTAL_FAILED'"),
    ("subindication", "'HASH_FAILURE'"),
    ("received_at", "'2026-03-11 09:26:53.589793'"),
    ("signing_time", "'2026-03-11 09:26:53.589793'"),
    ("signer_name", "'Anna Podmieniona'"),
    ("signer_identifier", "'PNOPL-00000000000'"),
    ("sender", "'inny@example.org'"),
    ("department", "'FN'"),
    ("status", "'decided'"),
    ("report_json", "'{}'"),
    ("form_id", "'pismo-ogolne'"),
    ("media_type", "'application/pdf'"),
    ("channel", "'api'"),
    ("access_code", "'ABCDEFGHJKMNPQRS'"),
    ("journal_position", "99"),
    ("sequence", "7"),
]
SECOND = "registry_number = 'RPW/2/2026'"


def test_untouched_rows_verify(sessions: sessionmaker[Session]) -> None:
    _register(sessions, 3)

    with sessions() as session:
        assert verify_rows(session, batch_size=2) == []


@pytest.mark.parametrize(("column", "value"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edited_fact_is_named_with_the_number_and_field(
    sessions: sessionmaker[Session], column: str, value: str
) -> None:
    _register(sessions, 2)
    # Column and value come from EDITS above, not from outside.
    edit = f"UPDATE document SET {column} = {value} WHERE {SECOND}"  # noqa: S608
    _execute(sessions, edit)

    with sessions() as session:
        problems = verify_rows(session)

    field = "year/sequence" if column == "sequence" else column
    assert problems == [f"document RPW/2/2026: {field} differs from journal entry 3"]


def test_a_row_pointed_at_another_stored_original_is_named(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions, 2)
    _execute(
        sessions,
        "UPDATE document SET (sha256, size) = "
        "(SELECT sha256, size FROM document WHERE registry_number = 'RPW/1/2026') "
        "WHERE registry_number = 'RPW/2/2026'",
    )

    with sessions() as session:
        problems = verify_rows(session)

    assert problems == [
        "document RPW/2/2026: sha256 differs from journal entry 3",
        "document RPW/2/2026: size differs from journal entry 3",
    ]


def test_the_registered_entry_holds_no_personal_data_in_clear(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions, 1)

    with sessions() as session:
        document = session.scalars(select(Document)).one()
        payload_json = session.scalars(
            select(JournalEntry.payload_json).where(JournalEntry.position == 1)
        ).one()

    payload = json.loads(payload_json)
    for secret in ("Jan Testowy", "44051401458", "jan.testowy", document.access_code):
        assert secret not in payload_json

    digest = keyed_digest(document.access_code, "signer_name", "Jan Testowy")
    assert payload["keyed"]["signer_name"] == digest
    assert payload["received_at"] == "2026-03-14T09:26:53.589793Z"


def test_an_entry_written_before_the_new_facts_checks_what_it_holds(
    sessions: sessionmaker[Session],
) -> None:
    _register(sessions, 1)

    with sessions() as session:
        document = session.scalars(select(Document)).one()
        old = {
            "registry_number": document.registry_number,
            "sha256": document.sha256,
            "size": document.size,
            "channel": document.channel,
            "form_id": document.form_id,
            "indication": document.indication,
        }
        assert differences(document, old) == []

        document.signer_name = "Ktoś Inny"
        assert differences(document, old) == []
        document.indication = "TOTAL_FAILED"
        assert differences(document, old) == ["indication"]
        session.rollback()


def _register(sessions: sessionmaker[Session], count: int) -> None:
    for n in range(count):
        with sessions() as session:
            register_sample(session, f"<wniosek n='{n}'{' ' * n}/>".encode())


def _execute(sessions: sessionmaker[Session], statement: str) -> None:
    with sessions() as session:
        session.execute(text(statement))
        session.commit()
