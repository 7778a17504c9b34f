"""Kiosk: follow a case by number and access code, posted, never in an address."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.cases import writing
from app.cases.lifecycle import decide
from app.cases.lookup import usual_deadline
from app.cases.models import Case
from app.kiosk import CONTENT_SECURITY_POLICY
from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import make_settings
from tests.app.filing import Filed, file_document
from tests.app.test_kiosk import Links
from tests.notifications.cases import open_case_for

LOOKUP = "/kiosk/case"


@pytest.fixture
def filed(client: FlaskClient, services: Services, citizen: XadesSigner) -> Filed:
    return file_document(client, services, citizen)


@pytest.fixture
def in_case(filed: Filed, services: Services) -> Filed:
    open_case_for(services, filed.document_id)
    return filed


def look_up(client: FlaskClient, filed: Filed, **changes: str) -> tuple[int, str]:
    data = {"sequence": str(filed.sequence), "year": str(filed.year)}
    data["code"] = filed.code
    answer = client.post(LOOKUP, data={**data, **changes})
    return answer.status_code, answer.get_data(as_text=True)


def test_the_start_offers_following_a_case(client: FlaskClient) -> None:
    home = client.get("/kiosk/").get_data(as_text=True)
    page = client.get(LOOKUP)
    form = page.get_data(as_text=True)

    assert f'href="{LOOKUP}"' in home
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert 'method="post"' in form and 'inputmode="numeric"' in form
    assert 'name="year"' in form and 'autocomplete="off"' in form


def test_the_case_shows_status_deadline_and_history_in_polish_and_english(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    with services.sessions() as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None

    status, page = look_up(client, in_case, code=in_case.code.lower())
    english = client.post(
        LOOKUP + "?lang=en",
        data={"sequence": in_case.sequence, "year": in_case.year, "code": in_case.code},
    ).get_data(as_text=True)

    assert status == 200
    assert case.number in page and case.deadline.isoformat() in page
    assert "Wydział Testowy" in page
    assert "Otwarta; czeka na rozpoczęcie pracy przez urzędnika" in page
    assert "sprawę założono" in page
    assert "pismo wpłynęło i zostało zarejestrowane" in page
    assert "Test Department" in english and "the case was opened" in english
    assert in_case.code not in page, "the access code is shown back"
    assert 'name="body"' not in page, "the kiosk takes no question"


def test_a_spaced_code_typed_on_a_screen_keyboard_is_found(
    client: FlaskClient, in_case: Filed
) -> None:
    code = in_case.code
    spaced = f" {code[:4]} {code[4:8]}-{code[8:12]} {code[12:]} "

    status, page = look_up(client, in_case, code=spaced)

    assert status == 200 and "Twoja sprawa" in page


def test_the_decision_appears_once_made(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        decide(session, None, case, "Wydano zaświadczenie nr 8/2026.")

    status, page = look_up(client, in_case)

    assert status == 200
    assert "Wydano zaświadczenie nr 8/2026." in page and "Rozstrzygnięcie" in page


def test_before_a_case_is_opened_the_page_says_so(
    client: FlaskClient, filed: Filed
) -> None:
    status, page = look_up(client, filed)

    assert status == 200
    assert "nie założono jeszcze sprawy" in page


def test_before_a_case_the_kiosk_says_it_awaits_a_clerk_and_when_review_r7(
    client: FlaskClient, filed: Filed, services: Services
) -> None:
    with services.sessions() as session:
        document = session.get_one(Document, filed.document_id)
        expected = usual_deadline(document, services.catalog)

    status, page = look_up(client, filed)

    assert status == 200
    assert 'id="awaiting-clerk"' in page and "czeka na urzędnika" in page
    assert expected.isoformat() in page


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"code": "WRONGCODE2345678"}, 404),
        ({"sequence": "999999"}, 404),
        ({"year": "1999"}, 404),
        ({"sequence": "12a"}, 400),
        ({"code": ""}, 400),
        ({"sequence": "\u0661\u0662"}, 400),  # Arabic-Indic digits are not ours
    ],
)
def test_a_wrong_number_or_code_shows_nothing(
    client: FlaskClient, filed: Filed, changes: dict[str, str], status: int
) -> None:
    answer_status, page = look_up(client, filed, **changes)

    assert answer_status == status
    assert 'role="alert"' in page
    assert "Twoja sprawa" not in page and "facts" not in page


def test_the_case_page_links_only_to_the_kiosk(
    client: FlaskClient, in_case: Filed
) -> None:
    _status, page = look_up(client, in_case)
    parsed = Links()
    parsed.feed(page)

    assert parsed.addresses
    for address in parsed.addresses:
        assert address.startswith(("/kiosk", "/static/", "?lang=")), address
    assert "data-idle-seconds" in page


def test_wrong_codes_past_the_limit_answer_429_on_a_kiosk_page(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    settings = make_settings(tmp_path_factory.mktemp("k"), lookup_rate_limit="2/minute")
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.77"
    wrong = {"sequence": "1", "year": "2026", "code": "WRONGCODE2345678"}
    try:
        answers = [client.post(LOOKUP, data=wrong) for _ in range(3)]
    finally:
        app.extensions["kancelaria"].engine.dispose()

    assert [a.status_code for a in answers] == [404, 404, 429]
    assert int(answers[2].headers["Retry-After"]) > 0
    page = answers[2].get_data(as_text=True)
    assert 'class="kiosk' in page and 'role="alert"' in page


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_lookup_without_the_csrf_token_is_refused(
    client: FlaskClient, filed: Filed, csrf_on: None
) -> None:
    status, page = look_up(client, filed)

    assert status == 400
    assert "Twoja sprawa" not in page


def test_a_refusal_inside_the_kiosk_stays_on_a_kiosk_page(
    client: FlaskClient,
) -> None:
    answer = client.get("/kiosk/forms/no-such-form")
    page = answer.get_data(as_text=True)
    parsed = Links()
    parsed.feed(page)

    assert answer.status_code == 404
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert 'class="kiosk' in page and "not-found" in page
    for address in parsed.addresses:
        assert address.startswith(("/kiosk", "/static/", "?lang=")), address


def test_times_on_the_kiosk_case_page_name_the_office_zone_review_r9(
    client: FlaskClient, in_case: Filed
) -> None:
    status, page = look_up(client, in_case)

    assert status == 200
    assert re.search(r"\d\d:\d\d (CET|CEST)</time>", page)
    assert " UTC</time>" not in page
