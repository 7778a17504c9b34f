"""Answers to citizens' questions on the case page: the clerk sees the question,
answers it, and the answer is a message to the citizen in the case's trail
and the journal; a refused answer changes nothing.
"""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.cases import writing
from app.cases.constants import Direction
from app.cases.models import Case, CaseMessage
from app.cases.trail import add_message
from app.notifications.models import OutboxMessage
from app.registry.models import JournalEntry
from app.services import Services
from tests.desk.conftest import open_case_in, sign_in


def ask(services: Services, number: str, question: str) -> None:
    """A citizen's question on the case, as the portal would write it."""
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        add_message(
            session,
            case,
            Direction.CITIZEN_TO_OFFICE,
            question,
            citizen_email="anna.testowa@example.org",
        )


def messages(services: Services, number: str) -> list[CaseMessage]:
    with services.sessions() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        return list(
            session.scalars(
                select(CaseMessage)
                .where(CaseMessage.case_id == case.id)
                .order_by(CaseMessage.id)
            )
        )


def test_clerk_sees_the_question_and_answers_it(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO", "Pytanie o termin")
    ask(desk_services, number, "Kiedy mogę spodziewać się decyzji?")
    sign_in(http, "clerk.so")

    page = http.get(f"/desk/cases/{number}").get_data(as_text=True)
    assert "Kiedy mogę spodziewać się decyzji?" in page
    assert 'id="answer-body"' in page

    answer = http.post(
        f"/desk/cases/{number}/messages",
        data={"body": "Decyzja zostanie wydana do końca miesiąca."},
    )

    assert answer.status_code == 303
    question, reply = messages(desk_services, number)
    assert reply.direction == "office-to-citizen"
    assert reply.body == "Decyzja zostanie wydana do końca miesiąca."
    # The portal's outbox mails it where the question came from.
    assert reply.citizen_email == question.citizen_email
    with desk_services.sessions() as session:
        last = session.scalars(
            select(JournalEntry).order_by(JournalEntry.position.desc())
        ).first()
        assert last is not None and last.event == "case-message"
        assert "Decyzja" not in last.payload_json

    shown = http.get(f"/desk/cases/{number}").get_data(as_text=True)
    assert "Decyzja zostanie wydana do końca miesiąca." in shown


def test_empty_or_overlong_answers_are_refused_and_write_nothing(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO")
    sign_in(http, "clerk.so")
    with desk_services.sessions() as session:
        before = session.scalar(select(func.count()).select_from(JournalEntry))

    for body in ("   ", "x" * 10_001):
        answer = http.post(f"/desk/cases/{number}/messages", data={"body": body})
        assert answer.status_code == 400

    assert messages(desk_services, number) == []
    with desk_services.sessions() as session:
        after = session.scalar(select(func.count()).select_from(JournalEntry))
    assert after == before


def test_archivist_reads_the_questions_but_cannot_answer(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO")
    ask(desk_services, number, "Czy potrzebny jest załącznik?")
    sign_in(http, "archivist")

    page = http.get(f"/desk/cases/{number}").get_data(as_text=True)
    answer = http.post(f"/desk/cases/{number}/messages", data={"body": "Tak."})

    assert "Czy potrzebny jest załącznik?" in page
    assert 'id="answer-body"' not in page
    assert answer.status_code == 403
    assert len(messages(desk_services, number)) == 1


def test_the_answer_is_queued_as_mail_to_the_address_the_question_came_with(
    http: FlaskClient, desk_services: Services
) -> None:
    number = open_case_in(desk_services, "SO", "Pytanie o odpis")
    ask(desk_services, number, "Czy mogę odebrać odpis osobiście?")
    sign_in(http, "clerk.so")
    before = mail_rows(desk_services)

    answer = http.post(
        f"/desk/cases/{number}/messages", data={"body": "Tak, w pokoju 12."}
    )

    assert answer.status_code == 303
    queued = mail_rows(desk_services)[len(before) :]
    assert len(queued) == 1
    assert "anna.testowa@example.org" in queued[0].payload
    assert number in queued[0].payload


def mail_rows(services: Services) -> list[OutboxMessage]:
    with services.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "mail")
        return list(session.scalars(query.order_by(OutboxMessage.id)))
