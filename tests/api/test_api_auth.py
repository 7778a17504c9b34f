"""API keys: missing, malformed, unknown, revoked, rotated; mutual TLS header."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api.clients import new_key, revoke_client, rotate_key
from app.registry.models import ApiClient
from app.services import Services
from signing.seal import XadesSigner
from tests.api.fixtures import (
    SUBMISSIONS,
    bearer,
    make_api_app,
    new_client,
    signed,
)

CERT = hashlib.sha256(b"client certificate").hexdigest()
OTHER_CERT = hashlib.sha256(b"another certificate").hexdigest()
MTLS_HEADER = "X-SSL-Client-SHA256"


def error_of(answer: object) -> str:
    body = answer.get_json()  # type: ignore[attr-defined]
    return str(body["errors"][0]["error"])


def test_listing_without_credentials_is_401_with_a_bearer_challenge(
    api_http: FlaskClient,
) -> None:
    answer = api_http.get(SUBMISSIONS)

    assert answer.status_code == 401
    assert error_of(answer) == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-key", "kan_" + "A" * 43],
)
def test_malformed_credentials_are_401(
    api_http: FlaskClient, authorization: str
) -> None:
    answer = api_http.get(SUBMISSIONS, headers={"Authorization": authorization})

    assert answer.status_code == 401
    assert error_of(answer) == "unauthorized"


def test_unknown_key_is_401_and_registers_nothing(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    body = signed(api_signer)

    answer = api_http.post(SUBMISSIONS, data=body, headers=bearer(new_key()))

    assert answer.status_code == 401
    assert error_of(answer) == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_valid_key_lists_its_own_submissions(
    api_http: FlaskClient, api_services: Services
) -> None:
    issued = new_client(api_services)

    answer = api_http.get(SUBMISSIONS, headers=bearer(issued.key))

    assert answer.status_code == 200
    assert answer.get_json() == {"submissions": [], "next_cursor": None}


def test_revoked_key_is_401_credential_revoked(
    api_http: FlaskClient, api_services: Services
) -> None:
    issued = new_client(api_services)
    with api_services.sessions() as session:
        revoke_client(session, issued.client_id)

    answer = api_http.get(SUBMISSIONS, headers=bearer(issued.key))

    assert answer.status_code == 401
    assert error_of(answer) == "credential-revoked"


def test_rotated_old_key_stops_at_once_and_new_key_works(
    api_http: FlaskClient, api_services: Services
) -> None:
    old = new_client(api_services)
    with api_services.sessions() as session:
        new = rotate_key(session, old.client_id)

    refused = api_http.get(SUBMISSIONS, headers=bearer(old.key))
    accepted = api_http.get(SUBMISSIONS, headers=bearer(new.key))

    assert refused.status_code == 401
    assert error_of(refused) == "credential-revoked"
    assert accepted.status_code == 200


def test_rotated_old_key_works_during_grace_then_is_refused(
    api_http: FlaskClient, api_services: Services
) -> None:
    old = new_client(api_services)
    with api_services.sessions() as session:
        rotate_key(session, old.client_id, grace_seconds=3600)

    during = api_http.get(SUBMISSIONS, headers=bearer(old.key))
    with api_services.sessions() as session:
        row = session.get(ApiClient, old.client_id)
        assert row is not None
        row.previous_key_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    after = api_http.get(SUBMISSIONS, headers=bearer(old.key))

    assert during.status_code == 200
    assert after.status_code == 401
    assert error_of(after) == "credential-revoked"


def test_second_rotation_keeps_only_the_immediately_previous_key(
    api_http: FlaskClient, api_services: Services
) -> None:
    first = new_client(api_services)
    with api_services.sessions() as session:
        second = rotate_key(session, first.client_id, grace_seconds=3600)
        third = rotate_key(session, first.client_id, grace_seconds=3600)

    oldest = api_http.get(SUBMISSIONS, headers=bearer(first.key))
    previous = api_http.get(SUBMISSIONS, headers=bearer(second.key))
    current = api_http.get(SUBMISSIONS, headers=bearer(third.key))

    # The first key's grace ends with the second rotation; no longer kept, it
    # is an unknown key.
    assert oldest.status_code == 401
    assert error_of(oldest) == "unauthorized"
    assert previous.status_code == 200
    assert current.status_code == 200


def test_stored_key_is_a_hash_never_the_key(api_services: Services) -> None:
    issued = new_client(api_services)

    with api_services.sessions() as session:
        row = session.get(ApiClient, issued.client_id)
        assert row is not None

    assert row.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in (row.key_prefix, row.key_hash)
    assert issued.key.startswith(row.key_prefix)


@pytest.fixture(scope="module")
def mtls_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_api_app(tmp_path_factory.mktemp("mtls"), mtls_header=MTLS_HEADER)


def _mtls_get(app: Flask, key: str, certificate: str | None) -> object:
    headers = bearer(key)
    if certificate is not None:
        headers[MTLS_HEADER] = certificate

    return app.test_client().get(SUBMISSIONS, headers=headers)


def test_mtls_matching_certificate_is_accepted(mtls_app: Flask) -> None:
    issued = new_client(mtls_app.extensions["kancelaria"], mtls_sha256=CERT)

    answer = _mtls_get(mtls_app, issued.key, CERT.upper())

    assert answer.status_code == 200  # type: ignore[attr-defined]


@pytest.mark.parametrize("certificate", [OTHER_CERT, None, "not-hex"])
def test_mtls_mismatched_or_missing_certificate_is_401(
    mtls_app: Flask, certificate: str | None
) -> None:
    issued = new_client(mtls_app.extensions["kancelaria"], mtls_sha256=CERT)

    answer = _mtls_get(mtls_app, issued.key, certificate)

    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert error_of(answer) == "unauthorized"


def test_mtls_header_present_for_an_unbound_client_is_401(mtls_app: Flask) -> None:
    issued = new_client(mtls_app.extensions["kancelaria"])

    answer = _mtls_get(mtls_app, issued.key, CERT)

    assert answer.status_code == 401  # type: ignore[attr-defined]


def test_mtls_header_is_ignored_when_not_configured(
    api_app: Flask, api_services: Services
) -> None:
    issued = new_client(api_services)

    # A forged header on an instance that names no proxy header changes nothing.
    answer = _mtls_get(api_app, issued.key, OTHER_CERT)

    assert answer.status_code == 200  # type: ignore[attr-defined]


def test_cli_creates_a_client_shows_key_once_and_revokes(tmp_path: Path) -> None:
    app = make_api_app(tmp_path / "instance")
    runner = app.test_cli_runner()

    created = runner.invoke(
        args=["clients", "create", "Bramka", "--forms", "pismo-ogolne"]
    )
    key = next(
        line.split()[-1] for line in created.output.splitlines() if "key:" in line
    )
    listed = runner.invoke(args=["clients", "list"])
    client_id = created.output.split()[2]
    revoked = runner.invoke(args=["clients", "revoke", client_id])
    answer = app.test_client().get(SUBMISSIONS, headers=bearer(key))

    assert created.exit_code == 0, created.output
    assert key.startswith("kan_")
    assert key not in listed.output and key[:8] in listed.output
    assert "pismo-ogolne" in listed.output
    assert revoked.exit_code == 0
    assert answer.status_code == 401
    assert error_of(answer) == "credential-revoked"
    app.extensions["kancelaria"].engine.dispose()


def test_cli_refuses_unknown_forms_and_non_http_webhooks(tmp_path: Path) -> None:
    app = make_api_app(tmp_path / "instance")
    runner = app.test_cli_runner()

    forms = runner.invoke(args=["clients", "create", "X", "--forms", "no-such-form"])
    hook = runner.invoke(args=["clients", "create", "X", "--webhook", "file:///x"])

    assert forms.exit_code != 0 and "no-such-form" in forms.output
    assert hook.exit_code != 0 and "http" in hook.output
    app.extensions["kancelaria"].engine.dispose()


def test_settings_read_the_mtls_header_only_when_named() -> None:
    from app.config import Settings

    assert Settings.from_env({}).mtls_header is None
    named = Settings.from_env({"KANCELARIA_MTLS_HEADER": MTLS_HEADER})
    assert replace(named).mtls_header == MTLS_HEADER


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive_review_f22(
    api_http: FlaskClient, api_services: Services, scheme: str
) -> None:
    issued = new_client(api_services)

    answer = api_http.get(
        SUBMISSIONS, headers={"Authorization": f"{scheme} {issued.key}"}
    )

    assert answer.status_code == 200
