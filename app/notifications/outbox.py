"""The outbox: events written with the registry change, claimed and retried later.

``enqueue`` adds a row in the caller's transaction, so an event exists if and
only if the change it reports was committed. Senders ``claim`` due rows under
a lease: on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED`` (two senders
never wait for or take the same row), on SQLite inside a ``BEGIN IMMEDIATE``
transaction (claims serialise). The lease, not an open transaction, covers
the HTTP request; a sender that dies mid-way leaves the row to be claimed
again once the lease ends, so nothing is lost (a receiver may then see the
same ``Kancelaria-Delivery`` twice).
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, Update, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.db import begin_write
from app.notifications.models import KIND_WEBHOOK, OutboxMessage, WebhookDelivery
from app.notifications.targets import webhook_target
from app.notifications.webhooks import Attempt
from app.registry.models import Document

log = logging.getLogger(__name__)

EVENT_REGISTERED = "submission.registered"
EVENT_STATUS_CHANGED = "submission.status_changed"

# Seconds to wait after the n-th failed attempt (the last repeats).
RETRY_SCHEDULE = (10, 60, 300, 1800, 7200, 21600, 21600)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class OutboxPolicy:
    """How senders work the outbox; the defaults are the production values."""

    retry_schedule: tuple[int, ...] = RETRY_SCHEDULE
    max_attempts: int = MAX_ATTEMPTS
    # Each delay is stretched or shrunk by up to this fraction, at random, so
    # that events that failed together do not all come back together.
    jitter: float = 0.2
    timeout_s: float = 5.0
    batch: int = 10
    # Seconds the lease lasts beyond the batch's worst-case delivery time.
    lease_margin_s: float = 30.0

    @property
    def lease(self) -> timedelta:
        """How long a claim keeps other senders off the claimed rows."""
        return timedelta(seconds=self.batch * self.timeout_s + self.lease_margin_s)


@dataclass(frozen=True)
class Claimed:
    """A row a sender holds: what it needs to deliver it, without the session."""

    id: int
    client_id: int | None
    event: str
    payload: str
    delivery_id: str
    attempts: int
    token: str = field(repr=False)


def enqueue(
    session: Session,
    *,
    client_id: int | None,
    event: str,
    payload: dict[str, object],
    now: datetime | None = None,
    kind: str = KIND_WEBHOOK,
    document_id: int | None = None,
) -> OutboxMessage:
    """Add an event to the outbox in the caller's transaction; never commit.

    Events naming the same ``document_id`` (and client) are sent in the
    order they were added: one waits while an earlier one is pending.
    """
    at = now or datetime.now(UTC)
    row = OutboxMessage(
        kind=kind,
        client_id=client_id,
        event=event,
        document_id=document_id,
        payload=json.dumps(payload, separators=(",", ":"), sort_keys=True),
        delivery_id=str(uuid.uuid4()),
        created_at=at,
        next_attempt_at=at,
        attempts=0,
    )
    session.add(row)
    return row


def enqueue_registered(session: Session, document: Document) -> None:
    """Queue ``submission.registered`` when an API client with a webhook sent it.

    Meant as the ``on_registered`` hook of ``app.registry.register``.
    """
    if not _wants_webhooks(session, document.client_id):
        return

    payload = _event_payload(EVENT_REGISTERED, document)
    enqueue(
        session,
        client_id=document.client_id,
        event=EVENT_REGISTERED,
        payload=payload,
        document_id=document.id,
    )


def enqueue_status_change(
    session: Session, document: Document, old: str, new: str
) -> None:
    """Queue ``submission.status_changed`` in the transaction that changed it."""
    if not _wants_webhooks(session, document.client_id):
        return

    payload = _event_payload(EVENT_STATUS_CHANGED, document)
    payload.update(status=new, previous_status=old)
    enqueue(
        session,
        client_id=document.client_id,
        event=EVENT_STATUS_CHANGED,
        payload=payload,
        document_id=document.id,
    )


def claim(
    sessions: sessionmaker[Session],
    policy: OutboxPolicy,
    now: datetime | None = None,
    kind: str = KIND_WEBHOOK,
) -> list[Claimed]:
    """Take up to ``policy.batch`` due rows of ``kind`` under a lease; commit."""
    at = now or datetime.now(UTC)
    token = secrets.token_hex(16)

    with sessions() as session:
        connection = begin_write(session)
        query = _due(at, kind).limit(policy.batch)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)

        rows = list(session.scalars(query))
        for row in rows:
            row.claimed_until = at + policy.lease
            row.claim_token = token

        claimed = [_claimed(row, token) for row in rows]
        session.commit()

    return claimed


def record(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    attempt: Attempt,
    policy: OutboxPolicy,
    now: datetime | None = None,
) -> str:
    """Log the attempt, then mark the row delivered, retry later or give up.

    Returns the row's new state. A sender whose lease was taken over records
    the attempt but leaves the row to the new holder.
    """
    at = now or datetime.now(UTC)
    number = claimed.attempts + 1

    with sessions() as session:
        begin_write(session)
        session.add(_delivery(claimed.id, number, attempt, at))
        state = _settle(session, claimed, number, attempt, policy, at)
        session.commit()

    return state


def settle(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    attempt: Attempt,
    policy: OutboxPolicy,
    now: datetime | None = None,
) -> str:
    """Mark the row delivered, retry later or give up, logging no attempt row."""
    at = now or datetime.now(UTC)
    with sessions() as session:
        begin_write(session)
        state = _settle(session, claimed, claimed.attempts + 1, attempt, policy, at)
        session.commit()

    return state


def give_up(sessions: sessionmaker[Session], claimed: Claimed, reason: str) -> None:
    """Mark a claimed row failed without sending it (no receiver to send to)."""
    with sessions() as session:
        begin_write(session)
        session.execute(
            _held(claimed).values(
                failed_at=datetime.now(UTC), last_error=reason, claimed_until=None
            )
        )
        session.commit()


def retry_delay(attempts: int, policy: OutboxPolicy) -> timedelta:
    """Return the wait after ``attempts`` failed attempts, with jitter."""
    schedule = policy.retry_schedule
    base = schedule[min(attempts, len(schedule)) - 1]
    spread = int(base * policy.jitter * 1000)
    offset_ms = secrets.randbelow(2 * spread + 1) - spread if spread else 0
    return timedelta(seconds=base, milliseconds=offset_ms)


def _due(at: datetime, kind: str) -> Select[OutboxMessage]:
    return (
        select(OutboxMessage)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= at,
            (OutboxMessage.claimed_until.is_(None))
            | (OutboxMessage.claimed_until <= at),
            ~_earlier_pending().exists(),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )


def _earlier_pending() -> Select[int]:
    """An earlier event of the same document and client still waiting (R13).

    Rows without a document (mail, rows from before the column) match
    nothing, as NULL equals nothing. An event given up on (failed) no
    longer holds the later ones back.
    """
    earlier = aliased(OutboxMessage)
    return select(earlier.id).where(
        earlier.document_id == OutboxMessage.document_id,
        earlier.client_id == OutboxMessage.client_id,
        earlier.kind == OutboxMessage.kind,
        earlier.id < OutboxMessage.id,
        earlier.delivered_at.is_(None),
        earlier.failed_at.is_(None),
    )


def _claimed(row: OutboxMessage, token: str) -> Claimed:
    return Claimed(
        id=row.id,
        client_id=row.client_id,
        event=row.event,
        payload=row.payload,
        delivery_id=row.delivery_id,
        attempts=row.attempts,
        token=token,
    )


def _delivery(
    outbox_id: int, number: int, attempt: Attempt, at: datetime
) -> WebhookDelivery:
    return WebhookDelivery(
        outbox_id=outbox_id,
        attempt=number,
        at=at,
        status_code=attempt.status_code,
        error=_clip(attempt.error),
        duration_ms=attempt.duration_ms,
    )


def _settle(
    session: Session,
    claimed: Claimed,
    number: int,
    attempt: Attempt,
    policy: OutboxPolicy,
    at: datetime,
) -> str:
    values: dict[str, object] = {"attempts": number, "claimed_until": None}
    if attempt.delivered:
        values.update(delivered_at=at, last_error=None)
        state = "delivered"
    elif number >= policy.max_attempts:
        values.update(failed_at=at, last_error=_clip(attempt.error))
        state = "failed"
    else:
        values.update(
            next_attempt_at=at + retry_delay(number, policy),
            last_error=_clip(attempt.error),
        )
        state = "pending"

    changed = session.execute(_held(claimed).values(**values)).rowcount  # type: ignore[attr-defined]
    if not changed:
        log.warning("outbox lease lost", extra={"outbox_id": claimed.id})
        return "lost"

    return state


def _held(claimed: Claimed) -> Update:
    """An UPDATE of the row only while this sender still holds its lease."""
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == claimed.id)
        .where(OutboxMessage.claim_token == claimed.token)
        .where(OutboxMessage.delivered_at.is_(None))
        .where(OutboxMessage.failed_at.is_(None))
    )


def _wants_webhooks(session: Session, client_id: int | None) -> bool:
    return client_id is not None and webhook_target(session, client_id) is not None


def _event_payload(event: str, document: Document) -> dict[str, object]:
    return {
        "event": event,
        "id": document.public_id,
        "registry_number": document.registry_number,
        "status": document.status,
        "indication": document.indication,
        "occurred_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:256]
