"""Webhooks through the outbox: signed, retried with backoff, logged, never lost."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.notifications.models import OutboxMessage, WebhookDelivery
from app.notifications.outbox import OutboxPolicy
from app.notifications.sender import run_once
from app.notifications.webhooks import verify_webhook_signature
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.conftest import add_client, submit
from tests.notifications.receiver import Behaviour, Receiver, free_port

FAST = OutboxPolicy(timeout_s=0.5, max_attempts=3, retry_schedule=(10, 60))


def outbox_rows(services: Services) -> list[OutboxMessage]:
    with services.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def delivery_log(services: Services) -> list[WebhookDelivery]:
    with services.sessions() as session:
        query = select(WebhookDelivery).order_by(WebhookDelivery.id)
        return list(session.scalars(query))


def make_due(services: Services) -> None:
    """Bring every pending retry forward to now, instead of sleeping."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    with services.sessions() as session, session.begin():
        session.execute(update(OutboxMessage).values(next_attempt_at=past))


def test_registration_by_client_reaches_receiver_with_a_valid_signature(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, secret = add_client(services, receiver.url)
    outcome = submit(services, citizen, client_id)

    report = run_once(services, FAST)

    assert report.delivered == 1
    [got] = receiver.wait_for(1)
    timestamp = got.headers["Kancelaria-Timestamp"]
    header = got.headers["Kancelaria-Signature"]
    assert verify_webhook_signature(secret, timestamp, got.body, header)
    # The same check written out, as a receiver without our helper does it.
    signed = timestamp.encode() + b"." + got.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(header, "v1=" + expected)

    event = json.loads(got.body)
    document = outcome.document
    assert event["event"] == "submission.registered"
    assert event["id"] == document.public_id
    assert event["registry_number"] == document.registry_number
    assert event["status"] == "registered"
    assert event["indication"] == "TOTAL_PASSED"
    assert got.headers["Kancelaria-Event"] == "submission.registered"
    assert got.headers["Kancelaria-Delivery"] == outbox_rows(services)[0].delivery_id


def test_signature_made_with_another_secret_does_not_verify(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, secret = add_client(services, receiver.url)
    submit(services, citizen, client_id)
    run_once(services, FAST)

    [got] = receiver.wait_for(1)
    stamp = got.headers["Kancelaria-Timestamp"]
    header = got.headers["Kancelaria-Signature"]
    assert not verify_webhook_signature("x" + secret, stamp, got.body, header)
    assert not verify_webhook_signature(secret, stamp, got.body + b" ", header)


def test_anonymous_and_webhookless_submissions_queue_no_event(
    services: Services, citizen: XadesSigner, empty_outbox: None
) -> None:
    client_id, _, _ = add_client(services, None)

    submit(services, citizen, None)
    submit(services, citizen, client_id)

    assert outbox_rows(services) == []


def test_event_is_in_the_outbox_when_registration_commits_before_any_sender(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, _ = add_client(services, receiver.url)

    outcome = submit(services, citizen, client_id)

    [row] = outbox_rows(services)
    assert row.state == "pending"
    assert json.loads(row.payload)["id"] == outcome.document.public_id
    assert receiver.received == []


def test_receiver_down_keeps_registering_then_retries_with_backoff_until_up(
    services: Services, citizen: XadesSigner, empty_outbox: None
) -> None:
    down = Receiver(free_port())
    client_id, _, _ = add_client(services, down.url)
    outcome = submit(services, citizen, client_id)
    assert outcome.document.registry_number

    before = datetime.now(UTC)
    first = run_once(services, FAST)

    assert (first.retrying, first.delivered) == (1, 0)
    [row] = outbox_rows(services)
    assert row.attempts == 1 and row.last_error
    # 10 s with at most 20 % jitter either way.
    assert before + timedelta(seconds=7) < row.next_attempt_at
    assert row.next_attempt_at < datetime.now(UTC) + timedelta(seconds=13)
    assert run_once(services, FAST).claimed == 0

    make_due(services)
    second = run_once(services, FAST)
    [row] = outbox_rows(services)
    assert second.retrying == 1
    assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=40)

    down.start()
    try:
        make_due(services)
        assert run_once(services, FAST).delivered == 1
        assert len(down.wait_for(1)) == 1
    finally:
        down.stop()

    log = delivery_log(services)
    assert [entry.attempt for entry in log] == [1, 2, 3]
    assert [entry.status_code for entry in log] == [None, None, 204]
    assert outbox_rows(services)[0].state == "delivered"


def test_receiver_answering_500_is_retried_and_logged(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    receiver.behaviour = Behaviour(status=500)
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)

    assert run_once(services, FAST).retrying == 1
    receiver.behaviour = Behaviour(status=200)
    make_due(services)
    assert run_once(services, FAST).delivered == 1

    log = delivery_log(services)
    assert [entry.status_code for entry in log] == [500, 200]
    assert log[0].error == "receiver answered HTTP 500"
    assert log[1].error is None


def test_slow_receiver_times_out_and_the_attempt_is_retried(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    receiver.behaviour = Behaviour(delay_s=2.0)
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)

    report = run_once(services, FAST)

    assert report.retrying == 1
    [entry] = delivery_log(services)
    assert entry.error == "timeout after 0.5 s"
    assert entry.status_code is None
    assert 400 <= entry.duration_ms < 1500


def test_receiver_dripping_its_answer_is_cut_off_at_the_total_deadline(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    # Each byte arrives well within the per-read timeout; the whole answer
    # would take over 10 s. The sender must give up at its deadline.
    receiver.behaviour = Behaviour(drip_s=0.25)
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)

    report = run_once(services, FAST)

    assert report.retrying == 1
    [entry] = delivery_log(services)
    assert entry.status_code is None
    assert entry.error is not None and "0.5 s" in entry.error
    assert entry.duration_ms < 1500


def test_redirect_is_not_followed_and_counts_as_a_failed_attempt(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    elsewhere = Receiver(free_port()).start()
    receiver.behaviour = Behaviour(status=307, location=elsewhere.url)
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)

    try:
        assert run_once(services, FAST).retrying == 1
    finally:
        elsewhere.stop()

    assert elsewhere.received == []
    assert delivery_log(services)[0].status_code == 307


def test_sender_gives_up_after_the_last_attempt(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    receiver.behaviour = Behaviour(status=503)
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)

    reports = []
    for _ in range(FAST.max_attempts + 1):
        reports.append(run_once(services, FAST))
        make_due(services)

    assert [r.claimed for r in reports] == [1, 1, 1, 0]
    assert reports[-2].failed == 1
    [row] = outbox_rows(services)
    assert row.state == "failed"
    assert row.last_error == "receiver answered HTTP 503"
    assert len(delivery_log(services)) == FAST.max_attempts


def test_default_policy_gives_up_after_eight_attempts_on_the_agreed_schedule() -> None:
    policy = OutboxPolicy()

    assert policy.max_attempts == 8
    assert policy.timeout_s == 5.0
    assert policy.retry_schedule[:6] == (10, 60, 300, 1800, 7200, 21600)


@pytest.mark.parametrize("revoked", [True, False])
def test_event_for_revoked_or_webhookless_client_is_dropped_unsent(
    services: Services, citizen: XadesSigner, receiver: Receiver, revoked: bool
) -> None:
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)
    from app.registry.models import ApiClient

    with services.sessions() as session, session.begin():
        client = session.get(ApiClient, client_id)
        assert client is not None
        if revoked:
            client.revoked_at = datetime.now(UTC)
        else:
            client.webhook_url = None

    assert run_once(services, FAST).failed == 1
    assert receiver.received == []
    assert outbox_rows(services)[0].state == "failed"
