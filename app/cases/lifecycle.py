"""Case actions: open, attach, assign, change status, pause, resume, decide.

Each function works in the caller's write transaction (``app.cases.writing``
opens one), checks the action fits the case's state, records it
(app.cases.events) and leaves the commit to the caller. A refused action
raises CaseError with a stable code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import constants as c
from app.cases.constants import CaseStatus, DocumentStatus
from app.cases.deadlines import base_deadline, office_day, paused_days_until
from app.cases.errors import CaseError, CaseErrorCode
from app.cases.events import record_event
from app.cases.models import Case, CaseDocument, Clerk, Department, JrwaClass
from app.cases.waiting import move_into_case
from app.notifications.outbox import enqueue_status_change
from app.registry.models import Document
from app.registry.numbering import next_case_number

TITLE_MAX = 500

# Statuses a clerk may set with change_status (pauses and decisions have
# their own functions, as they move the deadline or close the case).
SETTABLE = {CaseStatus.OPEN, CaseStatus.IN_PROGRESS}


def open_case(
    session: Session,
    clerk: Clerk | None,
    department: Department,
    jrwa: str,
    title: str,
    document: Document | None = None,
    complex_case: bool = False,
    now: datetime | None = None,
    form_days: int | None = None,
) -> Case:
    """Open a case in ``department`` under a JRWA class; take its number.

    ``form_days``: the catalog form's own time limit when ``document`` is a
    catalog form; the deadline is then counted from it instead of KPA's 30.
    """
    now = now or datetime.now(UTC)
    _check_jrwa(session, jrwa)
    title = _check_title(title)
    if document is not None:
        _check_free(session, document)

    year = office_day(now).year
    sequence, number = next_case_number(session, department.symbol, jrwa, year)
    started_on = office_day(document.received_at if document else now)

    case = Case(
        number=number,
        department_id=department.id,
        department=department,
        jrwa=jrwa,
        year=year,
        sequence=sequence,
        title=title,
        status=CaseStatus.OPEN,
        complex=complex_case,
        opened_at=now,
        opened_by_id=clerk.id if clerk else None,
        started_on=started_on,
        deadline=base_deadline(started_on, complex_case, form_days),
        paused_days=0,
    )
    session.add(case)
    session.flush()
    # The deadline is journalled so that ``registry verify`` can check the row.
    record_event(
        session,
        case,
        clerk,
        c.ACTION_OPENED,
        at=now,
        jrwa=jrwa,
        deadline=case.deadline.isoformat(),
    )

    if document is not None:
        attach_document(session, clerk, case, document, now=now)

    return case


def attach_document(
    session: Session,
    clerk: Clerk | None,
    case: Case,
    document: Document,
    now: datetime | None = None,
) -> CaseDocument:
    """Put a document into a case; a document already in a case is refused."""
    now = now or datetime.now(UTC)
    _check_not_decided(case)
    _check_free(session, document)

    link = CaseDocument(
        case_id=case.id,
        document_id=document.id,
        attached_at=now,
        attached_by_id=clerk.id if clerk else None,
    )
    session.add(link)
    move_into_case(session, case, document, now)
    _set_status(session, document, _document_status(case))
    document.department = case.department.symbol
    record_event(
        session,
        case,
        clerk,
        c.ACTION_ATTACHED,
        document_id=document.id,
        at=now,
        document=document.registry_number,
    )
    return link


def assign(
    session: Session,
    clerk: Clerk | None,
    case: Case,
    assignee: Clerk,
    note: str | None = None,
) -> None:
    """Assign the case to a clerk of its department (dekretacja) with a note."""
    _check_not_decided(case)
    if assignee.department_id != case.department_id or not assignee.active:
        raise CaseError(CaseErrorCode.ASSIGNEE_NOT_IN_DEPARTMENT)

    case.assignee_id = assignee.id
    case.assignee = assignee
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.IN_PROGRESS

    record_event(session, case, clerk, c.ACTION_ASSIGNED, note, to=assignee.login)


def change_status(
    session: Session, clerk: Clerk | None, case: Case, status: str
) -> None:
    """Set the case to open or in progress; the citizen sees the change."""
    _check_not_decided(case)
    if status not in SETTABLE or case.paused_since is not None:
        raise CaseError(CaseErrorCode.STATUS_NOT_ALLOWED)

    case.status = CaseStatus(status)
    _set_documents(session, case, _document_status(case))
    record_event(session, case, clerk, c.ACTION_STATUS, status=status)


def pause_for_remedy(
    session: Session,
    clerk: Clerk | None,
    case: Case,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Stop the KPA clock while the citizen remedies a defect (art. 64 § 2)."""
    _check_not_decided(case)
    if case.paused_since is not None:
        raise CaseError(CaseErrorCode.ALREADY_PAUSED)

    now = now or datetime.now(UTC)
    case.paused_since = now
    case.status = CaseStatus.AWAITING_REMEDY
    _set_documents(session, case, DocumentStatus.AWAITING_REMEDY)
    record_event(session, case, clerk, c.ACTION_PAUSED, note, at=now)


