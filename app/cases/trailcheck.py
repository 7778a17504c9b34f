"""Compare case events, messages and document links with the entries naming them.

Each ``case-<action>`` entry is written with one ``case_event`` row (its
``journal_position`` is the entry's); a ``case-message`` entry names its
``case_message`` row by id; a ``case-attached`` entry names the document
put into the case (``case_document``). Both ways are checked: a row no
entry records, and an entry whose row is gone (review 2, finding 2). Who
did a step or wrote a message (the entry's ``by``, a clerk's login or
none for the citizen) is compared with the row too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.cases.models import Case, CaseDocument, CaseEvent, CaseMessage, Clerk

# An entry written before it said who acted: who is not compared.
NOT_SAID = object()


@dataclass(frozen=True)
class Entry:
    """What one case entry says about its event row."""

    event: str
    case: object
    note_sha256: object
    by: object = NOT_SAID


@dataclass(frozen=True)
class Link:
    """A ``case-attached`` entry: the case a document was put into."""

    position: int
    case: str
    document_id: int
    registry_number: str


def entry_from(event: str, payload: dict[str, Any]) -> Entry:
    """Keep of a case entry only what its event row is compared with."""
    by = payload.get("by", NOT_SAID)
    return Entry(event, payload.get("case"), payload.get("note_sha256"), by)


def event_rows(session: Session, entries: dict[int, Entry]) -> list[str]:
    """Name event rows that differ from their entry and entries with no row."""
    problems: list[str] = []
    seen: set[int] = set()
    rows = session.execute(
        select(CaseEvent, Case.number, Clerk.login)
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Clerk, Clerk.id == CaseEvent.clerk_id)
        .order_by(CaseEvent.id)
    )
    for event, number, login in rows:
        seen.add(event.journal_position)
        problem = _event_problem(event, number, login, entries)
        if problem:
            where = f"case {number}: event {event.id} ({event.action})"
            problems.append(f"{where}: {problem}")

    for position, entry in entries.items():
        if position not in seen:
            action = entry.event.removeprefix("case-")
            problems.append(
                f"case {entry.case}: event ({action}) is missing; journal entry "
                f"{position} records it"
            )

    return problems


def _event_problem(
    event: CaseEvent, number: str, login: str | None, entries: dict[int, Entry]
) -> str | None:
    entry = entries.get(event.journal_position)
    if entry is None or (entry.event, entry.case) != (f"case-{event.action}", number):
        return f"journal entry {event.journal_position} differs"

    if entry.note_sha256 != text_sha256(event.note):
        return "note differs from the journal"

    if entry.by is not NOT_SAID and entry.by != login:
        return "clerk differs from the journal"

    return None


def message_rows(
    session: Session, messages: dict[int, tuple[int, dict[str, Any]]]
) -> list[str]:
    """Name message rows that differ from their entry and entries with no row."""
    problems: list[str] = []
    rows = session.execute(
        select(CaseMessage, Case.number, Clerk.login)
        .join(Case, Case.id == CaseMessage.case_id)
        .outerjoin(Clerk, Clerk.id == CaseMessage.author_id)
        .order_by(CaseMessage.id)
    )
    seen: set[int] = set()
    for message, number, login in rows:
        seen.add(message.id)
        _position, payload = messages.get(message.id, (0, {}))
        problem = _message_problem(message, number, login, payload)
        if problem:
            problems.append(f"case {number}: message {message.id}{problem}")

    for message_id, (position, payload) in messages.items():
        if message_id not in seen:
            problems.append(
                f"case {payload.get('case')}: message {message_id} is missing; "
                f"journal entry {position} records it"
            )

    return problems


def _message_problem(
    message: CaseMessage, number: str, login: str | None, payload: dict[str, Any]
) -> str | None:
    if payload.get("case") != number:
        return ": no journal entry records it"

    if payload.get("direction") != message.direction:
        return ": direction differs from the journal"

    body = payload.get("body_sha256")
    if body is not None and body != text_sha256(message.body):
        return ": body differs from the journal"

    if "by" in payload and payload["by"] != login:
        return ": author differs from the journal"

    return None


def link_rows(session: Session, links: list[Link]) -> list[str]:
    """Name each document an entry attaches whose link to that case is gone."""
    linked = aliased(Case)
    rows = session.execute(
        select(CaseDocument.document_id, linked.number).join(
            linked, linked.id == CaseDocument.case_id
        )
    )
    cases = {document_id: number for document_id, number in rows}
    problems = []
    for link in links:
        where = f"case {link.case}: document {link.registry_number}"
        found = cases.get(link.document_id)
        if found is None:
            problems.append(
                f"{where} is missing from the case; journal entry "
                f"{link.position} attaches it"
            )
        elif found != link.case:
            problems.append(
                f"{where} is in case {found}; journal entry {link.position} "
                "attaches it here"
            )

    return problems


def link_from(position: int, document_id: int, payload: dict[str, Any]) -> Link:
    """Read a ``case-attached`` entry."""
    return Link(
        position,
        str(payload.get("case")),
        document_id,
        str(payload.get("document", f"id {document_id}")),
    )


def text_sha256(text: str | None) -> str | None:
    """The hex SHA-256 of a note or body as entries hold it; None for none."""
    return hashlib.sha256(text.encode()).hexdigest() if text else None
