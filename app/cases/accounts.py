"""Departments and clerk accounts: create, list, change the password, lock.

Passwords are hashed with argon2id (argon2-cffi's defaults); signing in is
app.cases.signin. An administrator's lock lasts until it is lifted.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.addresses import is_one_address
from app.cases.constants import Role
from app.cases.events import record_office_event
from app.cases.models import Clerk, Department
from app.registry.numbering import DEPARTMENT_SYMBOL

log = logging.getLogger(__name__)

# An administrator's lock: until unlocked.
LOCKED_FOR_GOOD = datetime(9999, 1, 1, tzinfo=UTC)
MIN_PASSWORD = 12
LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9._-]{1,63}")

hasher = PasswordHasher()


class AccountErrorCode(StrEnum):
    """Why an account or department change was refused."""

    BAD_SYMBOL = "bad-symbol"
    DEPARTMENT_EXISTS = "department-exists"
    BAD_LOGIN = "bad-login"
    NEEDS_DEPARTMENT = "needs-department"
    LOGIN_TAKEN = "login-taken"
    SHORT_PASSWORD = "short-password"  # noqa: S105 (a code, not a password)
    UNKNOWN_ROLE = "unknown-role"
    BAD_EMAIL = "bad-email"
    LOCKS_ONESELF = "locks-oneself"
    LAST_ADMIN = "last-admin"


class AccountError(ValueError):
    """An account or department change that is not allowed."""

    def __init__(self, code: AccountErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def add_department(
    session: Session,
    symbol: str,
    name_pl: str,
    name_en: str,
    email: str | None = None,
    by: Clerk | None = None,
) -> Department:
    """Create a department; its symbol is the first part of its case numbers."""
    if not DEPARTMENT_SYMBOL.fullmatch(symbol):
        raise AccountError(
            AccountErrorCode.BAD_SYMBOL,
            "A department symbol is 1-8 capitals or digits.",
        )

    if email is not None and not is_one_address(email):
        raise AccountError(
            AccountErrorCode.BAD_EMAIL,
            "The e-mail must be one address such as wydzial@example.org.",
        )

    if session.scalar(select(Department.id).where(Department.symbol == symbol)):
        raise AccountError(
            AccountErrorCode.DEPARTMENT_EXISTS, f"Department {symbol} exists already."
        )

    department = Department(
        symbol=symbol, name_pl=name_pl, name_en=name_en, email=email, active=True
    )
    session.add(department)
    session.flush()
    record_office_event(session, "department-added", by, department=symbol)
    return department


def find_department(session: Session, symbol: str) -> Department | None:
    """Return the department with this symbol, if any."""
    return session.scalar(select(Department).where(Department.symbol == symbol))


def add_clerk(
    session: Session,
    login: str,
    display_name: str,
    password: str,
    role: str,
    department: Department | None,
    by: Clerk | None = None,
) -> Clerk:
    """Create an account; every role but admin and archivist needs a department."""
    if role not in set(Role):
        raise AccountError(AccountErrorCode.UNKNOWN_ROLE, f"No role {role[:32]!r}.")

    role = Role(role)
    if not LOGIN_PATTERN.fullmatch(login):
        raise AccountError(
            AccountErrorCode.BAD_LOGIN,
            "A login is 2-64 small letters, digits, '.', '_' or '-'.",
        )

    if department is None and role not in (Role.ADMIN, Role.ARCHIVIST):
        raise AccountError(
            AccountErrorCode.NEEDS_DEPARTMENT, f"A {role} account needs a department."
        )

    if find_clerk(session, login) is not None:
        raise AccountError(AccountErrorCode.LOGIN_TAKEN, f"Login {login} is taken.")

    clerk = Clerk(
        login=login,
        display_name=display_name.strip() or login,
        password_hash=hash_password(password),
        role=role,
        department_id=department.id if department else None,
        department=department,
        failed_logins=0,
        active=True,
        created_at=datetime.now(UTC),
        auth_version=1,
    )
    session.add(clerk)
    session.flush()
    record_office_event(session, "clerk-added", by, clerk=login, role=str(role))
    return clerk


def find_clerk(session: Session, login: str) -> Clerk | None:
    """Return the account with this login, if any."""
    return session.scalar(select(Clerk).where(Clerk.login == login))


def hash_password(password: str) -> str:
    """Hash a new password; refuse one shorter than 12 characters."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            AccountErrorCode.SHORT_PASSWORD,
            f"A password needs at least {MIN_PASSWORD} characters.",
        )

    return hasher.hash(password)


def set_password(
    session: Session, clerk: Clerk, password: str, by: Clerk | None = None
) -> None:
    """Replace the password; sessions signed in before end."""
    clerk.password_hash = hash_password(password)
    clerk.auth_version += 1
    record_office_event(session, "clerk-password-set", by, clerk=clerk.login)


def lock(session: Session, clerk: Clerk, by: Clerk | None = None) -> None:
    """Lock the account until an administrator unlocks it; end its sessions.

    Refused for the administrator's own account and for the last active
    administrator: nobody could then manage the office from the desk.
    """
    if by is not None and by.id == clerk.id:
        raise AccountError(
            AccountErrorCode.LOCKS_ONESELF, "You cannot lock your own account."
        )

    if clerk.role == Role.ADMIN and not _other_active_admins(session, clerk):
        raise AccountError(
            AccountErrorCode.LAST_ADMIN,
            "The last active administrator cannot be locked.",
        )

    clerk.locked_until = LOCKED_FOR_GOOD
    clerk.auth_version += 1
    record_office_event(session, "clerk-locked", by, clerk=clerk.login)


def _other_active_admins(session: Session, clerk: Clerk) -> list[Clerk]:
    admins = session.scalars(
        select(Clerk).where(
            Clerk.role == Role.ADMIN, Clerk.active.is_(True), Clerk.id != clerk.id
        )
    )
    return [admin for admin in admins if not is_locked(admin)]


def end_sessions(session: Session, clerk: Clerk) -> None:
    """End every session the clerk has (sign-out: a copied cookie stops working)."""
    clerk.auth_version += 1


def unlock(session: Session, clerk: Clerk, by: Clerk | None = None) -> None:
    """Lift a lock (an administrator's or the one after failed sign-ins)."""
    clerk.locked_until = None
    clerk.failed_logins = 0
    record_office_event(session, "clerk-unlocked", by, clerk=clerk.login)


def is_locked(clerk: Clerk, now: datetime | None = None) -> bool:
    """Say whether the account is locked at ``now``."""
    now = now or datetime.now(UTC)
    return clerk.locked_until is not None and clerk.locked_until > now


def list_departments(session: Session) -> list[Department]:
    """Every department, by symbol."""
    return list(session.scalars(select(Department).order_by(Department.symbol)))


def list_clerks(session: Session, department: Department | None = None) -> list[Clerk]:
    """Accounts by login; only one department's when given."""
    query = select(Clerk).order_by(Clerk.login)
    if department is not None:
        query = query.where(Clerk.department_id == department.id)

    return list(session.scalars(query))
