"""Questions on a registered document that no case holds yet.

A citizen may ask as soon as the document is registered: the question waits
with the document, the department is told by mail, the desk inbox shows it,
and it moves into the case as a message when a clerk files the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases.citizen import department_by_symbol
from app.cases.constants import Direction
from app.cases.errors import CaseError, CaseErrorCode
from app.cases.mailtext import waiting_notice
from app.cases.models import Case, WaitingQuestion
from app.cases.questions import (
    LANGS,
    QUESTIONS_PER_DAY,
    QuestionRefused,
    check_address,
)
from app.cases.trail import BODY_MAX, add_message
from app.notifications.mail import enqueue_mail
from app.registry.models import Document


def ask_before_case(
    session: Session,
    document: Document,
    body: str,
    email: str | None,
    lang: str,
    public_url: str,
    now: datetime | None = None,
) -> WaitingQuestion:
    """Keep a question on ``document`` and tell its department by mail."""
    now = now or datetime.now(UTC)
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise CaseError(CaseErrorCode.MESSAGE_INVALID)

    address = check_address(email)
    if _asked_since(session, document, now - timedelta(days=1)) >= QUESTIONS_PER_DAY:
        raise QuestionRefused("too-many")

    question = WaitingQuestion(
        document_id=document.id,
        body=body,
        sent_at=now,
        citizen_email=address,
        lang=lang if lang in LANGS else LANGS[0],
    )
    session.add(question)
    department = department_by_symbol(session, document.department)
    if department is not None and department.email:
        desk_url = f"{public_url}/desk/documents/{document.public_id}"
        notice = waiting_notice(department, document.registry_number, desk_url)
        enqueue_mail(session, notice, now=now)

    return question


def waiting_questions(
    session: Session, document: Document
) -> Sequence[WaitingQuestion]:
    """The questions waiting on ``document``, oldest first."""
    return session.scalars(
        select(WaitingQuestion)
        .where(WaitingQuestion.document_id == document.id)
        .order_by(WaitingQuestion.sent_at, WaitingQuestion.id)
    ).all()


def waiting_counts(session: Session, document_ids: list[int]) -> dict[int, int]:
    """How many questions wait on each of these documents (absent: none)."""
    if not document_ids:
        return {}

    rows = session.execute(
        select(WaitingQuestion.document_id, func.count())
        .where(WaitingQuestion.document_id.in_(document_ids))
        .group_by(WaitingQuestion.document_id)
    ).all()
    return {document_id: count for document_id, count in rows}


def move_into_case(
    session: Session, case: Case, document: Document, now: datetime
) -> None:
    """Turn the document's waiting questions into messages of ``case``."""
    for question in waiting_questions(session, document):
        message = add_message(
            session,
            case,
            Direction.CITIZEN_TO_OFFICE,
            question.body,
            citizen_email=question.citizen_email,
            now=now,
        )
        # The citizen asked then; the move itself is journalled now.
        message.sent_at = question.sent_at
        message.lang = question.lang
        session.delete(question)


def _asked_since(session: Session, document: Document, since: datetime) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(WaitingQuestion)
        .where(WaitingQuestion.document_id == document.id)
        .where(WaitingQuestion.sent_at >= since)
    )
    return int(count or 0)
