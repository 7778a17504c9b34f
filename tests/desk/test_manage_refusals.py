"""Administration refusals: stored e-mails are one address; admins keep the office."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from app.cases import writing
from app.cases.accounts import (
    AccountError,
    add_clerk,
    add_department,
    find_clerk,
    is_locked,
    lock,
)
from app.cases.addresses import is_one_address
from app.cases.models import Department
from app.services import Services
from tests.desk.conftest import PASSWORD, sign_in

BAD_EMAILS = [
    "gk@example.org\r\nBcc: victim@example.org",
    "gk@example.org\nBcc: victim@example.org",
    "gk@example.org, victim@example.org",
    "Geodezja <gk@example.org>",
    "gk@example.org victim@example.org",
    "gk@@example.org",
    "gk@localhost",
    "gk@example.org\x00",
    "",
    "a" * 65 + "@example.org",
]


@pytest.mark.parametrize("text", BAD_EMAILS)
def test_anything_but_one_addr_spec_is_not_an_address_review_f15(text: str) -> None:
    assert not is_one_address(text)


@pytest.mark.parametrize(
    "text", ["gk@example.org", "geodezja.kartografia+um@urzad.przykladowo.pl"]
)
def test_a_plain_address_is_one_address(text: str) -> None:
    assert is_one_address(text)


def test_a_department_email_with_crlf_is_refused_on_the_page_review_f15(
    desk_app: Flask, desk_services: Services
) -> None:
    admin = desk_app.test_client()
    sign_in(admin, "admin")

    answer = admin.post(
        "/desk/manage/departments",
        data={
            "symbol": "GK",
            "name_pl": "Geodezja",
            "name_en": "Surveying",
            "email": "gk@example.org\r\nBcc: victim@example.org",
        },
    )

    assert answer.status_code == 400
    assert "jednym adresem" in answer.get_data(as_text=True)
    with desk_services.sessions() as session:
        found = session.scalar(select(Department).where(Department.symbol == "GK"))
    assert found is None


def test_a_department_email_with_a_comma_is_refused_from_the_shell_review_f15(
    desk_app: Flask,
) -> None:
    result = desk_app.test_cli_runner().invoke(
        args=[
            "desk",
            "departments",
            "add",
            "GKC",
            "--name-pl",
            "Geodezja",
            "--name-en",
            "Surveying",
            "--email",
            "gk@example.org,victim@example.org",
        ]
    )

    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "one address" in result.output


def test_an_administrator_cannot_lock_their_own_account_review_f19(
    desk_app: Flask, desk_services: Services
) -> None:
    admin = desk_app.test_client()
    sign_in(admin, "admin")

    answer = admin.post("/desk/manage/users/admin/lock")

    assert answer.status_code == 400
    assert "własnego konta" in answer.get_data(as_text=True)
    assert admin.get("/desk/manage/users").status_code == 200
    with desk_services.sessions() as session:
        clerk = find_clerk(session, "admin")
        assert clerk is not None and not is_locked(clerk)


def test_the_last_active_administrator_cannot_be_locked_review_f19(
    desk_services: Services,
) -> None:
    with writing(desk_services.sessions) as session:
        admin = find_clerk(session, "admin")
        assert admin is not None
        with pytest.raises(AccountError, match="last active administrator"):
            lock(session, admin)


def test_another_administrator_can_be_locked_while_one_stays(
    desk_app: Flask, desk_services: Services
) -> None:
    with writing(desk_services.sessions) as session:
        if find_clerk(session, "admin2") is None:
            add_clerk(session, "admin2", "Drugi", PASSWORD, "admin", None)
    admin = desk_app.test_client()
    sign_in(admin, "admin")

    assert admin.post("/desk/manage/users/admin2/lock").status_code == 303
    with desk_services.sessions() as session:
        other = find_clerk(session, "admin2")
        assert other is not None and is_locked(other)


def test_a_department_without_email_is_still_added(desk_services: Services) -> None:
    with writing(desk_services.sessions) as session:
        added = add_department(session, "BEZ", "Bez poczty", "No mail", None)
    assert added.email is None
