"""Webhooks seen from the API: submissions by key, the delivery log, the thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from app import create_app
from app.notifications.models import OutboxMessage
from app.notifications.outbox import OutboxPolicy
from app.notifications.sender import OutboxThread, run_once
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import sample
from tests.notifications.conftest import add_client
from tests.notifications.receiver import Behaviour, Receiver, free_port

FAST = OutboxPolicy(timeout_s=0.5)


def post(app: Flask, signer: XadesSigner, key: str | None) -> dict[str, object]:
    headers = {"Content-Type": "application/xml"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"

    body = signer.sign_enveloped(sample("pismo-ogolne"))
    answer = app.test_client().post("/api/v1/submissions", data=body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    found: dict[str, object] = answer.get_json()
    return found


def deliveries(
    app: Flask, key: str | None, query: str = ""
) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = app.test_client().get(
        f"/api/v1/webhooks/deliveries{query}", headers=headers
    )
    return answer.status_code, answer.get_json()


def make_due(services: Services) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    with services.sessions() as session, session.begin():
        session.execute(update(OutboxMessage).values(next_attempt_at=past))


@pytest.fixture
def threaded(app: Flask, services: Services) -> Iterator[OutboxThread]:
    """A second application on the same database, sending from its thread."""
    settings = replace(services.settings, outbox_thread=True, outbox_poll_seconds=0.1)
    second = create_app(settings)
    thread: OutboxThread = second.extensions["kancelaria_outbox"]
    yield thread
    thread.stop(10)
    second.extensions["kancelaria"].engine.dispose()


def test_submission_by_key_with_receiver_down_is_201_and_its_event_waits(
    app: Flask, services: Services, citizen: XadesSigner, empty_outbox: None
) -> None:
    down = Receiver(free_port())
    _, key, _ = add_client(services, down.url)

    created = post(app, citizen, key)

    assert run_once(services, FAST).retrying == 1
    status, log = deliveries(app, key)
    assert status == 200
    [entry] = log["deliveries"]
    assert entry["submission_id"] == created["id"]
    assert entry["event"] == "submission.registered"
    assert entry["succeeded"] is False
    assert entry["event_state"] == "pending"
    assert entry["next_attempt_at"] is not None
    assert entry["error"].startswith("could not connect")


def test_delivery_log_shows_only_the_clients_own_attempts_newest_first(
    app: Flask, services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    _, mine, _ = add_client(services, receiver.url)
    _, theirs, _ = add_client(services, receiver.url)
    receiver.behaviour = Behaviour(status=500)
    first = post(app, citizen, mine)
    post(app, citizen, theirs)
    run_once(services, FAST)
    receiver.behaviour = Behaviour(status=200)
    make_due(services)
    run_once(services, FAST)

    status, page = deliveries(app, mine, "?limit=1")
    assert status == 200
    [newest] = page["deliveries"]
    assert (newest["attempt"], newest["status_code"], newest["succeeded"]) == (
        2,
        200,
        True,
    )
    assert newest["event_state"] == "delivered"
    cursor = page["next_cursor"]
    _, rest = deliveries(app, mine, f"?limit=1&cursor={cursor}")
    [oldest] = rest["deliveries"]
    assert (oldest["attempt"], oldest["status_code"]) == (1, 500)
    assert oldest["submission_id"] == first["id"]
    assert rest["next_cursor"] is None


def test_delivery_log_without_credentials_is_401(app: Flask) -> None:
    status, body = deliveries(app, None)

    assert status == 401
    assert body["errors"][0]["error"] == "unauthorized"


def test_delivery_log_refuses_a_cursor_it_did_not_give(
    app: Flask, services: Services
) -> None:
    _, key, _ = add_client(services, None)

    status, body = deliveries(app, key, "?cursor=not-ours")

    assert status == 400
    assert body["errors"][0]["error"] == "bad-request"


def test_background_thread_delivers_once_the_receiver_comes_up(
    app: Flask,
    services: Services,
    citizen: XadesSigner,
    empty_outbox: None,
    threaded: OutboxThread,
) -> None:
    down = Receiver(free_port())
    _, key, _ = add_client(services, down.url)

    post(app, citizen, key)
    _wait_for_attempts(services, 1)
    down.start()
    try:
        make_due(services)
        assert len(down.wait_for(1)) == 1
    finally:
        down.stop()


def _wait_for_attempts(services: Services, count: int) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while datetime.now(UTC) < deadline:
        with services.sessions() as session:
            rows = list(session.scalars(select(OutboxMessage)))
        if rows and rows[0].attempts >= count:
            return
        time.sleep(0.05)

    raise AssertionError("the thread made no attempt")
