"""The "file" mail transport, and the demo office's department addresses.

Without a mail server a demo instance writes each mail as an .eml file in
the instance folder; a production instance keeps mail queued instead.
"""

from __future__ import annotations

import email
import email.policy
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.cases import writing
from app.cases.demo import seed_demo
from app.cases.models import Department
from app.config import Settings
from app.notifications.sender import run_once
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.cases import DEPARTMENT_EMAIL, OpenCase, open_case_for
from tests.notifications.conftest import submit
from tests.notifications.test_mail import POLICY, ask, mail_rows


@pytest.fixture
def case(services: Services, citizen: XadesSigner) -> OpenCase:
    outcome = submit(services, citizen, None)
    return open_case_for(services, outcome.document.id)


def as_file_transport(services: Services, folder: Path) -> Services:
    settings = replace(
        services.settings, smtp_host=None, mail_transport="file", mail_dir=folder
    )
    return replace(services, settings=settings)


def test_a_question_lands_as_an_eml_file_readable_by_the_owner_only(
    app: Flask,
    services: Services,
    case: OpenCase,
    empty_outbox: None,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "mail"
    ask(app, services, case)
    report = run_once(as_file_transport(services, folder), POLICY)

    [path] = sorted(folder.glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert report.delivered == 1
    assert message["To"] == DEPARTMENT_EMAIL
    assert message["Subject"] == f"Pytanie w sprawie {case.number}"
    assert f"/desk/cases/{case.number}" in message.get_content()  # type: ignore[attr-defined]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [row.state for row in mail_rows(services)] == ["delivered"]
    assert not list(folder.glob(".*"))  # no half-written file left


def test_a_folder_that_cannot_be_written_keeps_the_mail_for_later(
    app: Flask,
    services: Services,
    case: OpenCase,
    empty_outbox: None,
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    ask(app, services, case)
    report = run_once(as_file_transport(services, blocker / "mail"), POLICY)

    [row] = mail_rows(services)
    assert (report.retrying, row.state, row.attempts) == (1, "pending", 1)


def test_transport_defaults_follow_smtp_and_demo(tmp_path: Path) -> None:
    base = {"KANCELARIA_INSTANCE": str(tmp_path)}
    demo = Settings.from_env(base)
    production = Settings.from_env({**base, "KANCELARIA_DEMO": "off"})
    smtp = Settings.from_env({**base, "KANCELARIA_SMTP_HOST": "127.0.0.1"})
    chosen = Settings.from_env(
        {**base, "KANCELARIA_MAIL_TRANSPORT": "file", "KANCELARIA_MAIL_DIR": "/m"}
    )

    assert (demo.mail_transport, demo.mail_folder) == ("file", tmp_path / "mail")
    assert production.mail_transport == "off"
    assert smtp.mail_transport == "smtp"
    assert (chosen.mail_transport, chosen.mail_folder) == ("file", Path("/m"))


@pytest.mark.parametrize(
    "env",
    [
        {"KANCELARIA_MAIL_TRANSPORT": "pigeon"},
        {"KANCELARIA_MAIL_TRANSPORT": "smtp"},
    ],
)
def test_an_unusable_transport_stops_the_start(env: dict[str, str]) -> None:
    with pytest.raises(RuntimeError, match="MAIL_TRANSPORT"):
        Settings.from_env(env)


def test_demo_departments_get_example_addresses(services: Services) -> None:
    forms = services.catalog.forms()
    with writing(services.sessions) as session:
        seed_demo(session, forms)

    with services.sessions() as session:
        symbols = {form.department for form in forms}
        rows = session.scalars(
            select(Department).where(Department.symbol.in_(symbols))
        ).all()

    assert {row.symbol for row in rows} == symbols
    for row in rows:
        assert row.email == f"{row.symbol.lower()}@przykladowo.example"
