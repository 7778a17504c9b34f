"""Authorisation of routing and oversight as a matrix over direct URLs.

Every person (front desk, clerk, head of SO or FN; archivist; administrator)
× every routing, transfer, answer, receipt-check, overview and API-client
request, on a fresh document, case and package of department SO. A duty
the role lacks answers 403; one it has, reached from another department,
answers 404; otherwise the request succeeds. A refused request writes
nothing. Every form carries a CSRF token, and a post without it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.cases import writing
from app.cases.constants import Role
from app.cases.grants import GRANTED, Duty
from app.cases.lifecycle import attach_document
from app.cases.models import Case
from app.cases.records import Routing, Transfer
from app.registry.models import Document, JournalEntry
from app.services import Services
from app.transfers.outgoing import send_transfer
from app.transfers.partners import load_partners
from tests.app.conftest import app_database_env, check_app_backend, make_settings
from tests.desk.conftest import (
    PASSWORD,
    PEOPLE,
    _seed,
    open_case_in,
    paper_document,
    sign_in,
)
from tests.desk.offices import write_partners

PARTNER = "gmina-b"
OFFICE_WIDE = {"archivist", "admin"}
NOT_SCOPED = {Duty.CHECK_RECEIPT, Duty.MANAGE_CLIENTS}


@pytest.fixture(scope="module")
def desk_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The desk application with one partner office (no address to post to)."""
    folder = tmp_path_factory.mktemp("matrix")
    partners = folder / "partners.toml"
    with app_database_env(request) as environ:
        settings = make_settings(folder / "instance", environ, partners_file=partners)
        application = create_app(settings)
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            check_app_backend(application)
            services: Services = application.extensions["kancelaria"]
            pem = services.seal_certificate.public_bytes(Encoding.PEM)
            (folder / "seal.pem").write_bytes(pem)
            write_partners(partners, PARTNER, "Gmina B", "seal.pem", None)
            _seed(services)
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture(scope="module")
def desk_services(desk_app: Flask) -> Services:
    found: Services = desk_app.extensions["kancelaria"]
    return found


@dataclass(frozen=True)
class Target:
    """A fresh SO document, SO case (with a document) and SO package."""

    document: str
    case: str
    package: str


@dataclass(frozen=True)
class Request:
    """One direct request standing for a duty."""

    duty: Duty
    method: str
    url: Callable[[Target], str]
    data: Callable[[Target], dict[str, str]] = lambda _t: {}
    # Reached from another department by adding ?department=SO (the overview).
    scoped_by_query: bool = False


REQUESTS = [
    Request(
        Duty.ROUTE,
        "POST",
        lambda t: f"/desk/documents/{t.document}/route",
        lambda t: {"to": "OR", "note": "Do OR"},
    ),
    Request(
        Duty.ROUTE,
        "POST",
        lambda t: f"/desk/cases/{t.case}/route",
        lambda t: {"to": "OR"},
    ),
    Request(
        Duty.TRANSFER,
        "POST",
        lambda t: f"/desk/documents/{t.document}/transfer",
        lambda t: {"office": PARTNER},
    ),
    Request(
        Duty.TRANSFER,
        "POST",
        lambda t: f"/desk/cases/{t.case}/transfer",
        lambda t: {"office": PARTNER},
    ),
    Request(Duty.TRANSFER, "GET", lambda t: f"/desk/transfers/{t.package}"),
    Request(Duty.TRANSFER, "GET", lambda t: f"/desk/transfers/{t.package}/package.xml"),
    Request(
        Duty.ANSWER,
        "POST",
        lambda t: f"/desk/cases/{t.case}/messages",
        lambda t: {"body": "Odpowiedź urzędu."},
    ),
    Request(Duty.CHECK_RECEIPT, "GET", lambda t: "/desk/receipts/check"),
    Request(
        Duty.CHECK_RECEIPT,
        "POST",
        lambda t: "/desk/receipts/check",
        lambda t: {"by": "number", "number": "RPW/1/2026"},
    ),
    Request(Duty.OVERVIEW, "GET", lambda t: "/desk/overview?department=SO"),
    Request(Duty.MANAGE_CLIENTS, "GET", lambda t: "/desk/manage/clients"),
    Request(
        Duty.MANAGE_CLIENTS,
        "POST",
        lambda t: "/desk/manage/clients",
        lambda t: {"name": "Platforma"},
    ),
]


@pytest.fixture(scope="module")
def clients(desk_app: Flask) -> dict[str, FlaskClient]:
    """One signed-in browser per person, kept for the module."""
    signed_in = {}
    for login in PEOPLE:
        client = desk_app.test_client()
        sign_in(client, login)
        signed_in[login] = client

    return signed_in


