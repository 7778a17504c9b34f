"""verify_rows: a document row edited outside the application is named (review R1)."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.registry.facts import differences, keyed_digest, part_differences
from app.registry.models import Document, JournalEntry
from app.registry.registration import register
from app.registry.rowcheck import verify_rows
from tests.registry.samples import fake_receipt, register_sample, sample_fields

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


# --- other parts (document_blob): review 1, finding 2 -------------------------

SIGNATURE = hashlib.sha256(b"<ds:Signature/>").hexdigest()
OTHER = hashlib.sha256(b"<ds:Signature>inna</ds:Signature>").hexdigest()
DRAFT = hashlib.sha256(b"%PDF-1.7 draft").hexdigest()
PART_OF_SECOND = (
    "document_id = (SELECT id FROM document WHERE registry_number = 'RPW/2/2026')"
)


def test_untouched_parts_verify(sessions: sessionmaker[Session]) -> None:
    _register_with_parts(sessions)

    with sessions() as session:
        assert verify_rows(session) == []


# (case, statement, the problem verify names) of each change to a part row.
PART_EDITS = [
    (
        "swapped",
        f"UPDATE document_blob SET sha256 = '{OTHER}', size = 40 "  # noqa: S608
        f"WHERE role = 'signature' AND {PART_OF_SECOND}",
        "document RPW/2/2026: signature part differs from journal entry 3",
    ),
    (
        "deleted",
        f"DELETE FROM document_blob WHERE role = 'signature' AND {PART_OF_SECOND}",  # noqa: S608
        "document RPW/2/2026: signature part is missing; journal entry 3 names it",
    ),
    (
        "added",
        "INSERT INTO document_blob (document_id, role, sha256, size) "  # noqa: S608
        f"SELECT id, 'draft', '{DRAFT}', 14 FROM document "
        "WHERE registry_number = 'RPW/1/2026'",
        "document RPW/1/2026: draft part is not in journal entry 1",
    ),
]


@pytest.mark.parametrize(
    ("statement", "problem"),
    [edit[1:] for edit in PART_EDITS],
    ids=[edit[0] for edit in PART_EDITS],
)
def test_a_changed_part_row_is_named_with_the_number_and_field(
    sessions: sessionmaker[Session], statement: str, problem: str
) -> None:
    _register_with_parts(sessions)
    _execute(sessions, statement)

    with sessions() as session:
        assert verify_rows(session) == [problem]


def test_an_entry_written_before_parts_were_journalled_leaves_them_unchecked(
    sessions: sessionmaker[Session],
) -> None:
    """Old entries are never rewritten; what they do not hold is not compared."""
    _register_with_parts(sessions)
    with sessions() as session:
        entry = session.scalars(
            select(JournalEntry).where(JournalEntry.position == 3)
        ).one()
        payload = json.loads(entry.payload_json)
        assert payload["parts"] == {"signature": {"sha256": SIGNATURE, "size": 15}}
        stored = {"signature": (OTHER, 40)}
        assert part_differences(stored, payload) == ["signature: differs"]
        del payload["parts"]

        assert part_differences(stored, payload) == []
        assert part_differences({}, payload) == []


def _register_with_parts(sessions: sessionmaker[Session]) -> None:
    """RPW/1 without other parts, RPW/2 with a detached signature part."""
    with sessions() as session:
        register(session, receipt_builder=fake_receipt, **sample_fields(b"<a/>"))
    with sessions() as session:
        fields = sample_fields(b"<b/>", blobs=[("signature", SIGNATURE, 15)])
        register(session, receipt_builder=fake_receipt, **fields)


def _register(sessions: sessionmaker[Session], count: int) -> None:
    for n in range(count):
        with sessions() as session:
            register_sample(session, f"<wniosek n='{n}'{' ' * n}/>".encode())


def _execute(sessions: sessionmaker[Session], statement: str) -> None:
    with sessions() as session:
        session.execute(text(statement))
        session.commit()
