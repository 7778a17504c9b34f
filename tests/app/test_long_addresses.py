"""Long addresses are refused by the app in its own shape (review R14).

The app answers 414 ``uri-too-long`` below gunicorn's request-line limit:
the JSON envelope under /api, the error page elsewhere (the kiosk's own
page on the kiosk), with the security headers. What gunicorn still refuses
itself is HTML, and the README's Python client reads it without crashing.
"""

from __future__ import annotations

import http.client
import urllib.parse
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from app.input_guard import MAX_ADDRESS
from tests.app.served import gunicorn

README = Path(__file__).resolve().parents[2] / "README.md"
LONG = "x" * (MAX_ADDRESS + 100)


def test_a_long_api_address_gets_the_json_envelope_and_headers(
    client: FlaskClient,
) -> None:
    answer = client.get(f"/api/v1/receipts/2026/1?code={LONG}")

    assert answer.status_code == 414
    assert answer.get_json()["errors"][0]["error"] == "uri-too-long"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_long_page_address_gets_the_error_page_in_polish(
    client: FlaskClient,
) -> None:
    page = client.get(f"/check?number={LONG}")
    kiosk = client.get(f"/kiosk/forms/{LONG}")

    assert page.status_code == kiosk.status_code == 414
    assert "Adres jest dłuższy, niż przyjmujemy" in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    assert "default-src 'none'" in kiosk.headers["Content-Security-Policy"]
    assert 'href="/kiosk/' in kiosk.get_data(as_text=True)


def test_an_address_just_under_the_limit_still_reaches_the_view(
    client: FlaskClient,
) -> None:
    path = "/api/v1/receipts/2026/1?code="
    answer = client.get(path + "x" * (MAX_ADDRESS - len(path)))

    assert answer.status_code == 404


def readme_client() -> dict[str, Any]:
    """The README's Python client, as a reader would copy it."""
    text = README.read_text(encoding="utf-8")
    start = text.index('"""Submit a signed document to Kancelaria')
    code = text[start : text.index("```", start)]
    namespace: dict[str, Any] = {"__name__": "readme_client"}
    exec(compile(code, "README client", "exec"), namespace)  # noqa: S102
    return namespace


def test_through_gunicorn_the_app_answers_and_the_readme_client_copes(
    tmp_path: Path,
) -> None:
    client = readme_client()
    with gunicorn(tmp_path / "instance", workers=1, threads=2) as base:
        client["BASE"], client["KEY"] = base, ""
        ours = client["call"]("GET", f"/api/v1/receipts/2026/1?code={LONG}")
        # Past gunicorn's own request-line limit (4094 bytes by default).
        theirs = client["call"]("GET", "/api/v1/receipts/2026/1?code=" + "y" * 9000)
        headers = _raw_get(base, {"X-Big": "z" * 9000})

    assert ours[0] == 414
    assert ours[2]["errors"][0]["error"] == "uri-too-long"
    assert ours[1]["X-Content-Type-Options"] == "nosniff"
    assert theirs[0] == 414
    assert theirs[2]["errors"][0]["error"] == "http-414"
    assert headers == 431


def _raw_get(base: str, headers: dict[str, str]) -> int:
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", "/api/v1/forms", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
