"""Following a case: lookup by number and code, the case page, questions."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.cases import writing
from app.cases.accounts import add_department
from app.cases.lifecycle import decide, pause_for_remedy
from app.cases.models import Case, CaseMessage, Department, WaitingQuestion
from app.cases.questions import ask_for_remedy, reply_to_citizen
from app.notifications.models import KIND_MAIL, OutboxMessage
from app.registry.models import Document
from app.services import Services
from app.timeshow import office_time
from signing.seal import XadesSigner
from tests.app.filing import Filed, file_document
from tests.notifications.cases import open_case_for


@pytest.fixture
def filed(client: FlaskClient, services: Services, citizen: XadesSigner) -> Filed:
    return file_document(client, services, citizen)


@pytest.fixture
def in_case(filed: Filed, services: Services) -> Filed:
    open_case_for(services, filed.document_id)
    return filed


def text_of(client: FlaskClient, url: str, status: int = 200) -> str:
    answer = client.get(url)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def test_the_result_page_links_to_the_case_page(
    client: FlaskClient, filed: Filed
) -> None:
    result = text_of(
        client, f"/submissions/{filed.year}/{filed.sequence}?code={filed.code}"
    )
    assert f'href="/case/{filed.year}/{filed.sequence}?code={filed.code}"' in result


def test_the_result_page_shows_receipt_and_signing_time_in_office_time_review2_s4(
    client: FlaskClient, filed: Filed, services: Services
) -> None:
    english = text_of(
        client, f"/submissions/{filed.year}/{filed.sequence}?code={filed.code}&lang=en"
    )
    with services.sessions() as session:
        received = session.get_one(Document, filed.document_id).received_at

    flat = " ".join(re.sub(r"<[^>]+>", " ", english).split())
    assert f"Received {office_time(received, seconds=True)}" in flat
    assert " UTC" not in flat and "Polish time" not in flat
    assert re.search(r"on \d{4}-\d\d-\d\d \d\d:\d\d CES?T", flat), flat[:2000]


def test_lookup_by_number_and_code_opens_the_case_page(
    client: FlaskClient, filed: Filed
) -> None:
    form = text_of(client, "/case")
    assert 'for="number"' in form and 'for="code"' in form

    answer = client.get(f"/case?number={filed.number}&code={filed.code.lower()}")
    assert answer.status_code == 303
    assert answer.location.endswith(filed.page)


@pytest.mark.parametrize(
    "query",
    [
        "number={number}&code=WRONGCODE2345678",
        "number=RPW/999999/2026&code={code}",
        "number=nonsense&code={code}",
        "number={number}&code=",
    ],
)
def test_a_wrong_number_or_code_shows_nothing(
    client: FlaskClient, filed: Filed, query: str
) -> None:
    url = "/case?" + query.format(number=filed.number, code=filed.code)
    page = text_of(client, url, 404)
    assert 'role="alert"' in page
    assert "Twoja sprawa" not in page and "facts" not in page
    assert text_of(client, f"/case/{filed.year}/{filed.sequence}?code=X", 404)


def test_before_a_case_is_opened_the_page_says_it_awaits_a_clerk_review_r7(
    client: FlaskClient, filed: Filed
) -> None:
    page = text_of(client, filed.page)
    english = text_of(client, filed.page + "&lang=en")

    assert "nie założono jeszcze sprawy" in page
    assert 'id="awaiting-clerk"' in page and "czeka na urzędnika" in page
    assert "Usual deadline" in english and "awaits a clerk" in english
    assert 'name="body"' in page, "a question can be asked at once"


def test_a_question_before_a_case_waits_then_moves_into_the_case_review_r7(
    client: FlaskClient, filed: Filed, services: Services
) -> None:
    department = _department_with_mail(services, filed)
    answer = client.post(
        filed.ask,
        data={"code": filed.code, "body": "Czy pismo dotarło?", "email": "a@b.test"},
    )
    assert answer.status_code == 303
    assert "Czy pismo dotarło?" in text_of(client, answer.location)
    with services.sessions() as session:
        waiting = session.scalars(
            select(WaitingQuestion).where(
                WaitingQuestion.document_id == filed.document_id
            )
        ).one()
        notices = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == KIND_MAIL)
        ).all()
    assert waiting.citizen_email == "a@b.test"
    assert any(department in n.payload and filed.number in n.payload for n in notices)

    opened = open_case_for(services, filed.document_id)

    with services.sessions() as session:
        assert (
            session.scalars(
                select(WaitingQuestion).where(
                    WaitingQuestion.document_id == filed.document_id
                )
            ).all()
            == []
        )
        moved = session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == opened.case_id)
        ).one()
    assert moved.body == "Czy pismo dotarło?" and moved.citizen_email == "a@b.test"
    assert moved.sent_at == waiting.sent_at and moved.lang == "pl"
    page = text_of(client, filed.page)
    assert opened.number in page and "Czy pismo dotarło?" in page


def test_a_remedy_request_says_what_is_missing_on_the_page_and_by_mail_review_r7(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    client.post(
        in_case.ask,
        data={"code": in_case.code, "body": "Pytanie", "email": "r@b.test"},
    )
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        pause_for_remedy(session, None, case, "notatka wewnętrzna")
        ask_for_remedy(
            session, case, None, "Brakuje kopii umowy najmu.", "http://127.0.0.1"
        )
        number = case.number

    page = text_of(client, in_case.page)
    with services.sessions() as session:
        mail = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == KIND_MAIL)
        ).all()

    assert 'id="remedy"' in page and "Brakuje kopii umowy najmu." in page
    assert f"podając sprawę {number}" in page
    assert "notatka wewnętrzna" not in page
    remedy_mail = [m for m in mail if "r@b.test" in m.payload and "umowy" in m.payload]
    assert remedy_mail and number in remedy_mail[-1].payload


def _remedy_box(page: str) -> str:
    """The text of the "needs more from you" box on a case page."""
    found = re.search(r'id="remedy".*?</section>', page, re.S)
    assert found, "no remedy box on the page"
    return found.group(0)


def test_a_later_answer_is_not_shown_as_the_remedy_request_review2_s1(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        pause_for_remedy(session, None, case, None)
        ask_for_remedy(session, case, None, "Prosimy o zgodę właściciela.", "http://x")
        reply_to_citizen(session, case, None, "Załatwimy w 30 dni.", "http://x")

    portal = text_of(client, in_case.page)
    kiosk = client.post(
        "/kiosk/case",
        data={"sequence": in_case.sequence, "year": in_case.year, "code": in_case.code},
    ).get_data(as_text=True)

    for page in (portal, kiosk):
        box = _remedy_box(page)
        assert "Prosimy o zgodę właściciela." in box
        assert "Załatwimy w 30 dni." not in box
        assert "Załatwimy w 30 dni." in page, "the answer left the messages"
        assert "Wezwanie urzędu do uzupełnienia" in page


def test_an_answer_after_a_pause_without_remedy_text_is_no_demand_review2_s1(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        pause_for_remedy(session, None, case, None)
        reply_to_citizen(session, case, None, "Załatwimy w 30 dni.", "http://x")

    box = _remedy_box(text_of(client, in_case.page))

    assert "Załatwimy w 30 dni." not in box


def _department_with_mail(services: Services, filed: Filed) -> str:
    """Give the document's department a notice address; return the address."""
    address = "wydzial.or@urzad.test"
    with writing(services.sessions) as session:
        document = session.get_one(Document, filed.document_id)
        symbol = document.department or "OR"
        document.department = symbol
        found = session.scalar(select(Department).where(Department.symbol == symbol))
        if found is None:
            add_department(session, symbol, "Organizacyjny", "Organisation", address)
        else:
            found.email = address

    return address


