"""Accounts: argon2 hashes, sign-in, lockout after five failures, locks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.cases import writing
from app.cases.accounts import (
    AccountError,
    add_clerk,
    add_department,
    find_clerk,
    lock,
    set_password,
    unlock,
)
from app.cases.models import Clerk
from app.cases.signin import sign_in
from app.registry.models import JournalEntry
from tests.cases.conftest import PASSWORD, Office

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def _attempt(
    sessions: sessionmaker[Session], login: str, password: str, now: datetime = NOW
) -> str:
    return sign_in(sessions, login, password, now=now).reason


def test_add_clerk_keeps_an_argon2id_hash_only(
    sessions: sessionmaker[Session],
) -> None:
    with writing(sessions) as session:
        department = add_department(session, "OR", "Wydział Organizacyjny", "Org")
        add_clerk(session, "anna.nowak", "Anna Nowak", PASSWORD, "clerk", department)

    with sessions() as session:
        clerk = session.scalars(select(Clerk)).one()
        assert clerk.password_hash.startswith("$argon2id$")
        assert PASSWORD not in clerk.password_hash
        payloads = [e.payload_json for e in session.scalars(select(JournalEntry))]
        assert PASSWORD not in "".join(payloads)
        assert json.loads(payloads[-1])["clerk"] == "anna.nowak"


@pytest.mark.parametrize(
    ("login", "password", "role", "department"),
    [
        ("Anna", PASSWORD, "clerk", True),
        ("anna", "short", "clerk", True),
        ("anna", PASSWORD, "clerk", False),
        ("anna", PASSWORD, "king", True),
    ],
    ids=["capital-login", "short-password", "no-department", "unknown-role"],
)
def test_add_clerk_refuses_bad_accounts(
    sessions: sessionmaker[Session],
    login: str,
    password: str,
    role: str,
    department: bool,
) -> None:
    with writing(sessions) as session:
        unit = add_department(session, "OR", "Organizacyjny", "Org")
        with pytest.raises(ValueError):
            add_clerk(session, login, "X", password, role, unit if department else None)


def test_a_duplicate_login_is_refused(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session, pytest.raises(AccountError, match="taken"):
        add_clerk(session, "clerk.so", "X", PASSWORD, "admin", None)


def test_the_right_password_signs_in(
    sessions: sessionmaker[Session], office: Office
) -> None:
    assert _attempt(sessions, "clerk.so", PASSWORD) == "ok"
    assert _attempt(sessions, "clerk.so", PASSWORD + "x") == "wrong-password"
    assert _attempt(sessions, "nobody", PASSWORD) == "unknown"


def test_five_failures_lock_the_account_for_15_minutes(
    sessions: sessionmaker[Session], office: Office
) -> None:
    for _ in range(5):
        assert _attempt(sessions, "clerk.so", "wrong password!") == "wrong-password"

    # Locked: even the right password is refused, until 15 minutes passed.
    assert _attempt(sessions, "clerk.so", PASSWORD) == "locked"
    later = NOW + timedelta(minutes=14, seconds=59)
    assert _attempt(sessions, "clerk.so", PASSWORD, later) == "locked"
    assert _attempt(sessions, "clerk.so", PASSWORD, NOW + timedelta(minutes=15)) == "ok"

    with sessions() as session:
        events = [e.event for e in session.scalars(select(JournalEntry))]
        assert events.count("clerk-locked-out") == 1


def test_four_failures_then_success_start_the_count_again(
    sessions: sessionmaker[Session], office: Office
) -> None:
    for _ in range(4):
        _attempt(sessions, "clerk.so", "wrong password!")
    assert _attempt(sessions, "clerk.so", PASSWORD) == "ok"

    for _ in range(4):
        _attempt(sessions, "clerk.so", "wrong password!")
    assert _attempt(sessions, "clerk.so", PASSWORD) == "ok"


def test_an_administrators_lock_holds_until_unlocked(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        clerk = find_clerk(session, "clerk.so")
        assert clerk is not None
        lock(session, clerk)
        version = clerk.auth_version

    far = NOW + timedelta(days=400)
    assert _attempt(sessions, "clerk.so", PASSWORD, far) == "locked"

    with writing(sessions) as session:
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        assert clerk.auth_version == version
        unlock(session, clerk)
    assert _attempt(sessions, "clerk.so", PASSWORD) == "ok"


def test_an_inactive_account_does_not_sign_in(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        session.get_one(Clerk, office.clerks["clerk.so"]).active = False

    assert _attempt(sessions, "clerk.so", PASSWORD) == "inactive"


def test_a_new_password_replaces_the_old_and_ends_sessions(
    sessions: sessionmaker[Session], office: Office
) -> None:
    with writing(sessions) as session:
        clerk = session.get_one(Clerk, office.clerks["clerk.so"])
        version = clerk.auth_version
        set_password(session, clerk, "a much newer passphrase")
        assert clerk.auth_version == version + 1

    assert _attempt(sessions, "clerk.so", PASSWORD) == "wrong-password"
    assert _attempt(sessions, "clerk.so", "a much newer passphrase") == "ok"


def test_wrong_passwords_at_once_still_lock_once(
    sessions: sessionmaker[Session], office: Office
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        reasons = list(
            pool.map(lambda _n: _attempt(sessions, "clerk.so", "wrong!"), range(8))
        )

    assert sorted(reasons) == ["locked"] * 3 + ["wrong-password"] * 5
    assert _attempt(sessions, "clerk.so", PASSWORD) == "locked"
    with sessions() as session:
        events = [e.event for e in session.scalars(select(JournalEntry))]
    assert events.count("clerk-locked-out") == 1
