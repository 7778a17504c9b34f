"""Demo office: departments from the form catalog, the demo JRWA list, accounts.

Made once, by ``kancelaria init`` on a demo instance. The accounts get
random passwords, returned so that they can be shown once; only their
hashes are kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.cases.accounts import add_clerk, add_department, find_clerk, find_department
from app.cases.jrwa import DEMO_LIST, load_jrwa_file
from app.catalog import FormVersion

# Notice addresses of demo departments: the reserved .example domain, so
# nothing can ever reach a real mailbox (with no SMTP server the mails land
# as .eml files in the instance folder).
DEMO_MAIL_DOMAIN = "przykladowo.example"

# login, display name, role, department symbol
DEMO_ACCOUNTS = (
    ("admin", "Administrator (demo)", "admin", None),
    ("recepcja", "Biuro obsługi (demo)", "front_desk", "OR"),
    ("kierownik.so", "Kierownik SO (demo)", "head", "SO"),
    ("urzednik.so", "Urzędnik SO (demo)", "clerk", "SO"),
)


@dataclass(frozen=True)
class DemoAccount:
    """A demo account just made, with its one-time shown password."""

    login: str
    role: str
    department: str | None
    password: str


def demo_address(symbol: str) -> str:
    """The demo notice address of a department."""
    return f"{symbol.lower()}@{DEMO_MAIL_DOMAIN}"


def seed_demo(session: Session, forms: Iterable[FormVersion]) -> list[DemoAccount]:
    """Create what is missing of the demo office; return the new accounts."""
    for form in forms:
        department = find_department(session, form.department)
        if department is None:
            add_department(
                session,
                form.department,
                form.department_name_pl,
                form.department_name_en,
                demo_address(form.department),
            )
        elif department.email is None:
            # Demo departments made before they had addresses get one now.
            department.email = demo_address(form.department)

    load_jrwa_file(session, DEMO_LIST)
    made = []
    for login, name, role, symbol in DEMO_ACCOUNTS:
        if find_clerk(session, login) is not None:
            continue

        department = find_department(session, symbol) if symbol else None
        password = secrets.token_urlsafe(12)
        add_clerk(session, login, name, password, role, department)
        made.append(DemoAccount(login, role, symbol, password))

    return made
