"""Kiosk: open a form filled at home by its typed code, never kept in an address."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.catalog import parse_local
from app.drafts.code import ALPHABET, check_symbol, format_code
from app.formfill import root_element, values_from_document
from app.kiosk import CONTENT_SECURITY_POLICY
from app.kiosk.opened import KEEP_SECONDS, KEY

OPEN = "/kiosk/draft/open"


def sample_values(app: Flask) -> dict[str, str]:
    form = app.extensions["kancelaria"].catalog.get("pismo-ogolne")
    root = root_element(form.schema(), form.namespace, form.root)
    return values_from_document(root, parse_local(form.sample_path))


@pytest.fixture
def home_code(app: Flask) -> str:
    """The code of a form filled on the portal, as a resident takes it home."""
    answer = app.test_client().post(
        "/forms/pismo-ogolne/fill", data={**sample_values(app), "_op": "build"}
    )
    assert answer.status_code == 303
    return answer.location.rsplit("/", 1)[1]


def swapped(code: str) -> str:
    """The code with its first two different neighbours swapped: a typing slip."""
    n = next(n for n in range(len(code) - 1) if code[n] != code[n + 1])
    return code[:n] + code[n + 1] + code[n] + code[n + 2 :]


def shown_code(page: str) -> str:
    found = re.search(r'class="draft-code">([^<]+)<', page)
    assert found is not None, page[:500]
    return found.group(1)


def test_the_start_offers_opening_a_form_filled_at_home(client: FlaskClient) -> None:
    home = client.get("/kiosk/").get_data(as_text=True)
    page = client.get(OPEN)
    form = page.get_data(as_text=True)

    assert f'href="{OPEN}"' in home and "Otwórz formularz wypełniony w domu" in home
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert 'method="post"' in form and f'action="{OPEN}"' in form
    assert 'autocomplete="off"' in form and 'name="code"' in form


def test_a_code_typed_loosely_opens_the_draft_at_an_address_without_it(
    client: FlaskClient, home_code: str
) -> None:
    typed = f"  {format_code(home_code).lower().replace('-', ' - ')} "

    opened = client.post(OPEN, data={"code": typed})
    page = client.get(opened.location)
    pdf = client.get("/kiosk/draft/paper.pdf")

    assert opened.status_code == 303 and opened.location == "/kiosk/draft"
    assert page.status_code == 200
    assert shown_code(page.get_data(as_text=True)) == format_code(home_code)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert home_code not in pdf.headers["Content-Disposition"]
    for answer in (opened, page, pdf):
        assert home_code not in (answer.location or "")
        assert "Content-Security-Policy" in answer.headers


def test_the_session_keeps_the_drafts_id_never_its_code(
    app: Flask, client: FlaskClient, home_code: str
) -> None:
    client.post(OPEN, data={"code": home_code})
    cookie = client.get_cookie("session")
    assert cookie is not None

    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    value = serializer.loads(cookie.value)

    assert set(value[KEY]) == {"id", "at"}
    assert home_code not in str(value) and format_code(home_code) not in str(value)


@pytest.mark.parametrize(
    ("typed", "status", "words"),
    [
        ("", 400, "Wpisz kod wypełnionego formularza."),
        ("ABCDE-FGH", 400, "wpisany ma 8"),
        ("ABCDE-FGH0K", 400, "znak, którego kody formularzy nie używają"),
        ("slip", 400, "W kodzie jest literówka"),
        ("unknown", 404, "Pod tym kodem nie ma wypełnionego formularza"),
    ],
)
def test_a_mistyped_code_is_told_apart_from_an_unknown_one(
    client: FlaskClient, home_code: str, typed: str, status: int, words: str
) -> None:
    if typed == "slip":
        typed = swapped(home_code)
    elif typed == "unknown":
        body = "".join(reversed(home_code[:9]))
        typed = body + check_symbol(body)

    answer = client.post(OPEN, data={"code": typed})
    page = answer.get_data(as_text=True)

    assert answer.status_code == status
    assert words in page and 'role="alert"' in page and 'aria-invalid="true"' in page
    assert client.get("/kiosk/draft").location == OPEN, "nothing was opened"


def test_done_and_the_idle_reset_close_the_draft(
    client: FlaskClient, home_code: str
) -> None:
    client.post(OPEN, data={"code": home_code})
    assert client.get("/kiosk/draft").status_code == 200

    client.get("/kiosk/?lang=pl")  # where "Done" and the idle reset lead

    assert client.get("/kiosk/draft").location == OPEN
    assert client.get("/kiosk/draft/paper.pdf").location == OPEN
    assert client.get("/kiosk/draft/fill").location == OPEN


def test_an_open_draft_left_unused_closes_by_itself(
    client: FlaskClient, home_code: str
) -> None:
    client.post(OPEN, data={"code": home_code})
    with client.session_transaction() as session:
        session[KEY] = {**session[KEY], "at": int(time.time()) - KEEP_SECONDS - 1}

    assert client.get("/kiosk/draft").location == OPEN


def test_the_old_address_with_a_code_opens_nothing_and_leads_to_the_code_screen(
    client: FlaskClient, home_code: str
) -> None:
    for old in (f"/kiosk/drafts/{home_code}", f"/kiosk/drafts/{home_code}/paper.pdf"):
        answer = client.get(old)
        assert answer.status_code == 303 and answer.location == OPEN

    assert client.get("/kiosk/draft").location == OPEN


def test_changing_the_answers_keeps_a_new_draft_and_opens_it(
    client: FlaskClient, home_code: str, app: Flask
) -> None:
    client.post(OPEN, data={"code": home_code})
    page = client.get("/kiosk/draft/fill")
    html = page.get_data(as_text=True)
    values = sample_values(app)
    name, value = next((k, v) for k, v in values.items() if v and len(v) > 3)

    changed = client.post(
        "/kiosk/forms/pismo-ogolne/fill", data={**values, "_op": "build"}
    )
    ready = client.get("/kiosk/draft").get_data(as_text=True)

    assert page.status_code == 200
    assert 'action="/kiosk/forms/pismo-ogolne/fill"' in html
    assert f'name="{name}"' in html and value.split()[0] in html
    assert changed.status_code == 303 and changed.location == "/kiosk/draft"
    assert shown_code(ready) != format_code(home_code)
    assert all(ch in ALPHABET + "-" for ch in shown_code(ready))