def expected_status(login: str, request: Request) -> set[int]:
    """The answers the rules allow this person for this request."""
    role, department = PEOPLE[login]
    if request.duty not in GRANTED[Role(role)]:
        return {403}

    if role in OFFICE_WIDE or request.duty in NOT_SCOPED or department == "SO":
        if request.duty is Duty.CHECK_RECEIPT and request.method == "POST":
            return {200, 404}  # the number may or may not be registered yet
        return {200, 303} if request.method == "POST" else {200}

    return {404}


def target(services: Services) -> Target:
    document = paper_document(services, "SO")
    number = open_case_in(services, "SO", "Sprawa macierzy")
    in_case = paper_document(services, "SO")
    sent = paper_document(services, "SO")
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        attach_document(session, None, case, session.get_one(Document, in_case.id))
        partner = load_partners(services.settings.partners_file)[PARTNER]
        row = send_transfer(
            services, session, None, partner, [session.get_one(Document, sent.id)]
        )
        package = row.package_id

    return Target(document.public_id, number, package)


def counts(services: Services) -> tuple[int, ...]:
    with services.sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (JournalEntry, Routing, Transfer)
        )


@pytest.mark.parametrize(
    "request_",
    REQUESTS,
    ids=[f"{r.duty}-{r.method}-{i}" for i, r in enumerate(REQUESTS)],
)
@pytest.mark.parametrize("login", list(PEOPLE))
def test_routing_matrix(
    clients: dict[str, FlaskClient],
    desk_services: Services,
    login: str,
    request_: Request,
) -> None:
    goal = target(desk_services)
    before = counts(desk_services)

    answer = clients[login].open(
        request_.url(goal), method=request_.method, data=request_.data(goal)
    )
    answer.close()

    allowed = expected_status(login, request_)
    assert answer.status_code in allowed, (login, answer.get_data(as_text=True)[:300])
    if allowed <= {403, 404}:
        assert counts(desk_services) == before, "a refused request changed something"
    elif request_.method == "POST" and request_.duty is not Duty.CHECK_RECEIPT:
        assert counts(desk_services)[0] > before[0], "an action left no journal entry"


def test_every_duty_is_in_the_matrix() -> None:
    assert {r.duty for r in REQUESTS} == set(Duty)


def test_signed_out_visitors_are_sent_to_sign_in(http: FlaskClient) -> None:
    for request_ in REQUESTS:
        goal = Target("x", "SO.5360.1.2026", "00000000-0000-0000-0000-000000000000")
        answer = http.open(request_.url(goal), method=request_.method)
        assert answer.status_code == 302, request_.url(goal)
        assert "/desk/sign-in" in answer.headers["Location"]


PAGES = {
    "clerk.so": [
        "/desk/documents/{document}",
        "/desk/cases/{case}",
        "/desk/receipts/check",
    ],
    "admin": ["/desk/manage/clients"],
}
POSTS = {
    "clerk.so": [
        ("/desk/documents/{document}/route", {"to": "OR"}),
        ("/desk/cases/{case}/route", {"to": "OR"}),
        ("/desk/documents/{document}/transfer", {"office": PARTNER}),
        ("/desk/cases/{case}/messages", {"body": "Odpowiedź"}),
        ("/desk/receipts/check", {"by": "number", "number": "RPW/1/2026"}),
    ],
    "admin": [("/desk/manage/clients", {"name": "Bez tokenu"})],
}


def signed_in_with_csrf(desk_app: Flask, login: str) -> FlaskClient:
    http = desk_app.test_client()
    page = http.get("/desk/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = http.post(
        "/desk/sign-in",
        data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code == 303
    return http


def test_every_form_carries_a_csrf_token_and_posts_without_it_are_refused(
    desk_app: Flask, desk_services: Services
) -> None:
    goal = target(desk_services)
    desk_app.config["WTF_CSRF_ENABLED"] = True
    try:
        forms = 0
        for login, pages in PAGES.items():
            http = signed_in_with_csrf(desk_app, login)
            for url in pages:
                html = http.get(url.format(**goal.__dict__)).get_data(as_text=True)
                found = re.findall(r'<form[^>]*method="post".*?</form>', html, re.S)
                for form in found:
                    forms += 1
                    assert 'name="csrf_token"' in form, form[:200]

            before = counts(desk_services)
            for url, data in POSTS[login]:
                answer = http.post(url.format(**goal.__dict__), data=data)
                assert answer.status_code == 400, url
            assert counts(desk_services) == before

        assert forms >= 8
    finally:
        desk_app.config["WTF_CSRF_ENABLED"] = False
