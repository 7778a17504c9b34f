"""Security headers on every answer (review F21)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.config import Settings
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample


def _upload(client: FlaskClient, citizen: XadesSigner) -> str:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def _assert_not_frameable(answer: TestResponse) -> None:
    assert answer.headers["X-Frame-Options"] == "DENY"
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_result_page_with_access_code_is_not_framed_nor_cached(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    result = client.get(_upload(client, citizen))

    assert result.status_code == 200
    _assert_not_frameable(result)
    assert "no-store" in result.headers["Cache-Control"]


def test_api_receipt_with_access_code_is_not_cached(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    location = _upload(client, citizen)
    path, code = location.split("?code=")
    year, number = path.rsplit("/", 2)[-2:]

    answer = client.get(
        f"/api/v1/receipts/{year}/{number}", headers={"X-Access-Code": code}
    )

    assert answer.status_code == 200
    _assert_not_frameable(answer)
    assert "no-store" in answer.headers["Cache-Control"]


def test_desk_sign_in_page_and_errors_are_not_frameable(client: FlaskClient) -> None:
    for path in ("/desk/sign-in", "/no-such-page", "/api/v1/submissions/x"):
        answer = client.get(path)
        _assert_not_frameable(answer)
        assert "no-store" in answer.headers["Cache-Control"]


def test_api_docs_page_needs_no_inline_script_or_style(client: FlaskClient) -> None:
    answer = client.get("/api/docs")

    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    _assert_not_frameable(answer)
    assert "<script>" not in text and "<style" not in text and "style=" not in text


def test_fill_page_script_is_our_own_file_and_static_stays_cacheable(
    client: FlaskClient,
) -> None:
    page = client.get("/forms/pismo-ogolne/fill")
    text = page.get_data(as_text=True)
    assert '<script src="/static/formfill.js"' in text
    assert "<script>" not in text

    script = client.get("/static/formfill.js")
    assert script.status_code == 200
    assert "no-store" not in script.headers.get("Cache-Control", "")
    script.close()


def _cookie_app(tmp_path: Path, env: dict[str, str]) -> Flask:
    settings: Settings = make_settings(tmp_path, env)
    return create_app(settings)


def test_session_cookie_is_secure_when_public_url_is_https(tmp_path: Path) -> None:
    app = _cookie_app(tmp_path, {"KANCELARIA_PUBLIC_URL": "https://urzad.example"})
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.extensions["kancelaria"].engine.dispose()


def test_secure_cookies_setting_overrides_the_public_url(tmp_path: Path) -> None:
    on = make_settings(tmp_path, {"KANCELARIA_SECURE_COOKIES": "on"})
    off = make_settings(
        tmp_path,
        {
            "KANCELARIA_SECURE_COOKIES": "off",
            "KANCELARIA_PUBLIC_URL": "https://urzad.example",
        },
    )
    plain = make_settings(tmp_path, {})

    assert (on.secure_cookies, off.secure_cookies, plain.secure_cookies) == (
        True,
        False,
        False,
    )


def test_kiosk_page_keeps_its_own_stricter_policy(client: FlaskClient) -> None:
    answer = client.get("/kiosk/")

    assert answer.status_code == 200
    _assert_not_frameable(answer)
    assert "connect-src 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