def resume(
    session: Session,
    clerk: Clerk | None,
    case: Case,
    now: datetime | None = None,
) -> int:
    """Restart the clock; add the paused days to the deadline; return them."""
    if case.paused_since is None:
        raise CaseError(CaseErrorCode.NOT_PAUSED)

    now = now or datetime.now(UTC)
    days = _end_pause(case, now)
    case.status = CaseStatus.IN_PROGRESS
    _set_documents(session, case, DocumentStatus.IN_CASE)
    deadline = case.deadline.isoformat()
    record_event(
        session, case, clerk, c.ACTION_RESUMED, at=now, days=days, deadline=deadline
    )
    return days


def decide(
    session: Session,
    clerk: Clerk | None,
    case: Case,
    decision: str,
    now: datetime | None = None,
) -> None:
    """Close the case with a decision; its documents become decided."""
    _check_not_decided(case)
    if not decision.strip():
        raise CaseError(CaseErrorCode.DECISION_EMPTY)

    now = now or datetime.now(UTC)
    # Deciding while waiting for a remedy ends the pause, but no remedy was
    # received: no "resumed" event, so the history does not claim one.
    if case.paused_since is not None:
        _end_pause(case, now)

    case.status = CaseStatus.DECIDED
    case.decided_at = now
    case.decision = decision.strip()
    _set_documents(session, case, DocumentStatus.DECIDED)
    deadline = case.deadline.isoformat()
    record_event(
        session, case, clerk, c.ACTION_DECIDED, case.decision, at=now, deadline=deadline
    )


def _end_pause(case: Case, now: datetime) -> int:
    """Stop the pause; add its days to the deadline and return them."""
    days = paused_days_until(case, now)
    case.paused_days += days
    # The stored deadline already holds earlier pauses and the form's limit.
    case.deadline = case.deadline + timedelta(days=days)
    case.paused_since = None
    return days


def _check_jrwa(session: Session, jrwa: str) -> None:
    entry = session.get(JrwaClass, jrwa)
    if entry is None or entry.category is None:
        raise CaseError(CaseErrorCode.UNKNOWN_JRWA)


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title or len(title) > TITLE_MAX:
        raise CaseError(CaseErrorCode.TITLE_INVALID)

    return title


def _check_free(session: Session, document: Document) -> None:
    # Lock the document row first: two clerks putting it into two cases at
    # once wait for each other, and the second sees the first one's link.
    session.execute(
        select(Document.id).where(Document.id == document.id).with_for_update()
    )
    taken = session.scalar(
        select(CaseDocument.id).where(CaseDocument.document_id == document.id)
    )
    if taken is not None:
        raise CaseError(CaseErrorCode.DOCUMENT_IN_CASE)


def _check_not_decided(case: Case) -> None:
    if case.status == CaseStatus.DECIDED:
        raise CaseError(CaseErrorCode.CASE_DECIDED)


def _document_status(case: Case) -> DocumentStatus:
    if case.status == CaseStatus.AWAITING_REMEDY:
        return DocumentStatus.AWAITING_REMEDY

    return DocumentStatus.IN_CASE


def _set_documents(session: Session, case: Case, status: DocumentStatus) -> None:
    documents = session.scalars(
        select(Document)
        .join(CaseDocument, CaseDocument.document_id == Document.id)
        .where(CaseDocument.case_id == case.id)
    )
    for document in documents:
        _set_status(session, document, status)


def _set_status(session: Session, document: Document, status: DocumentStatus) -> None:
    """Change a document's status; its client hears of it with the same commit."""
    old = document.status
    if old == status:
        return

    document.status = status
    enqueue_status_change(session, document, old, str(status))
