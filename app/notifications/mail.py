"""Mail through the outbox: queued in the caller's transaction, sent later.

A mail row is an ``outbox`` row of kind ``mail``; its payload holds the
recipient, subject and plain text. Only its id reaches the logs: addresses
and words stay in the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.notifications.models import KIND_MAIL, OutboxMessage
from app.notifications.outbox import enqueue

log = logging.getLogger(__name__)

EVENT_MAIL = "mail"
ADDRESS_MAX = 320


@dataclass(frozen=True)
class Mail:
    """One plain-text message to one recipient."""

    to: str
    subject: str
    text: str

    def as_payload(self) -> dict[str, object]:
        """The outbox payload of the message."""
        return {"to": self.to, "subject": self.subject, "text": self.text}

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> Mail:
        """Read a message back from its outbox payload."""
        return cls(
            to=str(payload["to"]),
            subject=str(payload["subject"]),
            text=str(payload["text"]),
        )


def enqueue_mail(
    session: Session, mail: Mail, now: datetime | None = None
) -> OutboxMessage:
    """Queue ``mail`` in the caller's transaction (the caller commits)."""
    row = enqueue(
        session,
        client_id=None,
        event=EVENT_MAIL,
        payload=mail.as_payload(),
        now=now,
        kind=KIND_MAIL,
    )
    session.flush()
    log.info("mail queued", extra={"outbox_id": row.id})
    return row