def test_the_case_page_shows_department_status_deadline_and_history(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    page = text_of(client, in_case.page)
    with services.sessions() as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None

    assert "Wydział Testowy" in page
    assert case.number in page
    assert case.deadline.isoformat() in page
    assert "Otwarta; czeka na rozpoczęcie pracy przez urzędnika" in page
    assert "sprawę założono" in page
    english = text_of(client, in_case.page + "&lang=en")
    assert "Test Department" in english and "the case was opened" in english


def test_a_question_is_stored_with_its_mail_and_shown(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    answer = client.post(
        in_case.ask,
        data={"code": in_case.code, "body": "Kiedy sprawa?", "email": "a@b.test"},
    )
    assert answer.status_code == 303
    assert "sent=1" in answer.location

    page = text_of(client, answer.location)
    assert "Kiedy sprawa?" in page
    assert 'role="status"' in page
    with services.sessions() as session:
        mail = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == KIND_MAIL)
        ).all()
        asked = session.scalars(
            select(CaseMessage).where(CaseMessage.body == "Kiedy sprawa?")
        ).one()
    assert asked.citizen_email == "a@b.test" and asked.lang == "pl"
    assert any("/desk/cases/" in row.payload for row in mail)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"body": "  "}, "body", "Wpisz pytanie."),
        ({"body": "x" * 10_001}, "body", "Pytanie jest za długie"),
        ({"body": "Pytanie", "email": "nie adres"}, "email", "To nie wygląda na adres"),
        ({"body": "Pyta\x00nie o termin"}, "body", "Usuń z tego pola znak sterujący"),
        ({"body": "Pytanie", "email": "a@b.example\x00"}, "email", "znak sterujący"),
    ],
)
def test_a_bad_question_is_refused_beside_its_field_and_nothing_is_written(
    client: FlaskClient,
    in_case: Filed,
    services: Services,
    data: dict[str, str],
    field: str,
    words: str,
) -> None:
    with services.sessions() as session:
        before = len(session.scalars(select(CaseMessage.id)).all())

    answer = client.post(in_case.ask, data={"code": in_case.code, **data})
    page = answer.get_data(as_text=True)

    assert answer.status_code == 400
    assert words in page
    assert 'role="alert"' in page
    assert f'id="{field}-error"' in page
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page, re.S)
    with services.sessions() as session:
        assert len(session.scalars(select(CaseMessage.id)).all()) == before


