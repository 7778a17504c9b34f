"""Sign-in at the desk: lockout, idle and absolute expiry, sign-out, CSRF."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.cases import writing
from app.cases.accounts import add_clerk, find_clerk, find_department, set_password
from app.desk.auth import ABSOLUTE_SECONDS, IDLE_SECONDS, SEEN, SINCE
from app.services import Services
from tests.desk.conftest import PASSWORD, sign_in


@pytest.fixture
def account(desk_services: Services) -> Iterator[str]:
    """A fresh clerk of SO, so that lockouts touch no other test."""
    login = f"temp{time.monotonic_ns() % 10**9}"
    with writing(desk_services.sessions) as session:
        add_clerk(
            session, login, "Temp", PASSWORD, "clerk", find_department(session, "SO")
        )
    yield login


def _post_sign_in(client: FlaskClient, login: str, password: str) -> tuple[int, str]:
    answer = client.post("/desk/sign-in", data={"login": login, "password": password})
    return answer.status_code, answer.get_data(as_text=True)


def test_a_wrong_password_is_refused_without_saying_which_part(
    http: FlaskClient, account: str
) -> None:
    wrong = _post_sign_in(http, account, "not the password")
    unknown = _post_sign_in(http, "no.such.person", "not the password")

    assert wrong[0] == unknown[0] == 401
    assert "Błędny login lub hasło" in wrong[1]
    assert "Błędny login lub hasło" in unknown[1]
    assert http.get("/desk/inbox").status_code == 302


def test_five_wrong_passwords_lock_the_account(http: FlaskClient, account: str) -> None:
    for _ in range(5):
        assert _post_sign_in(http, account, "not the password")[0] == 401

    status, page = _post_sign_in(http, account, PASSWORD)

    assert status == 401
    assert "zablokowane" in page
    assert http.get("/desk/inbox").status_code == 302


def test_an_idle_session_expires(http: FlaskClient) -> None:
    sign_in(http, "clerk.so")
    assert http.get("/desk/inbox").status_code == 200

    with http.session_transaction() as session:
        session[SEEN] = time.time() - IDLE_SECONDS - 1

    answer = http.get("/desk/inbox")
    assert answer.status_code == 302 and "/desk/sign-in" in answer.headers["Location"]
    assert http.get("/desk/inbox").status_code == 302, "the session lived on"


def test_a_busy_session_still_ends_after_its_absolute_lifetime(
    http: FlaskClient,
) -> None:
    sign_in(http, "clerk.so")

    with http.session_transaction() as session:
        session[SINCE] = time.time() - ABSOLUTE_SECONDS - 1

    assert http.get("/desk/inbox").status_code == 302


def test_sign_out_ends_the_session(http: FlaskClient) -> None:
    sign_in(http, "clerk.so")

    assert http.post("/desk/sign-out").status_code == 303
    assert http.get("/desk/inbox").status_code == 302


def test_a_password_change_ends_existing_sessions(
    http: FlaskClient, desk_services: Services, account: str
) -> None:
    sign_in(http, account)
    assert http.get("/desk/inbox").status_code == 200

    with writing(desk_services.sessions) as session:
        clerk = find_clerk(session, account)
        assert clerk is not None
        set_password(session, clerk, "another long passphrase")

    assert http.get("/desk/inbox").status_code == 302


def test_a_lock_by_the_administrator_ends_sessions(
    http: FlaskClient, desk_app: Flask, account: str
) -> None:
    sign_in(http, account)
    admin = desk_app.test_client()
    sign_in(admin, "admin")

    assert admin.post(f"/desk/manage/users/{account}/lock").status_code == 303
    assert http.get("/desk/inbox").status_code == 302
    assert _post_sign_in(http, account, PASSWORD)[0] == 401


def test_forms_without_the_csrf_token_are_refused(
    desk_app: Flask, desk_services: Services
) -> None:
    client = desk_app.test_client()
    sign_in(client, "head.so")
    desk_app.config["WTF_CSRF_ENABLED"] = True
    try:
        sign_in_answer = desk_app.test_client().post(
            "/desk/sign-in", data={"login": "clerk.so", "password": PASSWORD}
        )
        new_case = client.post(
            "/desk/cases/new", data={"jrwa": "5360", "title": "Bez tokenu"}
        )
        page = client.get("/desk/cases/new").get_data(as_text=True)
    finally:
        desk_app.config["WTF_CSRF_ENABLED"] = False

    assert sign_in_answer.status_code == 400
    assert new_case.status_code == 400
    assert 'name="csrf_token"' in page
    with desk_services.sessions() as session:
        from sqlalchemy import select

        from app.cases.models import Case

        titles = session.scalars(select(Case.title)).all()
        assert "Bez tokenu" not in titles


def test_a_copied_cookie_no_longer_works_after_sign_out_review_f9(
    desk_app: Flask, account: str
) -> None:
    browser = desk_app.test_client()
    sign_in(browser, account)
    cookie = browser.get_cookie("session")
    assert cookie is not None
    copy = desk_app.test_client()
    copy.set_cookie("session", cookie.value)
    assert copy.get("/desk/inbox").status_code == 200

    assert browser.post("/desk/sign-out").status_code == 303

    assert copy.get("/desk/inbox").status_code == 302
    sign_in(browser, account)
    assert browser.get("/desk/inbox").status_code == 200


def test_sign_in_follows_a_same_site_desk_next_review_f10(http: FlaskClient) -> None:
    answer = http.get("/desk/cases/SO.5360.1.2026")
    assert answer.status_code == 302
    sign_in_page = http.get(answer.headers["Location"]).get_data(as_text=True)
    assert re.search(
        r'action="/desk/sign-in\?next=(%2F|/)desk(%2F|/)cases', sign_in_page
    )

    signed = http.post(
        "/desk/sign-in?next=%2Fdesk%2Fcases%2FSO.5360.1.2026",
        data={"login": "clerk.so", "password": PASSWORD},
    )

    assert signed.status_code == 303
    assert signed.headers["Location"] == "/desk/cases/SO.5360.1.2026"


@pytest.mark.parametrize(
    "wanted",
    [
        "http://evil.example/desk/",
        "//evil.example/desk/",
        "/desk//evil.example/",
        "/\\evil.example/",
        "/desk/\\\\evil.example",
        "https:/desk/inbox",
        "/portal/",
        "/desk/\r\nSet-Cookie: x=1",
    ],
)
def test_sign_in_ignores_an_open_redirect_next_review_f10(
    http: FlaskClient, wanted: str
) -> None:
    signed = http.post(
        "/desk/sign-in",
        query_string={"next": wanted},
        data={"login": "clerk.so", "password": PASSWORD},
    )

    assert signed.status_code == 303
    assert signed.headers["Location"] == "/desk/"


def test_one_address_is_stopped_after_twenty_failed_sign_ins_review_f11(
    desk_app: Flask, account: str
) -> None:
    sprayer = desk_app.test_client()
    sprayer.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    for attempt in range(20):
        login = account if attempt < 3 else f"nobody{attempt}"
        assert _post_sign_in(sprayer, login, "not the password")[0] == 401

    refused = sprayer.post(
        "/desk/sign-in", data={"login": account, "password": PASSWORD}
    )

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Zbyt wiele nieudanych logowań" in refused.get_data(as_text=True)
    # Another address, and the account itself (3 failures, not locked), still work.
    other = desk_app.test_client()
    sign_in(other, account)


def test_an_unknown_login_answers_like_an_existing_one_review_r11(
    desk_app: Flask, account: str
) -> None:
    guesser = desk_app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "127.0.0.19"
    ghost = f"ghost{time.monotonic_ns() % 10**9}"

    real = [_post_sign_in(guesser, account, "not the password") for _ in range(6)]
    unknown = [_post_sign_in(guesser, ghost, "not the password") for _ in range(6)]

    def words(page: str) -> str:
        return re.findall(r'id="error">([^<]+)<', page)[0].strip()

    assert [status for status, _ in real] == [status for status, _ in unknown]
    assert [words(page) for _, page in real] == [words(page) for _, page in unknown]
    assert words(real[-1][1]).startswith("Konto jest zablokowane")
    assert words(real[4][1]).startswith("Błędny login")
    # Another login that does not exist is not locked by the first one's count.
    other = _post_sign_in(guesser, f"{ghost}x", "not the password")
    assert words(other[1]) == words(real[0][1])
