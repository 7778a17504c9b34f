"""Pass a document or a case to another department; the journal records it.

A routed document moves to the other department's inbox (its
``Document.department``); a routed case moves with all its documents, keeps
its number and loses its assignee (the receiving head assigns anew).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.constants import CaseStatus
from app.cases.errors import CaseError, CaseErrorCode
from app.cases.events import record_event, record_office_event
from app.cases.models import Case, CaseDocument, Clerk, Department
from app.cases.queries import case_of_document
from app.cases.records import Routing
from app.registry.models import Document

NOTE_MAX = 2000
EVENT_DOCUMENT_ROUTED = "document-routed"
ACTION_ROUTED = "routed"


class RoutingError(ValueError):
    """A pass the rules do not allow; ``reason`` is a stable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


SAME_DEPARTMENT = "same-department"
INACTIVE_DEPARTMENT = "inactive-department"
IN_CASE = "document-in-case"
NOTE_TOO_LONG = "note-too-long"


def route_document(
    session: Session,
    clerk: Clerk | None,
    document: Document,
    to: Department,
    note: str | None = None,
    now: datetime | None = None,
) -> Routing:
    """Send a document that is in no case to ``to``'s inbox (caller commits)."""
    if case_of_document(session, document) is not None:
        raise RoutingError(IN_CASE)

    source = _department(session, document.department)
    note = _check(source, to, note)
    now = now or datetime.now(UTC)
    position = record_office_event(
        session,
        EVENT_DOCUMENT_ROUTED,
        clerk,
        document_id=document.id,
        document=document.registry_number,
        to=to.symbol,
        source=source.symbol if source else None,
        **_note_digest(note),
    )
    document.department = to.symbol
    return _row(
        session, clerk, to, source, note, now, position, document_id=document.id
    )


def route_case(
    session: Session,
    clerk: Clerk | None,
    case: Case,
    to: Department,
    note: str | None = None,
    now: datetime | None = None,
) -> Routing:
    """Move a case and its documents to ``to``; its assignee is cleared."""
    if case.status == CaseStatus.DECIDED:
        raise CaseError(CaseErrorCode.CASE_DECIDED)

    source = session.get(Department, case.department_id)
    note = _check(source, to, note)
    now = now or datetime.now(UTC)
    event = record_event(
        session,
        case,
        clerk,
        ACTION_ROUTED,
        note,
        at=now,
        to=to.symbol,
        source=source.symbol if source else None,
    )
    case.department_id, case.department = to.id, to
    case.assignee_id, case.assignee = None, None
    for document in _documents(session, case):
        document.department = to.symbol

    position = event.journal_position
    return _row(session, clerk, to, source, note, now, position, case_id=case.id)


def routings_of(
    session: Session, *, document_id: int | None = None, case_id: int | None = None
) -> list[Routing]:
    """The passes of one document or case, oldest first."""
    query = select(Routing).order_by(Routing.id)
    if document_id is not None:
        query = query.where(Routing.document_id == document_id)
    if case_id is not None:
        query = query.where(Routing.case_id == case_id)

    return list(session.scalars(query))


def _check(source: Department | None, to: Department, note: str | None) -> str | None:
    if source is not None and source.id == to.id:
        raise RoutingError(SAME_DEPARTMENT)

    if not to.active:
        raise RoutingError(INACTIVE_DEPARTMENT)

    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise RoutingError(NOTE_TOO_LONG)

    return note


def _department(session: Session, symbol: str | None) -> Department | None:
    if not symbol:
        return None

    return session.scalar(select(Department).where(Department.symbol == symbol))


def _documents(session: Session, case: Case) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .join(CaseDocument, CaseDocument.document_id == Document.id)
            .where(CaseDocument.case_id == case.id)
        )
    )


def _note_digest(note: str | None) -> dict[str, str]:
    if not note:
        return {}

    return {"note_sha256": hashlib.sha256(note.encode()).hexdigest()}


def _row(
    session: Session,
    clerk: Clerk | None,
    to: Department,
    source: Department | None,
    note: str | None,
    now: datetime,
    position: int,
    **target: int,
) -> Routing:
    row = Routing(
        from_department_id=source.id if source else None,
        to_department_id=to.id,
        clerk_id=clerk.id if clerk else None,
        at=now,
        note=note,
        journal_position=position,
        **target,
    )
    session.add(row)
    session.flush()
    return row
