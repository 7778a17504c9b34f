"""What a department's inbox shows, and which cases are near or past deadline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.cases.constants import CaseStatus
from app.cases.deadlines import WARNING_DAYS, office_day
from app.cases.models import Case, CaseDocument, Department
from app.registry.models import Document

INBOX_LIMIT = 200


def inbox_documents(
    session: Session, department: Department, limit: int = INBOX_LIMIT
) -> Sequence[Document]:
    """Documents of the department in no case yet, newest first."""
    in_case = select(CaseDocument.document_id)
    return session.scalars(
        select(Document)
        .where(Document.department == department.symbol)
        .where(Document.id.not_in(in_case))
        .order_by(Document.received_at.desc(), Document.id.desc())
        .limit(limit)
    ).all()


def open_cases(
    session: Session, department: Department, limit: int = INBOX_LIMIT
) -> Sequence[Case]:
    """Undecided cases of the department, nearest deadline first.

    A paused case sorts by its stored deadline; its real one only moves later.
    """
    return session.scalars(
        select(Case)
        .where(Case.department_id == department.id)
        .where(Case.status != CaseStatus.DECIDED)
        .order_by(Case.deadline, Case.id)
        .limit(limit)
    ).all()


def overdue_cases(
    session: Session,
    department: Department | None = None,
    now: datetime | None = None,
) -> Sequence[Case]:
    """Undecided, running cases whose deadline has passed (paused ones wait)."""
    today = office_day(now or datetime.now(UTC))
    return _running(session, department, Case.deadline < today)


def near_deadline_cases(
    session: Session,
    department: Department | None = None,
    now: datetime | None = None,
    days: int = WARNING_DAYS,
) -> Sequence[Case]:
    """Running cases due today or within ``days`` days."""
    today = office_day(now or datetime.now(UTC))
    window = Case.deadline.between(today, today + timedelta(days=days))
    return _running(session, department, window)


def case_documents(session: Session, case: Case) -> Sequence[Document]:
    """The documents of a case in the order they were attached."""
    return session.scalars(
        select(Document)
        .join(CaseDocument, CaseDocument.document_id == Document.id)
        .where(CaseDocument.case_id == case.id)
        .order_by(CaseDocument.id)
    ).all()


def case_of_document(session: Session, document: Document) -> Case | None:
    """The case a document belongs to, if any."""
    return session.scalar(
        select(Case)
        .join(CaseDocument, CaseDocument.case_id == Case.id)
        .where(CaseDocument.document_id == document.id)
    )


def case_numbers(session: Session, document_ids: Sequence[int]) -> dict[int, str]:
    """The case number of each of these documents that is in a case."""
    if not document_ids:
        return {}

    rows = session.execute(
        select(CaseDocument.document_id, Case.number)
        .join(Case, CaseDocument.case_id == Case.id)
        .where(CaseDocument.document_id.in_(document_ids))
    )
    return {document_id: number for document_id, number in rows}


def _running(
    session: Session, department: Department | None, condition: ColumnElement[bool]
) -> Sequence[Case]:
    query = (
        select(Case)
        .where(Case.status != CaseStatus.DECIDED)
        .where(Case.paused_since.is_(None))
        .where(condition)
        .order_by(Case.deadline, Case.id)
    )
    if department is not None:
        query = query.where(Case.department_id == department.id)

    return session.scalars(query).all()
