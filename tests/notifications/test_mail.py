"""Mail through the outbox to a real SMTP server (aiosmtpd) on 127.0.0.1.

A question notifies the department; an answer reaches the citizen who left
an address, in their language; a server that is down is retried later; a
permanent refusal is given up and logged; no address or words reach a log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.cases import writing
from app.cases.models import Case, CaseMessage
from app.cases.questions import QuestionRefused, ask_clerk, reply_to_citizen
from app.notifications.models import KIND_MAIL, OutboxMessage
from app.notifications.outbox import OutboxPolicy
from app.notifications.sender import run_once
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.cases import (
    DEPARTMENT_EMAIL,
    OpenCase,
    open_case_for,
    with_smtp,
)
from tests.notifications.conftest import submit
from tests.notifications.receiver import free_port
from tests.notifications.smtpd import Inbox, SmtpServer

QUESTION = "Czy mogę dosłać skan dowodu osobistego ABC123456?"
ANSWER = "Tak, proszę dosłać skan do piątku."
CITIZEN_EMAIL = "jan.testowy@poczta.test"
POLICY = OutboxPolicy(timeout_s=2.0, jitter=0.0)


@pytest.fixture
def smtp(empty_outbox: None) -> Iterator[SmtpServer]:
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def case(services: Services, citizen: XadesSigner) -> OpenCase:
    outcome = submit(services, citizen, None)
    return open_case_for(services, outcome.document.id)


def ask(app: Flask, services: Services, case: OpenCase, **kw: object) -> int:
    """Ask QUESTION on the case from a page in ``lang``; return the message id."""
    lang = str(kw.pop("lang", "pl"))
    with app.test_request_context(), writing(services.sessions) as session:
        row = session.get(Case, case.case_id)
        assert row is not None
        message = ask_clerk(
            session, row, QUESTION, kw.get("email"), lang, "http://127.0.0.1:8000"
        )
        return message.id


def answer(app: Flask, services: Services, case: OpenCase) -> None:
    with app.test_request_context(), writing(services.sessions) as session:
        row = session.get(Case, case.case_id)
        assert row is not None
        reply_to_citizen(session, row, None, ANSWER, "http://127.0.0.1:8000")


def mail_rows(services: Services) -> list[OutboxMessage]:
    with services.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == KIND_MAIL)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def test_a_question_mails_the_department_without_the_question_text(
    app: Flask, services: Services, case: OpenCase, smtp: SmtpServer
) -> None:
    ask(app, services, case)
    report = run_once(with_smtp(services, smtp.port), POLICY)

    assert report.delivered == 1
    assert smtp.inbox.recipients == [[DEPARTMENT_EMAIL]]
    mail = smtp.inbox.messages[0]
    assert mail["Subject"] == f"Pytanie w sprawie {case.number}"
    text = mail.get_content()
    assert f"/desk/cases/{case.number}" in text
    assert QUESTION not in text
    assert [row.state for row in mail_rows(services)] == ["delivered"]


def test_the_answer_reaches_the_citizen_in_the_language_they_asked_in(
    app: Flask, services: Services, case: OpenCase, smtp: SmtpServer
) -> None:
    ask(app, services, case, email=CITIZEN_EMAIL, lang="en")
    answer(app, services, case)
    run_once(with_smtp(services, smtp.port), POLICY)

    assert smtp.inbox.recipients == [[DEPARTMENT_EMAIL], [CITIZEN_EMAIL]]
    to_citizen = smtp.inbox.messages[1]
    assert to_citizen["Subject"] == f"Answer on case {case.number}"
    assert ANSWER in to_citizen.get_content()
    assert QUESTION not in to_citizen.get_content()


def test_an_answer_without_an_address_given_is_not_mailed(
    app: Flask, services: Services, case: OpenCase, smtp: SmtpServer
) -> None:
    ask(app, services, case)
    answer(app, services, case)
    run_once(with_smtp(services, smtp.port), POLICY)

    assert smtp.inbox.recipients == [[DEPARTMENT_EMAIL]]
    with services.sessions() as session:
        bodies = session.scalars(
            select(CaseMessage.body).where(CaseMessage.case_id == case.case_id)
        ).all()
    assert list(bodies) == [QUESTION, ANSWER]


def test_with_no_smtp_configured_mail_stays_queued(
    app: Flask, services: Services, case: OpenCase, empty_outbox: None
) -> None:
    ask(app, services, case)
    report = run_once(with_smtp(services, None), POLICY)

    assert report.claimed == 0
    [row] = mail_rows(services)
    assert (row.state, row.attempts) == ("pending", 0)


def test_a_server_that_is_down_is_tried_again_later(
    app: Flask, services: Services, case: OpenCase, empty_outbox: None
) -> None:
    port = free_port()
    ask(app, services, case)
    down = run_once(with_smtp(services, port), POLICY)
    [row] = mail_rows(services)

    assert (down.retrying, row.state, row.attempts) == (1, "pending", 1)
    assert row.next_attempt_at > datetime.now(UTC)
    assert run_once(with_smtp(services, port), POLICY).claimed == 0  # not yet due

    server = SmtpServer(port).start()
    try:
        later = datetime.now(UTC) + timedelta(seconds=POLICY.retry_schedule[0] + 1)
        up = run_once(with_smtp(services, port), POLICY, now=later)
    finally:
        server.stop()

    assert up.delivered == 1
    assert server.inbox.recipients == [[DEPARTMENT_EMAIL]]
    assert [row.state for row in mail_rows(services)] == ["delivered"]


def test_a_permanent_refusal_is_given_up_and_logged(
    app: Flask,
    services: Services,
    case: OpenCase,
    empty_outbox: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = SmtpServer(free_port(), Inbox(refuse_rcpt="550 5.1.1 No such user"))
    server.start()
    try:
        ask(app, services, case)
        report = run_once(with_smtp(services, server.port), POLICY)
    finally:
        server.stop()

    [row] = mail_rows(services)
    assert (report.failed, row.state) == (1, "failed")
    assert row.last_error == "SMTP 550: recipient refused"
    refused = [r for r in caplog.records if r.getMessage() == "mail refused"]
    assert refused and refused[0].levelno == logging.ERROR
    assert getattr(refused[0], "outbox_id", None) == row.id


def test_no_address_or_words_reach_the_logs(
    app: Flask,
    services: Services,
    case: OpenCase,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ask(app, services, case, email=CITIZEN_EMAIL)
    answer(app, services, case)
    run_once(with_smtp(services, smtp.port), POLICY)
    run_once(with_smtp(services, free_port()), POLICY)

    assert len(smtp.inbox.messages) == 2
    ours = [r for r in caplog.records if r.name != "mail.log"]  # the test server's
    logged = " ".join(f"{r.getMessage()} {vars(r)}" for r in ours)
    assert "mail queued" in logged and "mail sent" in logged
    for secret in (CITIZEN_EMAIL, DEPARTMENT_EMAIL, QUESTION, ANSWER, "ABC123456"):
        assert secret not in logged


def test_a_bad_address_is_refused_and_nothing_is_written(
    app: Flask, services: Services, case: OpenCase, empty_outbox: None
) -> None:
    with pytest.raises(QuestionRefused):
        ask(app, services, case, email="not an address")

    assert mail_rows(services) == []
    with services.sessions() as session:
        count = session.scalars(
            select(CaseMessage.id).where(CaseMessage.case_id == case.case_id)
        ).all()
    assert count == []
