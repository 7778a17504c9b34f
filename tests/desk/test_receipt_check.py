"""Receipt checking in the workspace: a genuine receipt, an altered one, a
number typed in, an unknown number, and a file that is no receipt.
"""

from __future__ import annotations

import json
from io import BytesIO

from flask.testing import FlaskClient
from sqlalchemy import select

from app.registry.models import JournalEntry
from app.registry.queries import get_receipt
from app.services import Services
from tests.desk.conftest import paper_document, sign_in


def receipt_of(services: Services, document_id: int) -> bytes:
    with services.sessions() as session:
        receipt = get_receipt(session, document_id)
        assert receipt is not None
        return receipt.xml


def upload(http: FlaskClient, data: bytes) -> tuple[int, str]:
    answer = http.post(
        "/desk/receipts/check",
        data={"receipt": (BytesIO(data), "upo.xml")},
        content_type="multipart/form-data",
    )
    return answer.status_code, answer.get_data(as_text=True)


def last_entry(services: Services) -> JournalEntry:
    with services.sessions() as session:
        entry = session.scalars(
            select(JournalEntry).order_by(JournalEntry.position.desc())
        ).first()
        assert entry is not None
        return entry


def test_genuine_receipt_is_confirmed_with_the_registry_entry(
    http: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services)
    sign_in(http, "desk.so")

    status, page = upload(http, receipt_of(desk_services, document.id))

    assert status == 200
    assert "verdict-total_passed" in page
    assert document.sha256 in page and document.registry_number in page
    entry = last_entry(desk_services)
    payload = json.loads(entry.payload_json)
    assert entry.event == "receipt-checked"
    assert payload == {
        "by": "desk.so",
        "document": document.registry_number,
        "outcome": "genuine",
    }


def test_altered_receipt_is_not_genuine(
    http: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services)
    original = receipt_of(desk_services, document.id)
    altered = original.replace(b"<Channel>desk</Channel>", b"<Channel>api</Channel>")
    assert altered != original
    sign_in(http, "clerk.so")

    status, page = upload(http, altered)

    assert status == 200
    assert "verdict-total_failed" in page
    assert 'id="entry"' not in page
    assert json.loads(last_entry(desk_services).payload_json)["outcome"] == "not"


def test_typed_number_shows_what_the_registry_holds(
    http: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services, "FN")
    sign_in(http, "desk.so")

    answer = http.post(
        "/desk/receipts/check",
        data={"by": "number", "number": document.registry_number.lower()},
    )

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert document.sha256 in page
    assert document.access_code[-4:] in page
    assert document.access_code not in page


def test_unknown_number_and_non_receipts_are_refused(
    http: FlaskClient, desk_services: Services
) -> None:
    sign_in(http, "clerk.so")

    unknown = http.post(
        "/desk/receipts/check", data={"by": "number", "number": "RPW/999999/1999"}
    )
    status, _page = upload(http, b"<not-a-receipt/>")
    empty_status, _ = upload(http, b"")

    assert unknown.status_code == 404
    assert status == 422
    assert empty_status == 400


def test_administrator_has_no_receipt_check(
    http: FlaskClient, desk_services: Services
) -> None:
    sign_in(http, "admin")
    assert http.get("/desk/receipts/check").status_code == 403
