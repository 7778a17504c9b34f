"""Idempotency-Key: the same key and body answer once, whatever the retries.

A key is claimed (a row inserted, committed) before intake runs and answered
(the response stored) after. A retry with the same key and body gets the
stored answer; with another body, 409 ``idempotency-key-reused``. A retry that
arrives while the first request still runs waits for it, up to a bound, then
gets 409 ``idempotency-key-in-use``. A claim left in progress for
:data:`STALE_AFTER` (a worker that crashed) may be taken over. Keys expire
:data:`EXPIRES_AFTER` after they were claimed: then the key is free again.
Keys belong to a scope: ``client:<id>`` or ``anon:<remote address>``.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.db import begin_write
from app.errors import ErrorCode, RequestError
from app.registry.models import IdempotencyKey

log = logging.getLogger(__name__)

IN_PROGRESS = "in-progress"
DONE = "done"
STALE_AFTER = timedelta(minutes=5)
EXPIRES_AFTER = timedelta(hours=24)
POLL_SECONDS = 0.05
# Visible ASCII (RFC 20): no spaces, no control characters.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")


class KeyInUseError(RequestError):
    """The same key is still being processed by another request."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.IDEMPOTENCY_KEY_IN_USE, 409)


@dataclass(frozen=True)
class Claim:
    """This request owns the key: it runs intake and then answers the claim."""

    row_id: int
    # Set when a stale claim was taken over: when the crashed attempt began.
    resumed_since: datetime | None = None


@dataclass(frozen=True)
class StoredAnswer:
    """The answer given to the first request with this key."""

    status: int
    body: str


def parse_key(header: str | None) -> str | None:
    """Return the ``Idempotency-Key`` header's value, None if absent; 400 if bad."""
    if header is None:
        return None

    if not KEY_PATTERN.fullmatch(header):
        raise RequestError(ErrorCode.BAD_IDEMPOTENCY_KEY, 400)

    return header


def claim(
    sessions: sessionmaker[Session],
    scope: str,
    key: str,
    body_sha256: str,
    wait_seconds: float,
) -> Claim | StoredAnswer:
    """Claim ``key`` for this body, or return the answer already given.

    Waits up to ``wait_seconds`` while another request holds the key.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        found = _try_claim(sessions, scope, key, body_sha256)
        if found is not None:
            return found

        if time.monotonic() >= deadline:
            log.warning("idempotency key in use", extra={"scope": scope})
            raise KeyInUseError()

        time.sleep(POLL_SECONDS)


def answer(
    sessions: sessionmaker[Session], owned: Claim, status: int, body: str
) -> None:
    """Store the response given for a claimed key."""
    with sessions() as session:
        begin_write(session)
        row = session.get(IdempotencyKey, owned.row_id)
        if row is not None:
            row.status = DONE
            row.response_status = status
            row.response_json = body
            row.completed_at = datetime.now(UTC)

        session.commit()


def release(sessions: sessionmaker[Session], owned: Claim) -> None:
    """Give a claimed key back unanswered, so that a retry runs again."""
    with sessions() as session:
        begin_write(session)
        row = session.get(IdempotencyKey, owned.row_id)
        if row is not None and row.status == IN_PROGRESS:
            session.delete(row)

        session.commit()


def purge_expired(sessions: sessionmaker[Session], now: datetime) -> int:
    """Delete answered keys past their expiry; return how many went."""
    with sessions() as session:
        begin_write(session)
        rows = session.scalars(
            select(IdempotencyKey).where(
                IdempotencyKey.created_at < now - EXPIRES_AFTER,
                IdempotencyKey.status == DONE,
            )
        ).all()
        for row in rows:
            session.delete(row)

        session.commit()
        return len(rows)


def _try_claim(
    sessions: sessionmaker[Session], scope: str, key: str, body_sha256: str
) -> Claim | StoredAnswer | None:
    """One attempt: a claim, the stored answer, or None to wait and retry."""
    now = datetime.now(UTC)
    with sessions() as session:
        begin_write(session)
        row = session.scalars(
            select(IdempotencyKey)
            .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
            .with_for_update()
        ).one_or_none()

        if row is None:
            return _insert(session, scope, key, body_sha256, now)

        found = _existing(row, body_sha256, now)
        session.commit()
        return found


def _insert(
    session: Session, scope: str, key: str, body_sha256: str, now: datetime
) -> Claim | None:
    row = IdempotencyKey(
        scope=scope, key=key, body_sha256=body_sha256, status=IN_PROGRESS
    )
    row.created_at = now
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # Another request inserted the same key first: look again.
        session.rollback()
        return None

    return Claim(row.id)


def _existing(
    row: IdempotencyKey, body_sha256: str, now: datetime
) -> Claim | StoredAnswer | None:
    """Decide about a key already claimed; changes ``row`` to take it over."""
    if row.created_at < now - EXPIRES_AFTER:
        _take_over(row, body_sha256, now)
        return Claim(row.id)

    if row.body_sha256 != body_sha256:
        raise RequestError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 409)

    if row.status == DONE and row.response_status is not None:
        return StoredAnswer(row.response_status, row.response_json or "")

    if row.created_at < now - STALE_AFTER:
        log.warning("stale idempotency claim taken over", extra={"key_id": row.id})
        since = row.created_at
        _take_over(row, body_sha256, now)
        return Claim(row.id, resumed_since=since)

    return None


def _take_over(row: IdempotencyKey, body_sha256: str, now: datetime) -> None:
    row.body_sha256 = body_sha256
    row.status = IN_PROGRESS
    row.response_status = None
    row.response_json = None
    row.completed_at = None
    row.created_at = now
