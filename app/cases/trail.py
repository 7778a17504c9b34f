"""Messages on a case and views of documents, each recorded in the journal."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.cases import constants as c
from app.cases.addresses import is_one_address
from app.cases.constants import Direction
from app.cases.errors import CaseError, CaseErrorCode
from app.cases.events import record_event, record_office_event
from app.cases.models import Case, CaseMessage, Clerk, DocumentView
from app.registry.models import Document

BODY_MAX = 10_000


def add_message(
    session: Session,
    case: Case,
    direction: str,
    body: str,
    author: Clerk | None = None,
    citizen_email: str | None = None,
    now: datetime | None = None,
) -> CaseMessage:
    """Add a message to the case (a citizen's question or the office's answer)."""
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise CaseError(CaseErrorCode.MESSAGE_INVALID)

    if citizen_email is not None and not is_one_address(citizen_email):
        raise CaseError(CaseErrorCode.EMAIL_INVALID)

    now = now or datetime.now(UTC)
    message = CaseMessage(
        case_id=case.id,
        direction=Direction(direction),
        author_id=author.id if author else None,
        body=body,
        sent_at=now,
        citizen_email=citizen_email,
    )
    session.add(message)
    session.flush()
    record_event(
        session,
        case,
        author,
        c.ACTION_MESSAGE,
        at=now,
        direction=str(message.direction),
        message=message.id,
        # Its digest only: ``registry verify`` checks the row, words stay out.
        body_sha256=hashlib.sha256(body.encode()).hexdigest(),
    )
    return message


def record_view(
    session: Session, clerk: Clerk, document: Document, now: datetime | None = None
) -> DocumentView:
    """Record that ``clerk`` looked at ``document`` (row and journal entry)."""
    view = DocumentView(
        document_id=document.id, clerk_id=clerk.id, at=now or datetime.now(UTC)
    )
    session.add(view)
    record_office_event(
        session,
        c.EVENT_DOCUMENT_VIEWED,
        clerk,
        document_id=document.id,
        document=document.registry_number,
    )
    return view
