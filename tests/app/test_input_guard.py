"""A NUL character anywhere a client can put text is a 400, on every backend."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

NUL_REQUESTS = [
    ("get", "/check?number=RPW/1/2026%00&code=X", None),
    ("get", "/check?number=%00", None),
    ("get", "/submissions/2026/1?code=%00", None),
    ("get", "/drafts/AB%00CD", None),
    ("get", "/?q=%00", None),
    ("get", "/api/v1/submissions/%00?code=X", None),
    ("get", "/api/v1/receipts/2026/1?code=%00", None),
]


@pytest.mark.parametrize(("method", "url", "data"), NUL_REQUESTS)
def test_nul_in_an_address_or_query_is_refused_with_400(
    client: FlaskClient, method: str, url: str, data: dict[str, str] | None
) -> None:
    answer = getattr(client, method)(url, data=data)

    assert answer.status_code == 400


def test_nul_in_an_access_code_header_is_refused_with_400(client: FlaskClient) -> None:
    answer = client.get(
        "/api/v1/submissions/some-id", headers={"X-Access-Code": "AB\x00CD"}
    )

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["error"] == "bad-request"


def test_nul_in_a_page_field_is_refused_before_any_lookup(client: FlaskClient) -> None:
    answer = client.post("/check", data={"number": "RPW/1/2026\x00", "code": "X"})

    assert answer.status_code == 400


def test_text_without_nul_still_reaches_the_page(client: FlaskClient) -> None:
    assert client.get("/?q=zamel").status_code == 200
