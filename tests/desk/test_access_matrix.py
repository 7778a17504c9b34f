"""Authorisation as a matrix: every role × own or other department × every action.

Each cell requests the action's URL directly, as a signed-in person of that
role in department SO (own) or FN (other), on a document or case of SO. An
action the role lacks answers 403; one it has, on another department's
document or case, answers 404 (its existence is not told); otherwise the
action succeeds. A refused action changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.cases.access import Action
from app.cases.models import CaseEvent, DocumentView
from app.registry.models import JournalEntry
from app.services import Services
from tests.desk.conftest import PEOPLE, open_case_in, paper_document, sign_in

ROLE_ACTIONS = {
    "front_desk": {Action.REGISTER_PAPER},
    "clerk": {
        Action.VIEW_INBOX,
        Action.VIEW_DOCUMENT,
        Action.VIEW_CASE,
        Action.OPEN_CASE,
        Action.ATTACH,
        Action.CHANGE_STATUS,
        Action.DECIDE,
    },
    "archivist": {Action.VIEW_INBOX, Action.VIEW_DOCUMENT, Action.VIEW_CASE},
    "admin": {Action.MANAGE},
}
ROLE_ACTIONS["head"] = ROLE_ACTIONS["clerk"] | {Action.ASSIGN}
OFFICE_WIDE = {"archivist", "admin"}
NOT_SCOPED = {Action.REGISTER_PAPER, Action.MANAGE, Action.VIEW_INBOX}


@dataclass(frozen=True)
class Target:
    """What a cell acts on: an SO document and an SO case, made fresh."""

    document: str
    case: str


@dataclass(frozen=True)
class Request:
    """One direct request standing for an action."""

    action: Action
    method: str
    url: Callable[[Target], str]
    data: Callable[[Target], dict[str, str]] = lambda _t: {}


REQUESTS = [
    Request(Action.REGISTER_PAPER, "GET", lambda t: "/desk/paper"),
    Request(Action.VIEW_INBOX, "GET", lambda t: "/desk/inbox"),
    Request(Action.VIEW_DOCUMENT, "GET", lambda t: f"/desk/documents/{t.document}"),
    Request(
        Action.VIEW_DOCUMENT, "GET", lambda t: f"/desk/documents/{t.document}/original"
    ),
    Request(Action.VIEW_CASE, "GET", lambda t: f"/desk/cases/{t.case}"),
    Request(
        Action.OPEN_CASE,
        "POST",
        lambda t: "/desk/cases/new",
        lambda t: {"document": t.document, "jrwa": "5360", "title": "Nowa"},
    ),
    Request(
        Action.ATTACH,
        "POST",
        lambda t: f"/desk/cases/{t.case}/attach",
        lambda t: {"document": t.document},
    ),
    Request(
        Action.ASSIGN,
        "POST",
        lambda t: f"/desk/cases/{t.case}/assign",
        lambda t: {"assignee": "clerk2.so", "note": "Proszę"},
    ),
    Request(
        Action.CHANGE_STATUS,
        "POST",
        lambda t: f"/desk/cases/{t.case}/status",
        lambda t: {"status": "awaiting-remedy"},
    ),
    Request(
        Action.DECIDE,
        "POST",
        lambda t: f"/desk/cases/{t.case}/decide",
        lambda t: {"decision": "Załatwiono."},
    ),
    Request(Action.MANAGE, "GET", lambda t: "/desk/manage/users"),
    Request(Action.MANAGE, "GET", lambda t: "/desk/manage/departments"),
    Request(
        Action.MANAGE,
        "POST",
        lambda t: "/desk/manage/users/clerk2.so/unlock",
    ),
]


@pytest.fixture(scope="module")
def clients(desk_app: Flask) -> Iterator[dict[str, FlaskClient]]:
    """One signed-in browser per person, kept for the module."""
    signed_in = {}
    for login in PEOPLE:
        client = desk_app.test_client()
        sign_in(client, login)
        signed_in[login] = client

    yield signed_in


def expected_status(login: str, request: Request) -> int:
    """The answer the rules give this person for this request."""
    role, department = PEOPLE[login]
    if request.action not in ROLE_ACTIONS[role]:
        return 403

    own = department == "SO"
    if role in OFFICE_WIDE or request.action in NOT_SCOPED or own:
        return 200 if request.method == "GET" else 303

    return 404


def _counts(services: Services) -> tuple[int, int, int]:
    with services.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(CaseEvent)) or 0,
            session.scalar(select(func.count()).select_from(DocumentView)) or 0,
            session.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        )


@pytest.mark.parametrize(
    "request_",
    REQUESTS,
    ids=[f"{r.action}-{r.method}-{i}" for i, r in enumerate(REQUESTS)],
)
@pytest.mark.parametrize("login", list(PEOPLE))
def test_access_matrix(
    clients: dict[str, FlaskClient],
    desk_services: Services,
    login: str,
    request_: Request,
) -> None:
    target = Target(
        paper_document(desk_services, "SO").public_id, open_case_in(desk_services)
    )
    before = _counts(desk_services)

    answer = clients[login].open(
        request_.url(target), method=request_.method, data=request_.data(target)
    )
    answer.close()  # a download holds the original's file open until closed

    assert answer.status_code == expected_status(login, request_), answer.get_data(
        as_text=True
    )[:300]
    if answer.status_code >= 400:
        assert _counts(desk_services) == before, "a refused request changed something"


@pytest.mark.parametrize("login", ["clerk.fn", "head.fn"])
def test_another_departments_inbox_lists_none_of_our_documents(
    clients: dict[str, FlaskClient], desk_services: Services, login: str
) -> None:
    document = paper_document(desk_services, "SO")

    page = clients[login].get("/desk/inbox").get_data(as_text=True)
    own = clients["clerk.so"].get("/desk/inbox").get_data(as_text=True)

    assert document.registry_number not in page
    assert document.registry_number in own


def test_signed_out_visitors_are_sent_to_sign_in(http: FlaskClient) -> None:
    for request_ in REQUESTS:
        target = Target("x", "SO.5360.1.2026")
        answer = http.open(request_.url(target), method=request_.method)
        assert answer.status_code == 302, request_.url(target)
        assert "/desk/sign-in" in answer.headers["Location"]


def test_a_refusal_says_so_in_polish(clients: dict[str, FlaskClient]) -> None:
    answer = clients["clerk.so"].get("/desk/manage/users")

    assert answer.status_code == 403
    assert "Twoja rola na to nie pozwala" in answer.get_data(as_text=True)


GARBAGE = ["", "x" * 5000, "../../etc/passwd", "\x00", "SO.5360.1.2026'--", "ąę"]


@pytest.mark.parametrize("value", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_in_every_field_never_answers_500(
    clients: dict[str, FlaskClient], desk_services: Services, value: str
) -> None:
    number = open_case_in(desk_services)
    head = clients["head.so"]
    posts = {
        "/desk/cases/new": {"document": value, "jrwa": value, "title": value},
        f"/desk/cases/{number}/attach": {"document": value},
        f"/desk/cases/{number}/assign": {"assignee": value, "note": value},
        f"/desk/cases/{number}/status": {"status": value, "note": value},
        f"/desk/cases/{number}/decide": {"decision": value},
        "/desk/sign-in": {"login": value, "password": value},
    }
    for url, data in posts.items():
        assert head.post(url, data=data).status_code < 500, url

    for url in [f"/desk/cases/{value}", f"/desk/documents/{value}", "/desk/inbox"]:
        assert head.get(url, query_string={"department": value}).status_code < 500

    admin = clients["admin"]
    fields = {"symbol": value, "name_pl": value, "name_en": value, "email": value}
    assert admin.post("/desk/manage/departments", data=fields).status_code < 500
    account = {
        "login": value,
        "display_name": value,
        "password": value,
        "role": value,
        "department": value,
    }
    assert admin.post("/desk/manage/users", data=account).status_code < 500
    assert admin.post(f"/desk/manage/users/{value}/lock").status_code < 500
