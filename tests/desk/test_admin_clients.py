"""The administrator's pages for API clients: a key shown once that works at
the API, rotation with a grace period, revocation, each journalled.
"""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from app.registry.models import ApiClient, JournalEntry
from app.services import Services
from tests.desk.conftest import sign_in

STATUS = "/api/v1/submissions"


def key_in(page: str) -> str:
    found = re.search(r'<code id="new-key">([^<]+)</code>', page)
    assert found, page[:500]
    return found.group(1)


def works(http: FlaskClient, key: str) -> int:
    return http.get(STATUS, headers={"Authorization": f"Bearer {key}"}).status_code


def last_entry(services: Services) -> JournalEntry:
    with services.sessions() as session:
        entry = session.scalars(
            select(JournalEntry).order_by(JournalEntry.position.desc())
        ).first()
        assert entry is not None
        return entry


def test_created_key_is_shown_once_works_and_is_stored_hashed(
    http: FlaskClient, desk_services: Services
) -> None:
    sign_in(http, "admin")

    answer = http.post(
        "/desk/manage/clients",
        data={
            "name": "ePUAP testowy",
            "rate_limit": "60/minute",
            "webhook_url": "http://127.0.0.1:9/hook",
        },
    )

    page = answer.get_data(as_text=True)
    key = key_in(page)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert 'id="new-secret"' in page
    assert works(http, key) == 200
    listing = http.get("/desk/manage/clients").get_data(as_text=True)
    assert key not in listing and key[:8] in listing
    with desk_services.sessions() as session:
        row = session.scalars(
            select(ApiClient).where(ApiClient.name == "ePUAP testowy")
        ).one()
        assert key not in (row.key_hash, row.key_prefix)
    entry = last_entry(desk_services)
    assert entry.event == "api-client-created"
    assert json.loads(entry.payload_json)["by"] == "admin"
    assert key not in entry.payload_json


def test_rotation_keeps_the_old_key_for_the_grace_period_and_revocation_ends_all(
    http: FlaskClient, desk_services: Services
) -> None:
    sign_in(http, "admin")
    first = key_in(
        http.post("/desk/manage/clients", data={"name": "KSeF"}).get_data(as_text=True)
    )
    with desk_services.sessions() as session:
        client_id = session.scalars(
            select(ApiClient.id).where(ApiClient.name == "KSeF")
        ).one()

    rotated = http.post(
        f"/desk/manage/clients/{client_id}/rotate", data={"grace": "3600"}
    )
    second = key_in(rotated.get_data(as_text=True))
    assert works(http, first) == 200 and works(http, second) == 200
    assert last_entry(desk_services).event == "api-key-rotated"

    now = http.post(f"/desk/manage/clients/{client_id}/rotate", data={"grace": "0"})
    third = key_in(now.get_data(as_text=True))
    assert works(http, second) == 401 and works(http, third) == 200

    revoked = http.post(f"/desk/manage/clients/{client_id}/revoke")
    assert revoked.status_code == 303
    assert works(http, third) == 401
    assert last_entry(desk_services).event == "api-client-revoked"
    again = http.post(f"/desk/manage/clients/{client_id}/revoke")
    assert again.status_code == 404


def test_bad_client_details_are_refused_and_create_nothing(
    http: FlaskClient, desk_services: Services
) -> None:
    sign_in(http, "admin")
    with desk_services.sessions() as session:
        before = len(session.scalars(select(ApiClient)).all())

    cases = [
        {"name": ""},
        {"name": "X", "rate_limit": "lots"},
        {"name": "X", "webhook_url": "ftp://127.0.0.1/"},
        {"name": "X", "forms": "no-such-form"},
    ]
    for data in cases:
        assert http.post("/desk/manage/clients", data=data).status_code == 400, data
    assert (
        http.post("/desk/manage/clients/1/rotate", data={"grace": "5"}).status_code
        == 400
    )

    with desk_services.sessions() as session:
        assert len(session.scalars(select(ApiClient)).all()) == before


def test_only_the_administrator_manages_clients(desk_app: object) -> None:
    for login in ("clerk.so", "head.so", "desk.so", "archivist"):
        http = desk_app.test_client()  # type: ignore[attr-defined]
        sign_in(http, login)
        assert http.get("/desk/manage/clients").status_code == 403, login
        assert http.post("/desk/manage/clients", data={"name": "X"}).status_code == 403
