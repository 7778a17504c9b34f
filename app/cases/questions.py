"""Questions from citizens and the office's answers, with their mail.

``ask_clerk`` stores the question and queues a notice to the department's
address; ``reply_to_citizen`` stores the answer and queues it to the address
the citizen gave. Each runs in the caller's write transaction, so a message
and its mail are committed together or not at all.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.citizen import citizen_questions_since
from app.cases.constants import Direction
from app.cases.mailtext import question_notice, remedy_notice, reply_notice
from app.cases.models import Case, CaseMessage, Clerk
from app.cases.trail import add_message
from app.notifications.mail import ADDRESS_MAX, enqueue_mail

# At most this many questions on one case in a day: a flood would fill the
# department's mailbox.
QUESTIONS_PER_DAY = 10
ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
LANGS = ("pl", "en")


class QuestionRefused(ValueError):
    """A question the office does not take: ``reason`` names why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_address(address: str | None) -> str | None:
    """Return a plausible e-mail address, None for none; refuse anything else."""
    address = (address or "").strip()
    if not address:
        return None

    if len(address) > ADDRESS_MAX or not ADDRESS.fullmatch(address):
        raise QuestionRefused("address")

    return address


def ask_clerk(
    session: Session,
    case: Case,
    body: str,
    email: str | None,
    lang: str,
    public_url: str,
    now: datetime | None = None,
) -> CaseMessage:
    """Store a citizen's question and queue the department's notice."""
    now = now or datetime.now(UTC)
    address = check_address(email)
    if citizen_questions_since(session, case, now - timedelta(days=1)) >= (
        QUESTIONS_PER_DAY
    ):
        raise QuestionRefused("too-many")

    message = add_message(
        session, case, Direction.CITIZEN_TO_OFFICE, body, citizen_email=address, now=now
    )
    message.lang = lang if lang in LANGS else LANGS[0]
    department = case.department
    if department.email:
        desk_url = f"{public_url}/desk/cases/{case.number}"
        enqueue_mail(session, question_notice(department, case, desk_url), now=now)

    return message


def reply_to_citizen(
    session: Session,
    case: Case,
    clerk: Clerk | None,
    body: str,
    public_url: str,
    now: datetime | None = None,
) -> CaseMessage:
    """Store the office's answer; mail it to the last citizen who left an address."""
    return _to_citizen(
        session, case, clerk, Direction.OFFICE_TO_CITIZEN, body, public_url, now
    )


def ask_for_remedy(
    session: Session,
    case: Case,
    clerk: Clerk | None,
    request: str,
    public_url: str,
    now: datetime | None = None,
) -> CaseMessage:
    """Tell the citizen what is missing: a message on the case, and mail."""
    return _to_citizen(
        session, case, clerk, Direction.OFFICE_REMEDY, request, public_url, now
    )


def _to_citizen(
    session: Session,
    case: Case,
    clerk: Clerk | None,
    direction: Direction,
    body: str,
    public_url: str,
    now: datetime | None,
) -> CaseMessage:
    """Store an office message; mail it to the last citizen who left an address."""
    asked = _last_question_with_address(session, case)
    address = asked.citizen_email if asked is not None else None
    message = add_message(
        session, case, direction, body, author=clerk, citizen_email=address, now=now
    )
    if asked is not None and address:
        notice = remedy_notice if direction is Direction.OFFICE_REMEDY else reply_notice
        lang = asked.lang or LANGS[0]
        mail = notice(case, address, lang, message.body, f"{public_url}/case")
        enqueue_mail(session, mail, now=now)

    return message


def _last_question_with_address(session: Session, case: Case) -> CaseMessage | None:
    return session.scalar(
        select(CaseMessage)
        .where(CaseMessage.case_id == case.id)
        .where(CaseMessage.direction == Direction.CITIZEN_TO_OFFICE)
        .where(CaseMessage.citizen_email.is_not(None))
        .order_by(CaseMessage.sent_at.desc(), CaseMessage.id.desc())
        .limit(1)
    )
