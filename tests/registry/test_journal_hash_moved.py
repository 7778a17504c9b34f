"""The entry hash moved to signing.merkle gives the values recorded before the move."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.registry.journal import entry_hash
from app.registry.models import JournalEntry
from signing.merkle import journal_entry_hash
from tests.registry.samples import register_sample


def entry_hash_before_the_move(entry: JournalEntry) -> str:
    """app.registry.journal.entry_hash as of commit 9340849, kept verbatim."""
    parts = [
        entry.position,
        entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        entry.event,
        entry.document_id,
        entry.payload_json,
        entry.prev_hash,
    ]
    encoded = json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def test_old_and_new_hash_agree_on_recorded_rows(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        for number in range(3):
            register_sample(session, f"<wniosek nr='{number}' opis='żółć'/>".encode())
        rows = session.scalars(select(JournalEntry).order_by(JournalEntry.position))

        for row in rows:
            assert entry_hash_before_the_move(row) == row.entry_hash
            assert entry_hash(row) == row.entry_hash
            assert (
                journal_entry_hash(
                    row.position,
                    row.at,
                    row.event,
                    row.document_id,
                    json.loads(row.payload_json),
                    row.prev_hash,
                )
                == row.entry_hash
            )


def test_a_row_hashed_before_the_move_still_verifies() -> None:
    # Values as the old code wrote them for a first entry.
    at = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)
    row = JournalEntry(
        position=1,
        at=at,
        event="registered",
        document_id=1,
        payload_json='{"registry_number":"RPW/1/2026","sha256":"' + "a" * 64 + '"}',
        prev_hash="0" * 64,
    )

    assert entry_hash(row) == entry_hash_before_the_move(row)
