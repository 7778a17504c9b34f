"""Compare every document row with what the journal says about the document.

The ``registered`` entry states the facts a document was registered with
(app.registry.facts), the digests of its other parts (``document_blob``)
among them; later entries (case actions, routing) change its
status and department, and the caller replays those into ``later``. A row
that differs from the journal was edited outside the application.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.registry.facts import Parts, differences, part_differences
from app.registry.journal import EVENT_REGISTERED
from app.registry.models import (
    STATUS_REGISTERED,
    Document,
    DocumentBlob,
    JournalEntry,
)
from app.registry.numbering import format_registry_number

# What later entries say about one document: "status", "department".
Later = Mapping[int, Mapping[str, str | None]]


def verify_rows(
    session: Session,
    later: Later | None = None,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Return one problem per document fact that differs from the journal.

    Rows are read in batches and ``session`` is cleared after each one, so
    give it a session of its own (``registry verify`` does).
    """
    problems: list[str] = []
    later = later or {}

    for documents in _batches(session, batch_size):
        ids = [d.id for d in documents]
        entries = _registered_entries(session, ids)
        parts = _parts(session, ids)
        for document in documents:
            if document.id in entries:
                position, payload = entries[document.id]
                changed = _changed(document, position, payload, later)
                number = document.registry_number
                problems += [
                    f"document {number}: {field} differs from journal entry {position}"
                    for field in changed
                ]
                stored = parts.get(document.id, {})
                problems += _part_problems(number, position, stored, payload)
            else:
                problems.append(
                    f"document {document.registry_number}: no registered "
                    "journal entry names it"
                )

        session.expunge_all()  # a long registry must not fill the session
        if progress is not None:
            progress(len(documents))

    return problems


def _changed(
    document: Document,
    position: int,
    payload: Mapping[str, Any],
    later: Later,
) -> list[str]:
    after = later.get(document.id, {})
    # A fact a later entry changed is compared with that entry instead.
    changed = [key for key in differences(document, payload) if key not in after]
    if document.journal_position != position:
        changed.append("journal_position")

    number = format_registry_number(document.sequence, document.year)
    if number != document.registry_number:
        changed.append("year/sequence")

    if document.status != after.get("status", STATUS_REGISTERED):
        changed.append("status")

    if "department" in after and document.department != after["department"]:
        changed.append("department")

    return changed


def _part_problems(
    number: str, position: int, stored: Parts, payload: Mapping[str, Any]
) -> list[str]:
    sentences = {
        "differs": f"differs from journal entry {position}",
        "missing": f"is missing; journal entry {position} names it",
        "extra": f"is not in journal entry {position}",
    }
    problems = []
    for found in part_differences(stored, payload):
        role, what = found.split(": ")
        problems.append(f"document {number}: {role} part {sentences[what]}")

    return problems


def _batches(session: Session, size: int) -> Iterator[Sequence[Document]]:
    after = 0
    while True:
        documents = session.scalars(
            select(Document)
            .where(Document.id > after)
            .order_by(Document.id)
            .limit(size)
        ).all()
        if not documents:
            return

        yield documents
        after = documents[-1].id


def _registered_entries(
    session: Session, ids: Sequence[int]
) -> dict[int, tuple[int, dict[str, Any]]]:
    rows = session.execute(
        select(
            JournalEntry.document_id, JournalEntry.position, JournalEntry.payload_json
        )
        .where(
            JournalEntry.event == EVENT_REGISTERED,
            JournalEntry.document_id.in_(ids),
        )
        .order_by(JournalEntry.position.desc())
    )
    # The first entry wins when (against the rules) there are several.
    return {
        document_id: (position, json.loads(payload_json))
        for document_id, position, payload_json in rows
        if document_id is not None
    }


def _parts(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        select(
            DocumentBlob.document_id,
            DocumentBlob.role,
            DocumentBlob.sha256,
            DocumentBlob.size,
        ).where(DocumentBlob.document_id.in_(ids))
    )
    parts: dict[int, dict[str, Any]] = {}
    for document_id, role, sha256, size in rows:
        parts.setdefault(document_id, {})[role] = (sha256, size)

    return parts
