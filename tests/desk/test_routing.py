"""Passing documents and cases between departments: the receiving department's
inbox shows them, the journal and the routing record say who, when and why,
and a refused pass changes nothing.
"""

from __future__ import annotations

import hashlib
import json

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.cases.models import Case, CaseEvent
from app.cases.records import Routing
from app.registry.models import Document, JournalEntry
from app.services import Services
from tests.desk.conftest import open_case_in, paper_document, sign_in


def journal_size(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_document_passed_to_another_department_lands_in_its_inbox(
    http: FlaskClient, desk_services: Services, desk_app: object
) -> None:
    document = paper_document(desk_services, "SO")
    sign_in(http, "clerk.so")

    answer = http.post(
        f"/desk/documents/{document.public_id}/route",
        data={"to": "FN", "note": "Sprawa podatkowa"},
    )

    assert answer.status_code == 303
    with desk_services.sessions() as session:
        moved = session.get_one(Document, document.id)
        row = session.scalars(
            select(Routing).where(Routing.document_id == document.id)
        ).one()
        entry = session.get_one(JournalEntry, row.journal_position)
        payload = json.loads(entry.payload_json)

    assert moved.department == "FN"
    assert row.note == "Sprawa podatkowa"
    assert entry.event == "document-routed" and entry.document_id == document.id
    assert payload["by"] == "clerk.so" and payload["to"] == "FN"
    assert payload["source"] == "SO"
    # The journal keeps the note's digest, not its words.
    assert payload["note_sha256"] == hashlib.sha256(b"Sprawa podatkowa").hexdigest()

    receiving = desk_app.test_client()  # type: ignore[attr-defined]
    sign_in(receiving, "clerk.fn")
    assert document.registry_number in receiving.get("/desk/inbox").get_data(
        as_text=True
    )
    shown = receiving.get(f"/desk/documents/{document.public_id}")
    assert "SO → FN: Sprawa podatkowa" in shown.get_data(as_text=True)
    sign_in(http, "clerk.so")
    assert document.registry_number not in http.get("/desk/inbox").get_data(
        as_text=True
    )
    assert http.get(f"/desk/documents/{document.public_id}").status_code == 404


def test_case_passed_on_moves_with_its_documents_and_loses_its_assignee(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO", "Do przekazania")
    document = paper_document(desk_services, "SO")
    sign_in(http, "head.so")
    http.post(f"/desk/cases/{number}/attach", data={"document": document.public_id})
    http.post(f"/desk/cases/{number}/assign", data={"assignee": "clerk.so"})

    answer = http.post(
        f"/desk/cases/{number}/route", data={"to": "FN", "note": "Właściwy FN"}
    )

    assert answer.status_code == 303
    with desk_services.sessions() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        event = session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.id.desc())
        ).first()
        assert event is not None and event.action == "routed"
        assert case.department.symbol == "FN" and case.assignee_id is None
        assert session.get_one(Document, document.id).department == "FN"
        assert session.get_one(JournalEntry, event.journal_position).event == (
            "case-routed"
        )

    sign_in(http, "head.fn")
    assert number in http.get("/desk/inbox").get_data(as_text=True)
    assert http.get(f"/desk/cases/{number}").status_code == 200


def refused(
    http: FlaskClient, services: Services, url: str, data: dict[str, str], status: int
) -> None:
    before = journal_size(services)
    with services.sessions() as session:
        routings = session.scalar(select(func.count()).select_from(Routing))
    answer = http.post(url, data=data)
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    assert journal_size(services) == before
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Routing)) == routings


def test_passing_to_the_same_or_an_unknown_department_is_refused(
    http: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services, "SO")
    sign_in(http, "clerk.so")
    url = f"/desk/documents/{document.public_id}/route"

    refused(http, desk_services, url, {"to": "SO"}, 400)
    refused(http, desk_services, url, {"to": "XX"}, 400)
    refused(http, desk_services, url, {"to": "FN", "note": "x" * 2001}, 400)


def test_a_document_in_a_case_is_passed_only_with_its_case(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO")
    document = paper_document(desk_services, "SO")
    sign_in(http, "clerk.so")
    http.post(f"/desk/cases/{number}/attach", data={"document": document.public_id})

    page = http.get(f"/desk/documents/{document.public_id}").get_data(as_text=True)
    assert "route-submit" not in page
    refused(
        http,
        desk_services,
        f"/desk/documents/{document.public_id}/route",
        {"to": "FN"},
        400,
    )


def test_a_decided_case_is_not_passed_on(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO")
    sign_in(http, "clerk.so")
    http.post(f"/desk/cases/{number}/decide", data={"decision": "Załatwiono"})

    refused(http, desk_services, f"/desk/cases/{number}/route", {"to": "FN"}, 400)


def test_case_and_document_pages_offer_the_other_departments_only(
    http: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services, "SO")
    sign_in(http, "clerk.so")

    page = http.get(f"/desk/documents/{document.public_id}").get_data(as_text=True)

    assert 'id="route-to"' in page
    assert '<option value="FN">' in page and '<option value="OR">' in page
    assert '<option value="SO">' not in page
