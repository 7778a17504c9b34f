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
from app.cases.models import Case, CaseEvent, CaseMessage, Department
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
    messages: Sequence[CaseMessage]


def citizen_view(
    session: Session, document: Document, now: datetime | None = None
) -> CitizenView:
    """Gather what the citizen may see about ``document`` and its case."""
    case = case_of_document(session, document)
    if case is None:
        department = department_by_symbol(session, document.department)
        return CitizenView(document, department, None, None, (), ())

    return CitizenView(
        document=document,
        department=case.department,
        case=case,
        deadline=deadline_for(case, now),
        events=citizen_events(session, case),
        messages=case_messages(session, case),
    )


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
