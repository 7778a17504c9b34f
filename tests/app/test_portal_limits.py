"""Per-address limits on portal uploads and on wrong codes (reviews F14, F5).

Each test calls from its own loopback address so that counters do not mix;
the limits are small so that a few requests reach them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample

UPLOADS = 3
WRONG = 4


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    settings = make_settings(
        Path(tmp_path_factory.mktemp("limited")),
        anonymous_rate_limit=f"{UPLOADS}/minute",
        lookup_rate_limit=f"{WRONG}/minute",
    )
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    app.extensions["kancelaria"].engine.dispose()


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _upload(client: FlaskClient, body: bytes) -> int:
    answer = client.post(
        "/submit?lang=en",
        data={"document": (io.BytesIO(body), "pismo.xml")},
        content_type="multipart/form-data",
    )
    return answer.status_code


def _documents(app: Flask) -> int:
    services: Services = app.extensions["kancelaria"]
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)


def test_portal_upload_past_the_address_limit_is_429_and_registers_nothing(
    limited: Flask,
) -> None:
    demo = limited.extensions["kancelaria"].demo
    signed = XadesSigner.from_issued(demo.citizen).sign_enveloped(
        sample("pismo-ogolne")
    )
    client = _client(limited, "127.0.0.11")
    assert [_upload(client, signed) for _ in range(UPLOADS)] == [303] * UPLOADS
    before = _documents(limited)

    refused = client.post(
        "/submit?lang=en",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Too many requests" in refused.get_data(as_text=True)
    assert _documents(limited) == before
    # Another address is not held back.
    assert _upload(_client(limited, "127.0.0.12"), signed) == 303


def test_guessing_draft_codes_is_429_after_a_few_wrong_ones(limited: Flask) -> None:
    client = _client(limited, "127.0.0.21")
    misses = [client.get(f"/drafts/ABCDEFGHJ{i}").status_code for i in range(WRONG)]

    refused = client.get("/drafts/ABCDEFGHJK")

    assert misses == [404] * WRONG
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_guessing_access_codes_on_result_and_check_pages_is_429(
    limited: Flask,
) -> None:
    client = _client(limited, "127.0.0.31")
    for i in range(WRONG // 2):
        assert client.get(f"/submissions/2026/1?code=WRONG{i}").status_code == 404
        page = client.post(
            "/check", data={"by": "number", "number": "RPW/1/2026", "code": f"X{i}"}
        )
        assert page.status_code == 404

    assert client.get("/submissions/2026/1?code=WRONG").status_code == 429
    checked = client.post(
        "/check", data={"by": "number", "number": "RPW/1/2026", "code": "X"}
    )
    assert checked.status_code == 429


def test_guessing_access_codes_on_the_api_gets_the_rate_limited_envelope(
    limited: Flask,
) -> None:
    client = _client(limited, "127.0.0.41")
    headers = {"X-Access-Code": "WRONGWRONGWRONG1"}
    for _ in range(WRONG):
        assert client.get("/api/v1/receipts/2026/1", headers=headers).status_code == 404

    refused = client.get("/api/v1/receipts/2026/1/proof", headers=headers)
    status = client.get("/api/v1/submissions/some-id", headers=headers)

    assert refused.status_code == 429 and status.status_code == 429
    assert refused.get_json()["errors"][0]["error"] == "rate-limited"
    assert int(refused.headers["Retry-After"]) >= 1


def test_right_code_lookups_do_not_use_up_the_wrong_code_limit(
    limited: Flask,
) -> None:
    demo = limited.extensions["kancelaria"].demo
    signed = XadesSigner.from_issued(demo.citizen).sign_enveloped(
        sample("pismo-ogolne")
    )
    client = _client(limited, "127.0.0.51")
    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )
    location = str(answer.headers["Location"])

    pages = [client.get(location).status_code for _ in range(WRONG * 2)]

    assert pages == [200] * (WRONG * 2)


def test_guessing_access_codes_on_the_case_page_is_429(limited: Flask) -> None:
    client = _client(limited, "127.0.0.61")
    misses = [
        client.get(f"/case/2026/1?code=WRONGCODE{i}").status_code for i in range(WRONG)
    ]

    refused = client.get("/case/2026/1?code=WRONGCODE")

    assert all(status == 404 for status in misses), misses
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
