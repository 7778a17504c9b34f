"""The kiosk keeps the portal's per-address limits (review R4).

A kiosk opens any draft, one made at home too (a resident types its code),
so unknown draft codes there count against the same limit as on the portal,
and forms filled at the kiosk count against the anonymous upload limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.catalog import parse_local
from app.drafts.code import ALPHABET, check_symbol
from app.formfill import root_element, values_from_document
from tests.app.conftest import make_settings

UPLOADS = 3
WRONG = 4


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    settings = make_settings(
        Path(tmp_path_factory.mktemp("kiosk-limited")),
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


def _sample_values(app: Flask) -> dict[str, str]:
    form = app.extensions["kancelaria"].catalog.get("pismo-ogolne")
    root = root_element(form.schema(), form.namespace, form.root)
    return values_from_document(root, parse_local(form.sample_path))


def _unknown(n: int) -> str:
    """A well-formed code (its check symbol right) that names no draft."""
    body = "ABCDEFGH" + ALPHABET[n]
    return body + check_symbol(body)


def _open(client: FlaskClient, code: str) -> int:
    return client.post("/kiosk/draft/open", data={"code": code}).status_code


def test_guessing_draft_codes_at_the_kiosk_is_429_after_a_few_wrong_ones(
    limited: Flask,
) -> None:
    client = _client(limited, "127.0.1.11")
    misses = [_open(client, _unknown(i)) for i in range(WRONG)]

    refused = client.post("/kiosk/draft/open", data={"code": _unknown(WRONG)})

    assert misses == [404] * WRONG
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Content-Security-Policy" in refused.headers  # still a kiosk page


def test_mistyped_codes_are_refused_but_not_counted_as_guesses(
    limited: Flask,
) -> None:
    client = _client(limited, "127.0.1.12")
    slip = _unknown(0)[:-1] + next(c for c in ALPHABET if c != _unknown(0)[-1])
    typos = [_open(client, slip) for _ in range(WRONG + 2)]

    assert typos == [400] * (WRONG + 2)
    assert _open(client, _unknown(1)) == 404, "a slip names no draft: no guess"


def test_wrong_codes_at_the_kiosk_and_the_portal_share_one_count(
    limited: Flask,
) -> None:
    client = _client(limited, "127.0.1.21")
    for i in range(WRONG // 2):
        assert client.get(f"/drafts/{_unknown(i)}").status_code == 404
        assert _open(client, _unknown(i)) == 404

    assert client.get(f"/drafts/{_unknown(0)}").status_code == 429


def test_a_draft_made_at_home_opens_at_the_kiosk_behind_the_same_guard(
    limited: Flask,
) -> None:
    home = _client(limited, "127.0.1.31")
    made = home.post(
        "/forms/pismo-ogolne/fill", data={**_sample_values(limited), "_op": "build"}
    )
    code = made.location.rsplit("/", 1)[1]
    kiosk = _client(limited, "127.0.1.32")
    for i in range(WRONG):
        assert _open(kiosk, _unknown(i)) == 404

    assert _open(_client(limited, "127.0.1.33"), code) == 303
    assert _open(kiosk, code) == 429, "past the limit the right code is refused too"
    assert kiosk.get("/kiosk/draft/paper.pdf").location == "/kiosk/draft/open"


def test_filling_at_the_kiosk_past_the_upload_limit_is_429(limited: Flask) -> None:
    client = _client(limited, "127.0.1.41")
    values = {**_sample_values(limited), "_op": "build"}
    saved = [
        client.post("/kiosk/forms/pismo-ogolne/fill", data=values).status_code
        for _ in range(UPLOADS)
    ]

    refused = client.post("/kiosk/forms/pismo-ogolne/fill", data=values)

    assert saved == [303] * UPLOADS
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Content-Security-Policy" in refused.headers
    assert (
        _client(limited, "127.0.1.42")
        .post("/kiosk/forms/pismo-ogolne/fill", data=values)
        .status_code
        == 303
    )
