"""Demo office: departments from the form catalog, the demo JRWA list, accounts.

Made once, by ``kancelaria init`` on a demo instance. The accounts get
random passwords, returned so that they can be shown once; only their
hashes are kept. Every department a form goes to gets a head and a clerk,
so a newcomer who sends any form finds someone who opens its case (and
an instance made before a form's department had them gets them on the
next ``init``).
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
Account = tuple[str, str, str, str | None]
DEMO_ACCOUNTS: tuple[Account, ...] = (
    ("admin", "Administrator (demo)", "admin", None),
    ("recepcja", "Biuro obsługi (demo)", "front_desk", "OR"),
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


def department_accounts(symbols: Iterable[str]) -> list[Account]:
    """A head and a clerk for each department, in DEMO_ACCOUNTS' shape."""
    accounts: list[Account] = []
    for symbol in symbols:
        login = symbol.lower()
        accounts.append(
            (f"kierownik.{login}", f"Kierownik {symbol} (demo)", "head", symbol)
        )
        accounts.append(
            (f"urzednik.{login}", f"Urzędnik {symbol} (demo)", "clerk", symbol)
        )

    return accounts


def seed_demo(session: Session, forms: Iterable[FormVersion]) -> list[DemoAccount]:
    """Create what is missing of the demo office; return the new accounts."""
    forms = list(forms)
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
    symbols = sorted({form.department for form in forms})
    for login, name, role, symbol in (*DEMO_ACCOUNTS, *department_accounts(symbols)):
        if find_clerk(session, login) is not None:
            continue

        department = find_department(session, symbol) if symbol else None
        password = secrets.token_urlsafe(12)
        add_clerk(session, login, name, password, role, department)
        made.append(DemoAccount(login, role, symbol, password))

    return made
