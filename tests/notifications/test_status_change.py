"""Case actions that change a document's status queue ``submission.status_changed``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.cases import lifecycle, writing
from app.cases.accounts import add_department, find_department
from app.cases.jrwa import DEMO_LIST, load_jrwa_file
from app.cases.models import Case
from app.notifications.outbox import OutboxPolicy
from app.notifications.sender import run_once
from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.conftest import add_client, submit
from tests.notifications.receiver import Receiver

FAST = OutboxPolicy(timeout_s=0.5, max_attempts=3, retry_schedule=(10, 60))


@pytest.fixture(scope="module")
def office(services: Services) -> None:
    """The department the sample form goes to, and the demo JRWA list."""
    with writing(services.sessions) as session:
        if find_department(session, "OR") is None:
            add_department(session, "OR", "Wydział Organizacyjny", "Organisation")
            load_jrwa_file(session, DEMO_LIST)


def _events(receiver: Receiver, count: int) -> list[dict[str, object]]:
    return [json.loads(got.body) for got in receiver.wait_for(count)]


def test_opening_and_deciding_a_case_sends_status_changed_webhooks_review_f20(
    services: Services, citizen: XadesSigner, receiver: Receiver, office: None
) -> None:
    client_id, _key, _secret = add_client(services, receiver.url)
    document_id = submit(services, citizen, client_id).document.id

    with writing(services.sessions) as session:
        document = session.get_one(Document, document_id)
        unit = find_department(session, document.department)
        assert unit is not None
        case = lifecycle.open_case(session, None, unit, "0152", "Pismo", document)
        case_id = case.id
    run_once(services, FAST)
    with writing(services.sessions) as session:
        case = session.get_one(Case, case_id)
        lifecycle.decide(session, None, case, "Sprawa załatwiona.")
    run_once(services, FAST)

    registered, in_case, decided = _events(receiver, 3)
    assert registered["event"] == "submission.registered"
    assert in_case["event"] == "submission.status_changed"
    assert (in_case["previous_status"], in_case["status"]) == ("registered", "in-case")
    assert decided["event"] == "submission.status_changed"
    assert (decided["previous_status"], decided["status"]) == ("in-case", "decided")


def test_a_case_that_fails_queues_no_status_event_review_f20(
    services: Services, citizen: XadesSigner, receiver: Receiver, office: None
) -> None:
    client_id, _key, _secret = add_client(services, receiver.url)
    document_id = submit(services, citizen, client_id).document.id
    run_once(services, FAST)
    receiver.wait_for(1)

    with pytest.raises(lifecycle.CaseError), writing(services.sessions) as session:
        document = session.get_one(Document, document_id)
        unit = find_department(session, document.department)
        assert unit is not None
        lifecycle.open_case(session, None, unit, "0152", "Pismo", document)
        lifecycle.open_case(session, None, unit, "0152", "Drugie", document)

    run_once(services, FAST)
    with services.sessions() as session:
        status = session.scalar(
            select(Document.status).where(Document.id == document_id)
        )
    assert status == "registered"
    assert len(receiver.received) == 1