def test_a_question_with_a_nul_keeps_what_was_typed_review_r10(
    client: FlaskClient, in_case: Filed
) -> None:
    answer = client.post(
        in_case.ask, data={"code": in_case.code, "body": "Pytanie\x00 o termin decyzji"}
    )

    assert answer.status_code == 400
    assert "o termin decyzji" in answer.get_data(as_text=True)


def test_a_question_with_a_wrong_code_is_not_found(
    client: FlaskClient, in_case: Filed
) -> None:
    answer = client.post(in_case.ask, data={"code": "WRONG", "body": "Pytanie"})
    assert answer.status_code == 404


def test_the_decision_appears_once_made(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    with writing(services.sessions) as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        decide(session, None, case, "Wydano zaświadczenie nr 7/2026.")

    page = text_of(client, in_case.page)
    assert "Wydano zaświadczenie nr 7/2026." in page
    assert "Rozstrzygnięcie" in page
    assert 'name="body"' in page


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_question_without_the_csrf_token_is_refused(
    client: FlaskClient, in_case: Filed, csrf_on: None
) -> None:
    answer = client.post(in_case.ask, data={"code": in_case.code, "body": "Pytanie"})
    assert answer.status_code == 400


def test_times_on_the_case_page_are_office_time_with_the_zone_review_r9(
    client: FlaskClient, in_case: Filed, services: Services
) -> None:
    with services.sessions() as session:
        document = session.get_one(Document, in_case.document_id)
        received = document.received_at

    page = text_of(client, in_case.page)

    assert office_time(received) in page
    assert re.search(r"\d\d:\d\d (CET|CEST)</time>", page)
    assert " UTC</time>" not in page
