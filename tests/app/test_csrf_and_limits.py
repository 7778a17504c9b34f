"""Pages refuse forms without a CSRF token; the API needs none."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from tests.app.conftest import make_settings


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = create_app(make_settings(tmp_path_factory.mktemp("instance")))
    yield application
    application.extensions["kancelaria"].engine.dispose()


def test_upload_without_csrf_token_is_refused(guarded: Flask) -> None:
    client = guarded.test_client()

    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(b"<a/>"), "a.xml")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 400


def test_upload_page_carries_a_csrf_token(guarded: Flask) -> None:
    page = guarded.test_client().get("/submit").get_data(as_text=True)

    assert 'name="csrf_token"' in page


def test_api_needs_no_csrf_token(guarded: Flask) -> None:
    answer = guarded.test_client().post(
        "/api/v1/submissions",
        data=b"<a><b></a>",
        headers={"Content-Type": "application/xml"},
    )

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["error"] == "malformed-xml"


def test_instance_folder_holds_database_blobs_and_demo_pki(guarded: Flask) -> None:
    instance = Path(guarded.extensions["kancelaria"].settings.instance)

    assert (instance / "kancelaria.db").is_file()
    assert (instance / "blobs").is_dir()
    assert (instance / "demo-pki").is_dir()
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
