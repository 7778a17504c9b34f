"""A department with a notice address and a case holding a submitted document."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy import select

from app.cases import writing
from app.cases.accounts import add_department
from app.cases.jrwa import DEMO_LIST, load_jrwa_file
from app.cases.lifecycle import open_case
from app.cases.models import JrwaClass
from app.registry.models import Document
from app.services import Services

DEPARTMENT_EMAIL = "wydzial.testowy@urzad.test"
JRWA = "0152"


@dataclass(frozen=True)
class OpenCase:
    """The case's id and number and the document it holds."""

    case_id: int
    number: str
    document_id: int


def open_case_for(services: Services, document_id: int) -> OpenCase:
    """Open a case for a registered document in a fresh department."""
    symbol = "T" + secrets.token_hex(3).upper()
    with writing(services.sessions) as session:
        if session.get(JrwaClass, JRWA) is None:
            load_jrwa_file(session, DEMO_LIST)

        department = add_department(
            session, symbol, "Wydział Testowy", "Test Department", DEPARTMENT_EMAIL
        )
        document = session.scalar(select(Document).where(Document.id == document_id))
        assert document is not None
        case = open_case(session, None, department, JRWA, "Zapytanie", document)
        return OpenCase(case.id, case.number, document_id)


def with_smtp(services: Services, port: int | None, **more: object) -> Services:
    """The same services, sending mail to 127.0.0.1:port (None: no SMTP)."""
    settings = replace(
        services.settings,
        smtp_host="127.0.0.1" if port else None,
        mail_transport="smtp",
        smtp_port=port or 25,
        smtp_starttls=False,
        **more,  # type: ignore[arg-type]
    )
    return replace(services, settings=settings)
