"""Checking a clerk's password: argon2id, lockout after five failures.

The hash check is slow on purpose, so it runs outside any transaction (on
SQLite a write transaction would hold up every registration meanwhile);
the failure count is then updated in a short write transaction of its own,
which also sees a lock another attempt set in between. Unknown logins and
locked accounts cost one hash check too, so that timing does not tell
which logins exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.cases import writing
from app.cases.accounts import find_clerk, hasher, is_locked
from app.cases.events import record_office_event
from app.cases.models import Clerk

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)

_DUMMY_HASH = hasher.hash("not the password of anyone")


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt; ``clerk`` only when it succeeded."""

    clerk: Clerk | None
    reason: str  # "ok", "unknown", "wrong-password", "locked", "inactive"


def sign_in(
    sessions: sessionmaker[Session],
    login: str,
    password: str,
    now: datetime | None = None,
) -> SignInResult:
    """Check ``password`` for ``login``; count a failure, lock after five."""
    now = now or datetime.now(UTC)
    with sessions() as session:
        clerk = find_clerk(session, login)

    if clerk is None or is_locked(clerk, now):
        _verify(_DUMMY_HASH, password)
        return SignInResult(None, "unknown" if clerk is None else "locked")

    right = _verify(clerk.password_hash, password)
    if right and not clerk.active:
        return SignInResult(None, "inactive")

    if right and clerk.failed_logins == 0 and not _needs_rehash(clerk):
        log.info("clerk signed in", extra={"clerk_id": clerk.id})
        return SignInResult(clerk, "ok")

    with writing(sessions) as session:
        return _settle(session, clerk, password, right, now)


def _settle(
    session: Session, seen: Clerk, password: str, right: bool, now: datetime
) -> SignInResult:
    # FOR UPDATE: on PostgreSQL two failures at once must not both count
    # from the same value (SQLite's write transaction already serialises).
    locked_row = (
        select(Clerk)
        .where(Clerk.id == seen.id)
        .with_for_update(of=Clerk)
        .execution_options(populate_existing=True)
    )
    clerk = session.scalars(locked_row).one()
    if is_locked(clerk, now):
        return SignInResult(None, "locked")

    if not right or clerk.password_hash != seen.password_hash:
        _count_failure(session, clerk, now)
        return SignInResult(None, "wrong-password")

    clerk.failed_logins = 0
    if _needs_rehash(clerk):
        clerk.password_hash = hasher.hash(password)

    log.info("clerk signed in", extra={"clerk_id": clerk.id})
    return SignInResult(clerk, "ok")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _needs_rehash(clerk: Clerk) -> bool:
    try:
        return hasher.check_needs_rehash(clerk.password_hash)
    except InvalidHashError:
        return False


def _count_failure(session: Session, clerk: Clerk, now: datetime) -> None:
    clerk.failed_logins += 1
    log.warning("wrong password", extra={"clerk_id": clerk.id})

    if clerk.failed_logins >= MAX_FAILURES:
        clerk.failed_logins = 0
        clerk.locked_until = now + LOCKOUT
        record_office_event(session, "clerk-locked-out", None, clerk=clerk.login)
