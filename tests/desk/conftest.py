"""A desk application on a fresh instance, with an office of people in two departments.

Runs on SQLite, or on PostgreSQL with ``KANCELARIA_TEST_APP_DB=postgres``
(the same switch as tests/app). Accounts are written with one argon2 hash
made once; signing in checks it for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from app import create_app
from app.cases import lifecycle, writing
from app.cases.accounts import add_department, find_department
from app.cases.jrwa import DEMO_LIST, load_jrwa_file
from app.cases.models import Clerk
from app.intake import Submission, intake
from app.intake.scan import Paper
from app.registry.models import Document
from app.services import Services
from tests.app.conftest import app_database_env, check_app_backend, make_settings
from tests.cases.conftest import PASSWORD, password_hash
from tests.conftest_db import postgres_admin_url

__all__ = ["PASSWORD", "postgres_admin_url"]

# login -> (role, department symbol or None)
PEOPLE = {
    "desk.so": ("front_desk", "SO"),
    "desk.fn": ("front_desk", "FN"),
    "clerk.so": ("clerk", "SO"),
    "clerk2.so": ("clerk", "SO"),
    "head.so": ("head", "SO"),
    "clerk.fn": ("clerk", "FN"),
    "head.fn": ("head", "FN"),
    "archivist": ("archivist", None),
    "admin": ("admin", None),
}


@pytest.fixture(scope="module")
def desk_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The application with departments SO, FN, OR, the demo JRWA list and people."""
    instance = tmp_path_factory.mktemp("instance")

    with app_database_env(request) as environ:
        # Webhook and partner addresses of these tests are on 127.0.0.1 (F27).
        settings = make_settings(instance, environ, webhook_private_targets=True)
        application = create_app(settings)
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            check_app_backend(application)
            _seed(application.extensions["kancelaria"])
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture(scope="module")
def fresh_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An instance with no departments or accounts yet (one per test module)."""
    instance = tmp_path_factory.mktemp("fresh")
    with app_database_env(request) as environ:
        application = create_app(make_settings(instance, environ))
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture(scope="module")
def desk_services(desk_app: Flask) -> Services:
    """The application's services."""
    found: Services = desk_app.extensions["kancelaria"]
    return found


@pytest.fixture
def http(desk_app: Flask) -> FlaskClient:
    """A fresh browser: no cookies."""
    return desk_app.test_client()


def sign_in(client: FlaskClient, login: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in as ``login``; fail the test if that does not work."""
    answer = client.post("/desk/sign-in", data={"login": login, "password": password})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:400]


def scan(kind: str = "PNG", colour: str = "white") -> bytes:
    """A real one-page image or PDF file, as a scanner would make it."""
    out = BytesIO()
    Image.new("RGB", (120, 170), colour).save(out, format=kind)
    return out.getvalue()


DETAILS = {
    "sender": "Anna Testowa, ul. Próbna 2, 00-002 Przykładowo",
    "subject": "Wniosek o wydanie zaświadczenia",
    "department": "FN",
    "pages": "3",
    "attachments": "2",
    "arrival": "post",
}


def register_paper(
    client: FlaskClient, data: bytes, name: str, **changes: str
) -> tuple[int, str, str]:
    """Post the front desk's form; return status, Location and page."""
    fields = {**DETAILS, **changes, "scan": (BytesIO(data), name)}
    answer = client.post("/desk/paper", data=fields, content_type="multipart/form-data")
    location = answer.headers.get("Location", "")
    return answer.status_code, location, answer.get_data(as_text=True)


def paper_document(
    services: Services, department: str = "SO", data: bytes | None = None
) -> Document:
    """Register a scanned letter for ``department`` through the intake pipeline."""
    paper = Paper(
        sender="Jan Testowy, ul. Przykładowa 1, 00-001 Przykładowo",
        department=department,
        pages=1,
        attachments=0,
        arrival="post",
        subject="Pismo w sprawie testowej",
    )
    body = BytesIO(data or scan(colour=f"#{datetime.now(UTC).microsecond:06x}"))
    outcome = intake(services, body, Submission(channel="desk", paper=paper))
    return outcome.document


def open_case_in(
    services: Services, department: str = "SO", title: str = "Sprawa"
) -> str:
    """Open a case in ``department`` (no document) and return its number."""
    with writing(services.sessions) as session:
        unit = find_department(session, department)
        assert unit is not None
        return lifecycle.open_case(session, None, unit, "5360", title).number


def _seed(services: Services) -> None:
    with writing(services.sessions) as session:
        departments = {
            symbol: add_department(session, symbol, f"Wydział {symbol}", symbol)
            for symbol in ("SO", "FN", "OR")
        }
        for login, (role, symbol) in PEOPLE.items():
            unit = departments[symbol] if symbol else None
            session.add(
                Clerk(
                    login=login,
                    display_name=login.title(),
                    password_hash=password_hash(),
                    role=role,
                    department_id=unit.id if unit else None,
                    failed_logins=0,
                    active=True,
                    created_at=datetime.now(UTC),
                    auth_version=1,
                )
            )
        load_jrwa_file(session, DEMO_LIST)
