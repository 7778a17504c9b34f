"""Idempotency-Key: replays, reuse with another body, waits, stale claims."""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.api.idempotency import IN_PROGRESS
from app.registry.models import IdempotencyKey
from app.services import Services
from signing.seal import XadesSigner
from tests.api.fixtures import (
    SUBMISSIONS,
    XML,
    bearer,
    document_count,
    make_api_app,
    new_client,
    registrations,
    signed,
)
from tests.app.served import gunicorn


def post(api_http: FlaskClient, body: bytes, key: str, **headers: str):  # type: ignore[no-untyped-def]
    return api_http.post(
        SUBMISSIONS, data=body, headers={**XML, "Idempotency-Key": key, **headers}
    )


def test_same_key_and_body_replays_the_first_answer_without_registering(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    body = signed(api_signer)

    first = post(api_http, body, "replay-1")
    second = post(api_http, body, "replay-1")

    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Location"] == first.headers["Location"]
    assert registrations(api_services, hashlib.sha256(body).hexdigest()) == 1


def test_same_key_with_another_body_is_409_reused(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    post(api_http, signed(api_signer), "reused-1")
    before = document_count(api_services)

    answer = post(api_http, signed(api_signer), "reused-1")

    assert answer.status_code == 409
    assert answer.get_json()["errors"][0]["error"] == "idempotency-key-reused"
    assert document_count(api_services) == before


def test_keys_of_different_clients_do_not_collide(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    one, two = new_client(api_services), new_client(api_services)

    first = api_http.post(
        SUBMISSIONS,
        data=signed(api_signer),
        headers=bearer(one.key, **{"Idempotency-Key": "k"}),
    )
    second = api_http.post(
        SUBMISSIONS,
        data=signed(api_signer),
        headers=bearer(two.key, **{"Idempotency-Key": "k"}),
    )

    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"]


@pytest.mark.parametrize("key", ["", "with space", "x" * 256, "zażółć"])
def test_bad_idempotency_key_is_400(
    api_http: FlaskClient, api_signer: XadesSigner, key: str
) -> None:
    answer = api_http.post(
        SUBMISSIONS,
        data=signed(api_signer),
        headers={**XML, "Idempotency-Key": key.encode().decode("latin-1")},
    )

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["error"] == "bad-idempotency-key"


def test_refusal_is_stored_and_replayed_for_the_same_key(api_http: FlaskClient) -> None:
    unsigned = b"<?xml version='1.0'?><a>not signed</a>"

    first = post(api_http, unsigned, "refused-1")
    second = post(api_http, unsigned, "refused-1")

    assert first.status_code == second.status_code == 422
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"


def _claim_row(
    services: Services, scope: str, key: str, sha: str, age: timedelta
) -> None:
    with services.sessions() as session:
        session.add(
            IdempotencyKey(
                scope=scope,
                key=key,
                body_sha256=sha,
                status=IN_PROGRESS,
                created_at=datetime.now(UTC) - age,
            )
        )
        session.commit()


def test_key_still_in_progress_past_the_wait_is_409_in_use_with_retry_after(
    tmp_path: Path,
) -> None:
    app = make_api_app(tmp_path / "i", idempotency_wait_seconds=0.3)
    services = app.extensions["kancelaria"]
    assert services.demo is not None
    body = signed(XadesSigner.from_issued(services.demo.citizen))
    sha = hashlib.sha256(body).hexdigest()
    _claim_row(services, "anon:127.0.0.1", "busy", sha, timedelta(seconds=1))

    answer = post(app.test_client(), body, "busy")

    assert answer.status_code == 409
    assert answer.get_json()["errors"][0]["error"] == "idempotency-key-in-use"
    assert int(answer.headers["Retry-After"]) >= 1
    assert registrations(services, sha) == 0
    services.engine.dispose()


def test_stale_claim_of_a_crashed_worker_is_taken_over(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    body = signed(api_signer)
    sha = hashlib.sha256(body).hexdigest()
    _claim_row(api_services, "anon:127.0.0.1", "stale", sha, timedelta(minutes=6))

    answer = post(api_http, body, "stale")

    assert answer.status_code == 201
    assert registrations(api_services, sha) == 1


def test_stale_claim_whose_attempt_registered_answers_that_document(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    body = signed(api_signer)
    sha = hashlib.sha256(body).hexdigest()
    # A worker claimed the key, registered, and died before storing the answer.
    _claim_row(api_services, "anon:127.0.0.1", "crashed", sha, timedelta(minutes=6))
    first = api_http.post(SUBMISSIONS, data=body, headers=XML).get_json()

    answer = post(api_http, body, "crashed")
    again = post(api_http, body, "crashed")

    assert answer.status_code == 201
    assert answer.get_json()["id"] == first["id"]
    assert answer.get_json()["registry_number"] == first["registry_number"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert registrations(api_services, sha) == 1


def test_expired_key_is_free_for_a_new_body(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    post(api_http, signed(api_signer), "expiring")
    with api_services.sessions() as session:
        row = session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.key == "expiring")
        ).one()
        row.created_at = datetime.now(UTC) - timedelta(hours=25)
        session.commit()

    answer = post(api_http, signed(api_signer), "expiring")

    assert answer.status_code == 201
    assert "Idempotent-Replayed" not in answer.headers


def test_purge_keys_deletes_only_answered_keys_past_a_day(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    post(api_http, signed(api_signer), "old-answered")
    post(api_http, signed(api_signer), "new-answered")
    with api_services.sessions() as session:
        row = session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.key == "old-answered")
        ).one()
        row.created_at = datetime.now(UTC) - timedelta(hours=25)
        session.commit()

    runner = api_http.application.test_cli_runner()
    result = runner.invoke(args=["clients", "purge-keys"])

    with api_services.sessions() as session:
        left = set(session.scalars(select(IdempotencyKey.key)).all())
    assert result.exit_code == 0, result.output
    assert "old-answered" not in left and "new-answered" in left


def test_concurrent_identical_requests_through_gunicorn_register_once(
    tmp_path: Path,
) -> None:
    instance = tmp_path / "instance"
    app = make_api_app(instance)
    services = app.extensions["kancelaria"]
    issued = new_client(services)
    assert services.demo is not None
    body = signed(XadesSigner.from_issued(services.demo.citizen))
    services.engine.dispose()
    headers = bearer(issued.key, **{"Idempotency-Key": "at-once"})

    with gunicorn(instance, workers=2, threads=4) as base:
        answers = _post_at_once(base + SUBMISSIONS, body, headers, count=6)

    statuses = sorted(status for status, _ in answers)
    ids = {payload["id"] for status, payload in answers if status == 201}
    assert statuses == [201] * 6, answers
    assert len(ids) == 1
    assert registrations(services, hashlib.sha256(body).hexdigest()) == 1


def _post_at_once(
    url: str, body: bytes, headers: dict[str, str], count: int
) -> list[tuple[int, dict[str, object]]]:
    barrier = threading.Barrier(count)
    answers: list[tuple[int, dict[str, object]]] = []

    def send() -> None:
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310
                answers.append((reply.status, json.loads(reply.read())))
        except urllib.error.HTTPError as exc:
            answers.append((exc.code, json.loads(exc.read())))

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    return answers
