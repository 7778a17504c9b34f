"""A body in any transfer coding but ``chunked`` is refused 415 (review 2, #6).

Before, ``Transfer-Encoding: gzip, chunked`` reached the app with only the
chunks undone (gunicorn unpacks no gzip), so the gzip bytes were read as
the document and refused as ``not-xml``: a misleading sentence, and a plain
body announced that way would have been registered as something the sender
did not mean. These tests go through a real gunicorn too, since it is the
server that reads the transfer codings and decides what the app sees.
"""

from __future__ import annotations

import gzip
import http.client
import urllib.parse
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.registry.models import Document
from app.services import Services
from tests.app.served import gunicorn

XML = "application/xml"
CODED = "unsupported-transfer-encoding"


@pytest.mark.parametrize(
    "coding", ["gzip, chunked", "deflate,chunked", "GZIP, chunked", "identity"]
)
def test_a_body_in_another_transfer_coding_is_415_and_registers_nothing(
    app: Flask, client: FlaskClient, coding: str
) -> None:
    before = _documents(app)
    answer = client.post(
        "/api/v1/submissions",
        data=gzip.compress(b"<a/>"),
        headers={"Content-Type": XML, "Transfer-Encoding": coding},
    )

    assert answer.status_code == 415
    error = answer.get_json()["errors"][0]
    assert error["error"] == CODED
    assert "Transfer-Encoding" in error["message"]
    assert _documents(app) == before


def test_a_portal_upload_in_a_transfer_coding_gets_the_error_page(
    client: FlaskClient,
) -> None:
    answer = client.post(
        "/check?lang=en",
        data=b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        headers={"Transfer-Encoding": "gzip, chunked"},
    )

    assert answer.status_code == 415
    assert CODED in answer.get_data(as_text=True)


def test_through_gunicorn_gzip_chunked_is_refused_and_chunked_alone_is_read(
    tmp_path: Path,
) -> None:
    body = gzip.compress(b"<a/>")
    with gunicorn(tmp_path / "instance", workers=1, threads=2) as base:
        coded = _chunked_post(base, body, "gzip, chunked")
        plain = _chunked_post(base, b"<a/>", "chunked")

    assert coded[0] == 415, coded
    assert CODED in coded[1]
    # Chunking alone is framing, not a coding: the XML is read, found unsigned.
    assert plain[0] == 422, plain
    assert "not-signed" in plain[1]


def _chunked_post(base: str, body: bytes, coding: str) -> tuple[int, str]:
    """POST ``body`` in one chunk with the given Transfer-Encoding header."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    framed = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    try:
        connection.putrequest("POST", "/api/v1/submissions")
        connection.putheader("Content-Type", XML)
        connection.putheader("Transfer-Encoding", coding)
        connection.endheaders(framed)
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _documents(app: Flask) -> int:
    services: Services = app.extensions["kancelaria"]
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)
