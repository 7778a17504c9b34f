"""A submission's webhooks arrive in order, even when one is retried (review R13)."""

from __future__ import annotations

import json
from dataclasses import replace

from app.cases import lifecycle, writing
from app.cases.models import Case
from app.notifications.outbox import OutboxPolicy
from app.notifications.sender import run_once
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.cases import open_case_for
from tests.notifications.conftest import add_client, submit
from tests.notifications.receiver import Behaviour, Receiver
from tests.notifications.test_delivery import make_due

FAST = OutboxPolicy(timeout_s=0.5, max_attempts=3, retry_schedule=(10, 60))


def test_later_events_wait_while_an_earlier_one_is_retried(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _key, _secret = add_client(services, receiver.url)
    receiver.behaviour = Behaviour(status=500)
    document_id = submit(services, citizen, client_id).document.id
    run_once(services, FAST)  # submission.registered fails, retried in 10 s
    receiver.wait_for(1)
    _decide(services, document_id)
    receiver.behaviour = Behaviour(status=204)
    receiver.received.clear()

    waiting = run_once(services, FAST)  # the status events must not overtake
    make_due(services)
    passes = [run_once(services, FAST).delivered for _ in range(2)]

    assert waiting.claimed == 0
    assert passes == [3, 0]  # in one pass, one round after another
    assert [_status(body) for body in _bodies(receiver, 3)] == [
        ("submission.registered", "registered"),
        ("submission.status_changed", "in-case"),
        ("submission.status_changed", "decided"),
    ]


def test_an_event_given_up_on_no_longer_holds_the_later_ones(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _key, _secret = add_client(services, receiver.url)
    receiver.behaviour = Behaviour(status=500)
    once = replace(FAST, max_attempts=1)
    document_id = submit(services, citizen, client_id).document.id
    run_once(services, once)  # given up at once
    _decide(services, document_id)
    receiver.behaviour = Behaviour(status=204)
    receiver.received.clear()

    delivered = run_once(services, once).delivered

    assert delivered == 2
    assert [_status(body)[1] for body in _bodies(receiver, 2)] == [
        "in-case",
        "decided",
    ]


def test_events_of_other_submissions_are_not_held_back(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    client_id, _key, _secret = add_client(services, receiver.url)
    receiver.behaviour = Behaviour(status=500)
    submit(services, citizen, client_id)
    run_once(services, FAST)  # the first submission's event waits for a retry
    receiver.behaviour = Behaviour(status=204)
    receiver.received.clear()

    submit(services, citizen, client_id)

    assert run_once(services, FAST).delivered == 1


def _decide(services: Services, document_id: int) -> None:
    case = open_case_for(services, document_id)
    with writing(services.sessions) as session:
        lifecycle.decide(session, None, session.get_one(Case, case.case_id), "Tak.")


def _bodies(receiver: Receiver, count: int) -> list[dict[str, object]]:
    return [json.loads(got.body) for got in receiver.wait_for(count)]


def _status(body: dict[str, object]) -> tuple[object, object]:
    return body["event"], body["status"]
