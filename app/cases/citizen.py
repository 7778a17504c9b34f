"""What a citizen may see of the case that holds their document (read-only).

The citizen reaches it with the document's registry number and access code;
the channel checks those. Nothing here names clerks or shows their notes:
only what happened, when, the deadline, the messages and the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import constants as c
from app.cases.deadlines import deadline_for
from app.cases.models import (
    Case,
    CaseEvent,
    CaseMessage,
    Department,
    WaitingQuestion,
)
from app.cases.queries import case_of_document
from app.registry.models import Document

# Case actions a citizen sees in the history (assignments and views are
# internal; messages are listed on their own).
CITIZEN_ACTIONS = (
    c.ACTION_OPENED,
    c.ACTION_ATTACHED,
    c.ACTION_STATUS,
    c.ACTION_PAUSED,
    c.ACTION_RESUMED,
    c.ACTION_DECIDED,
)


@dataclass(frozen=True)
class CitizenView:
    """The case page's facts; ``case`` is None while no case holds the document."""

    document: Document
    department: Department | None
    case: Case | None
    deadline: date | None
    events: Sequence[CaseEvent]
    messages: Sequence[CaseMessage | WaitingQuestion]
    # The remedy request the office made with the current pause, if any.
    remedy: CaseMessage | None = None


def citizen_view(
    session: Session, document: Document, now: datetime | None = None
) -> CitizenView:
    """Gather what the citizen may see about ``document`` and its case."""
    case = case_of_document(session, document)
    if case is None:
        department = department_by_symbol(session, document.department)
        waiting = _waiting(session, document)
        return CitizenView(document, department, None, None, (), waiting)

    messages = case_messages(session, case)
    return CitizenView(
        document=document,
        department=case.department,
        case=case,
        deadline=deadline_for(case, now),
        events=citizen_events(session, case),
        messages=messages,
        remedy=_remedy_request(case, messages),
    )


def _waiting(session: Session, document: Document) -> Sequence[WaitingQuestion]:
    """Questions asked on the document before a case holds it."""
    return session.scalars(
        select(WaitingQuestion)
        .where(WaitingQuestion.document_id == document.id)
        .order_by(WaitingQuestion.sent_at, WaitingQuestion.id)
    ).all()


def _remedy_request(case: Case, messages: Sequence[CaseMessage]) -> CaseMessage | None:
    """What the office asked for when it paused the case, if it said."""
    if case.paused_since is None:
        return None

    # Only a remedy request counts: a later ordinary answer is not a demand.
    asked = [
        m
        for m in messages
        if m.direction == c.Direction.OFFICE_REMEDY and m.sent_at >= case.paused_since
    ]
    return asked[-1] if asked else None


def department_by_symbol(session: Session, symbol: str | None) -> Department | None:
    """The department with this symbol, if any."""
    if not symbol:
        return None

    return session.scalar(select(Department).where(Department.symbol == symbol))


def citizen_events(session: Session, case: Case) -> Sequence[CaseEvent]:
    """The case's events a citizen sees, oldest first."""
    return session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .where(CaseEvent.action.in_(CITIZEN_ACTIONS))
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()


def case_messages(session: Session, case: Case) -> Sequence[CaseMessage]:
    """Every message on the case, oldest first."""
    return session.scalars(
        select(CaseMessage)
        .where(CaseMessage.case_id == case.id)
        .order_by(CaseMessage.sent_at, CaseMessage.id)
    ).all()


def citizen_questions_since(session: Session, case: Case, since: datetime) -> int:
    """How many questions citizens asked on the case since ``since``."""
    rows = session.scalars(
        select(CaseMessage.id)
        .where(CaseMessage.case_id == case.id)
        .where(CaseMessage.direction == c.Direction.CITIZEN_TO_OFFICE)
        .where(CaseMessage.sent_at >= since)
    ).all()
    return len(rows)
