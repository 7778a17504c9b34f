"""A body in a content coding (gzip, …) is refused 415, never read as it is.

Before, a gzipped signed form was refused as ``not-xml`` (a misleading
sentence) and a plain body announced as gzip was registered. Every body
the office takes is read as sent: the request must use no coding.
"""

from __future__ import annotations

import gzip
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import sample

XML = "application/xml"


@pytest.fixture(scope="module")
def signed(citizen: XadesSigner) -> bytes:
    """A signed sample form, as the README's step 3 makes it."""
    return citizen.sign_enveloped(sample("pismo-ogolne"))


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "GZIP", "identity, gzip"])
def test_a_gzipped_api_submission_is_415_and_registers_nothing(
    app: Flask, client: FlaskClient, signed: bytes, coding: str
) -> None:
    before = _documents(app)
    answer = client.post(
        "/api/v1/submissions",
        data=gzip.compress(signed),
        headers={"Content-Type": XML, "Content-Encoding": coding},
    )

    assert answer.status_code == 415
    error = answer.get_json()["errors"][0]
    assert error["error"] == "unsupported-content-encoding"
    assert "Content-Encoding" in error["message"]
    assert answer.headers["Accept-Encoding"] == "identity"
    assert _documents(app) == before


def test_a_plain_body_announced_as_gzip_is_refused_too(
    app: Flask, client: FlaskClient, signed: bytes
) -> None:
    before = _documents(app)
    answer = client.post(
        "/api/v1/submissions",
        data=signed,
        headers={"Content-Type": XML, "Content-Encoding": "gzip"},
    )

    assert answer.status_code == 415
    assert _documents(app) == before


def test_identity_coding_is_the_body_as_sent_and_is_taken_in(
    client: FlaskClient, signed: bytes
) -> None:
    answer = client.post(
        "/api/v1/submissions",
        data=signed,
        headers={"Content-Type": XML, "Content-Encoding": "identity"},
    )

    assert answer.status_code == 201, answer.get_json()


def test_the_api_receipt_check_refuses_a_coded_body(client: FlaskClient) -> None:
    answer = client.post(
        "/api/v1/receipts/check",
        data=gzip.compress(b"<receipt/>"),
        headers={"Content-Type": XML, "Content-Encoding": "gzip"},
    )

    assert answer.status_code == 415
    assert answer.get_json()["errors"][0]["error"] == "unsupported-content-encoding"


@pytest.mark.parametrize("path", ["/submit?lang=en", "/check?lang=en"])
def test_portal_uploads_in_a_coding_get_the_error_page(
    app: Flask, client: FlaskClient, signed: bytes, path: str
) -> None:
    before = _documents(app)
    answer = client.post(
        path,
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
        headers={"Content-Encoding": "gzip"},
    )

    assert answer.status_code == 415
    page = answer.get_data(as_text=True)
    assert "unsupported-content-encoding" in page
    assert "Content-Encoding" in page
    assert _documents(app) == before


def test_a_get_with_the_header_is_answered_as_usual(client: FlaskClient) -> None:
    answer = client.get("/api/v1/forms", headers={"Content-Encoding": "gzip"})

    assert answer.status_code == 200


def _documents(app: Flask) -> int:
    services: Services = app.extensions["kancelaria"]
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)
