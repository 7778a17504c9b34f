"""Several senders, dead senders, restarts: each event sent once, none lost."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select, update

from app import create_app
from app.notifications.models import OutboxMessage
from app.notifications.outbox import (
    EVENT_STATUS_CHANGED,
    OutboxPolicy,
    claim,
    enqueue,
    enqueue_status_change,
)
from app.notifications.sender import run_once
from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.conftest import add_client, submit
from tests.notifications.receiver import Behaviour, Receiver

EVENTS = 40
SENDERS = 2


def pending(services: Services) -> int:
    with services.sessions() as session:
        rows = session.scalars(select(OutboxMessage))
        return sum(row.state == "pending" for row in rows)


def test_two_senders_at_once_never_deliver_the_same_event_twice(
    services: Services, receiver: Receiver
) -> None:
    receiver.behaviour = Behaviour(delay_s=0.01)
    client_id, _, _ = add_client(services, receiver.url)
    with services.sessions() as session, session.begin():
        for n in range(EVENTS):
            enqueue(session, client_id=client_id, event="test.event", payload={"n": n})

    policy = OutboxPolicy(batch=3, timeout_s=2.0)
    start = threading.Barrier(SENDERS)
    errors: list[BaseException] = []

    def sender() -> None:
        start.wait()
        try:
            while run_once(services, policy).claimed:
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    got = receiver.wait_for(EVENTS)
    counts = Counter(r.headers["Kancelaria-Delivery"] for r in got)
    assert len(counts) == EVENTS
    assert max(counts.values()) == 1
    assert pending(services) == 0


def test_claimed_row_is_left_alone_by_a_second_sender_while_the_lease_lasts(
    services: Services, receiver: Receiver
) -> None:
    client_id, _, _ = add_client(services, receiver.url)
    with services.sessions() as session, session.begin():
        enqueue(session, client_id=client_id, event="test.event", payload={})

    held = claim(services.sessions, OutboxPolicy())

    assert len(held) == 1
    assert run_once(services).claimed == 0
    assert receiver.received == []


def test_sender_that_died_after_claiming_leaves_the_event_to_the_next_one(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)
    [dead] = claim(services.sessions, OutboxPolicy())

    expired = datetime.now(UTC) - timedelta(seconds=1)
    with services.sessions() as session, session.begin():
        session.execute(update(OutboxMessage).values(claimed_until=expired))

    assert run_once(services).delivered == 1
    [got] = receiver.wait_for(1)
    assert got.headers["Kancelaria-Delivery"] == dead.delivery_id


def test_event_committed_before_a_crash_is_sent_by_the_restarted_instance(
    app: Flask, services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, _ = add_client(services, receiver.url)
    outcome = submit(services, citizen, client_id)
    # The process ends here, before any sender ran: a new one starts on the
    # same instance folder and database.
    restarted = create_app(services.settings)
    try:
        again: Services = restarted.extensions["kancelaria"]
        assert run_once(again).delivered == 1
    finally:
        restarted.extensions["kancelaria"].engine.dispose()

    [got] = receiver.wait_for(1)
    assert outcome.document.public_id in got.body.decode()


def test_status_change_queues_an_event_with_old_and_new_status(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, _ = add_client(services, receiver.url)
    document_id = submit(services, citizen, client_id).document.id

    with services.sessions() as session, session.begin():
        document = session.get(Document, document_id)
        assert document is not None
        document.status = "in-case"
        enqueue_status_change(session, document, "registered", "in-case")

    assert run_once(services).delivered == 2
    events = [r.headers["Kancelaria-Event"] for r in receiver.wait_for(2)]
    assert EVENT_STATUS_CHANGED in events
    last = receiver.received[events.index(EVENT_STATUS_CHANGED)].body
    assert b'"previous_status":"registered"' in last
    assert b'"status":"in-case"' in last


def test_rolled_back_status_change_sends_nothing(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _, _ = add_client(services, receiver.url)
    document_id = submit(services, citizen, client_id).document.id
    run_once(services)

    with services.sessions() as session:
        session.begin()
        document = session.get(Document, document_id)
        assert document is not None
        enqueue_status_change(session, document, "registered", "decided")
        session.rollback()

    assert run_once(services).claimed == 0
    assert len(receiver.received) == 1
