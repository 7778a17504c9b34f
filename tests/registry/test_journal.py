"""The journal's hash chain verifies, and tampering with it is found."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.registry import JournalEntry, append, verify_chain
from app.registry.journal import GENESIS_HASH, canonical_json, entry_hash
from tests.registry.samples import RECEIVED_AT, register_sample


def test_first_entry_follows_the_genesis_hash(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        entry = append(session, "checkpoint", None, {"note": "start"})
        session.commit()

    assert (entry.position, entry.prev_hash) == (1, GENESIS_HASH)
    assert GENESIS_HASH == "0" * 64


def test_entry_hash_is_sha256_of_the_canonical_fields(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        entry = append(session, "checkpoint", None, {"b": 2, "a": "ą"}, RECEIVED_AT)
        session.commit()

    at = "2026-03-14T09:26:53.589793Z"
    fields = [1, at, "checkpoint", None, '{"a":"ą","b":2}', GENESIS_HASH]
    encoded = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(encoded.encode("utf-8")).hexdigest()
    assert entry.payload_json == canonical_json({"a": "ą", "b": 2})
    assert entry.entry_hash == expected == entry_hash(entry)


def test_untouched_chain_verifies(sessions: sessionmaker[Session]) -> None:
    _registrations(sessions, 3)

    with sessions() as session:
        assert verify_chain(session) == []


def test_empty_journal_verifies(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert verify_chain(session) == []


def test_verification_in_small_batches_reads_the_whole_chain(
    sessions: sessionmaker[Session],
) -> None:
    _registrations(sessions, 3)
    _execute(sessions, "UPDATE journal_entry SET event = 'x' WHERE position = 6")

    with sessions() as session:
        assert verify_chain(session, batch_size=2) == [
            "entry 6: content does not match its hash"
        ]


def test_altered_payload_is_detected(sessions: sessionmaker[Session]) -> None:
    _registrations(sessions, 2)
    _execute(
        sessions,
        "UPDATE journal_entry SET payload_json = "
        "replace(payload_json, 'RPW/1/2026', 'RPW/9/2026') WHERE position = 1",
    )

    with sessions() as session:
        assert verify_chain(session) == ["entry 1: content does not match its hash"]


def test_altered_time_is_detected(sessions: sessionmaker[Session]) -> None:
    _registrations(sessions, 2)

    with sessions() as session:
        entry = session.get(JournalEntry, 2)
        assert entry is not None
        entry.at = entry.at - timedelta(microseconds=1)
        session.commit()

    with sessions() as session:
        assert verify_chain(session) == ["entry 2: content does not match its hash"]


def test_altered_entry_with_recomputed_hash_breaks_the_next_link(
    sessions: sessionmaker[Session],
) -> None:
    _registrations(sessions, 2)

    with sessions() as session:
        entry = session.get(JournalEntry, 2)
        assert entry is not None
        entry.payload_json = canonical_json({"forged": True})
        entry.entry_hash = entry_hash(entry)
        session.commit()

    with sessions() as session:
        assert verify_chain(session) == ["entry 3: does not follow the previous entry"]


def test_deleted_middle_entry_is_detected(sessions: sessionmaker[Session]) -> None:
    _registrations(sessions, 2)
    _execute(sessions, "DELETE FROM journal_entry WHERE position = 2")

    with sessions() as session:
        assert verify_chain(session) == [
            "entry 3: expected position 2",
            "entry 3: does not follow the previous entry",
        ]


def test_reordered_entries_are_detected(sessions: sessionmaker[Session]) -> None:
    _registrations(sessions, 2)

    # Swap positions 2 and 3 through a free position (the key is unique).
    for statement in (
        "UPDATE journal_entry SET position = 1000 WHERE position = 2",
        "UPDATE journal_entry SET position = 2 WHERE position = 3",
        "UPDATE journal_entry SET position = 3 WHERE position = 1000",
    ):
        _execute(sessions, statement)

    with sessions() as session:
        problems = verify_chain(session)

    assert "entry 2: does not follow the previous entry" in problems
    assert "entry 3: does not follow the previous entry" in problems


def test_journal_cut_off_after_a_registration_is_detected(
    sessions: sessionmaker[Session],
) -> None:
    _registrations(sessions, 2)
    _execute(sessions, "DELETE FROM journal_entry WHERE position >= 3")

    with sessions() as session:
        assert verify_chain(session) == ["document RPW/2/2026: no 'registered' entry"]


def _registrations(sessions: sessionmaker[Session], count: int) -> None:
    for index in range(count):
        with sessions() as session:
            register_sample(session, f"<wniosek n='{index}'/>".encode())


def _execute(sessions: sessionmaker[Session], statement: str) -> None:
    with sessions() as session:
        session.execute(text(statement))
        session.commit()


def test_registered_entry_forged_without_a_document_hides_no_missing_one(
    sessions: sessionmaker[Session],
) -> None:
    _registrations(sessions, 1)
    _execute(sessions, "DELETE FROM journal_entry")

    with sessions() as session:
        append(session, "registered", None, {"forged": True})
        session.commit()

    with sessions() as session:
        assert verify_chain(session) == ["document RPW/1/2026: no 'registered' entry"]
