"""Cases at the desk over HTTP: open, attach, assign, pause, decide, warnings."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.cases import writing
from app.cases.citizen import citizen_view
from app.cases.deadlines import office_day
from app.cases.models import Case, CaseDocument, DocumentView
from app.cases.waiting import ask_before_case
from app.registry.models import Document, JournalEntry
from app.services import Services
from tests.desk.conftest import paper_document, register_paper, scan, sign_in


@pytest.fixture
def clerk(desk_app: Flask) -> FlaskClient:
    client = desk_app.test_client()
    sign_in(client, "clerk.so")
    return client


@pytest.fixture
def head(desk_app: Flask) -> FlaskClient:
    client = desk_app.test_client()
    sign_in(client, "head.so")
    return client


def _open(client: FlaskClient, document: Document, **changes: str) -> tuple[int, str]:
    data = {"document": document.public_id, "jrwa": "5360", "title": "Meldunek"}
    answer = client.post("/desk/cases/new", data={**data, **changes})
    return answer.status_code, answer.headers.get("Location", "")


def _case(services: Services, number: str) -> Case:
    with services.sessions() as session:
        return session.scalars(select(Case).where(Case.number == number)).one()


def test_a_case_opened_for_a_document_takes_it_out_of_the_inbox(
    clerk: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services)
    assert document.registry_number in clerk.get("/desk/inbox").get_data(as_text=True)

    status, location = _open(clerk, document)

    assert status == 303
    number = location.rsplit("/", 1)[1]
    assert re.fullmatch(r"SO\.5360\.\d+\.\d{4}", number)
    page = clerk.get(location).get_data(as_text=True)
    assert document.registry_number in page and "otwarta" in page
    inbox = clerk.get("/desk/inbox").get_data(as_text=True)
    assert document.registry_number not in inbox.split("Sprawy w toku")[0]
    with desk_services.sessions() as session:
        assert session.get_one(Document, document.id).status == "in-case"


@pytest.mark.parametrize(
    ("changes", "words"),
    [({"jrwa": "536"}, "klasę JRWA"), ({"title": "   "}, "Tytuł sprawy")],
    ids=["grouping-class", "empty-title"],
)
def test_a_case_needs_a_case_class_and_a_title(
    clerk: FlaskClient,
    desk_services: Services,
    changes: dict[str, str],
    words: str,
) -> None:
    document = paper_document(desk_services)

    status, _location = _open(clerk, document, **changes)

    assert status == 400
    with desk_services.sessions() as session:
        assert session.get_one(Document, document.id).status == "registered"


def test_the_form_suggests_its_jrwa_class(
    clerk: FlaskClient, desk_services: Services, desk_app: Flask
) -> None:
    front = desk_app.test_client()
    sign_in(front, "desk.so")
    _status, location, _page = register_paper(
        front,
        scan("PNG", "#010203"),
        "f.png",
        form="zameldowanie/1",
        subject="",
        department="",
    )
    public_id = location.rsplit("/", 1)[1]
    page = clerk.get(f"/desk/cases/new?document={public_id}").get_data(as_text=True)

    assert '<option value="5360" selected>' in page


def test_assign_pause_resume_and_decide(
    head: FlaskClient, desk_app: Flask, desk_services: Services
) -> None:
    _status, location = _open(head, paper_document(desk_services))
    number = location.rsplit("/", 1)[1]

    answer = head.post(
        f"{location}/assign", data={"assignee": "clerk2.so", "note": "Pilne."}
    )
    assert answer.status_code == 303
    assignee = desk_app.test_client()
    sign_in(assignee, "clerk2.so")
    assert number in assignee.get("/desk/inbox").get_data(as_text=True)
    assert "Pilne." in head.get(location).get_data(as_text=True)

    assert (
        head.post(f"{location}/status", data={"status": "awaiting-remedy"}).status_code
        == 303
    )
    assert "czeka na uzupełnienie" in head.get(location).get_data(as_text=True)
    assert head.post(f"{location}/status", data={"status": "resume"}).status_code == 303
    assert _case(desk_services, number).status == "in-progress"

    decided = assignee.post(f"{location}/decide", data={"decision": "Zameldowano."})
    assert decided.status_code == 303
    case = _case(desk_services, number)
    assert case.status == "decided" and case.decision == "Zameldowano."
    again = head.post(f"{location}/status", data={"status": "open"})
    assert again.status_code == 400
    assert "załatwiona i nie można" in again.get_data(as_text=True)


def test_a_case_is_not_assigned_to_another_department(
    head: FlaskClient, desk_services: Services
) -> None:
    _status, location = _open(head, paper_document(desk_services))

    answer = head.post(f"{location}/assign", data={"assignee": "clerk.fn"})

    assert answer.status_code == 400
    assert "aktywnego pracownika jej wydziału" in answer.get_data(as_text=True)


def test_attach_a_further_document(clerk: FlaskClient, desk_services: Services) -> None:
    _status, location = _open(clerk, paper_document(desk_services))
    further = paper_document(desk_services)

    answer = clerk.post(f"{location}/attach", data={"document": further.public_id})

    assert answer.status_code == 303
    assert further.registry_number in clerk.get(location).get_data(as_text=True)
    twice = clerk.post(f"{location}/attach", data={"document": further.public_id})
    assert twice.status_code == 400


def test_overdue_cases_are_warned_about(
    clerk: FlaskClient, desk_services: Services
) -> None:
    _status, location = _open(clerk, paper_document(desk_services))
    number = location.rsplit("/", 1)[1]
    with desk_services.sessions() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        # The office's day, not the machine's: they differ near midnight.
        case.deadline = office_day(datetime.now(UTC)) - timedelta(days=3)
        session.commit()

    inbox = clerk.get("/desk/inbox").get_data(as_text=True)
    page = clerk.get(location).get_data(as_text=True)

    assert 'id="overdue"' in inbox and "Sprawy po terminie" in inbox
    assert "dni po terminie: 3" in page


def test_every_view_of_a_document_is_recorded(
    clerk: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services)

    assert clerk.get(f"/desk/documents/{document.public_id}").status_code == 200
    original = clerk.get(f"/desk/documents/{document.public_id}/original")
    original.close()

    with desk_services.sessions() as session:
        views = session.scalars(
            select(DocumentView).where(DocumentView.document_id == document.id)
        ).all()
        entries = session.scalars(
            select(JournalEntry).where(
                JournalEntry.event == "document-viewed",
                JournalEntry.document_id == document.id,
            )
        ).all()
    assert len(views) == 2
    assert [json.loads(e.payload_json)["by"] for e in entries] == ["clerk.so"] * 2


def test_pages_are_polish_by_default_and_english_on_request(
    clerk: FlaskClient,
) -> None:
    assert "Pisma wpływające" in clerk.get("/desk/inbox").get_data(as_text=True)
    english = clerk.get("/desk/inbox?lang=en").get_data(as_text=True)
    assert "Inbox" in english and "Pisma wpływające" not in english


def test_the_administrator_adds_departments_and_accounts_in_polish(
    desk_app: Flask,
) -> None:
    admin = desk_app.test_client()
    sign_in(admin, "admin")

    added = admin.post(
        "/desk/manage/departments",
        data={"symbol": "PZ", "name_pl": "Zamówienia", "name_en": "Procurement"},
    )
    twice = admin.post(
        "/desk/manage/departments",
        data={"symbol": "PZ", "name_pl": "Zamówienia", "name_en": "Procurement"},
    )
    short = admin.post(
        "/desk/manage/users",
        data={
            "login": "nowy.pz",
            "display_name": "Nowy",
            "password": "krotkie",
            "role": "clerk",
            "department": "PZ",
        },
    )
    account = admin.post(
        "/desk/manage/users",
        data={
            "login": "nowy.pz",
            "display_name": "Nowy",
            "password": "dostatecznie długie hasło",
            "role": "clerk",
            "department": "PZ",
        },
    )

    assert added.status_code == 303
    assert twice.status_code == 400
    assert "Taki wydział już istnieje" in twice.get_data(as_text=True)
    assert short.status_code == 400
    assert "co najmniej 12 znaków" in short.get_data(as_text=True)
    assert account.status_code == 303
    assert "nowy.pz" in admin.get("/desk/manage/users").get_data(as_text=True)
    newcomer = desk_app.test_client()
    sign_in(newcomer, "nowy.pz", "dostatecznie długie hasło")


def test_a_seven_day_certificate_form_gets_a_seven_day_deadline_review_f31(
    desk_services: Services, desk_app: Flask
) -> None:
    front = desk_app.test_client()
    sign_in(front, "desk.fn")
    fn_clerk = desk_app.test_client()
    sign_in(fn_clerk, "clerk.fn")
    _status, location, _page = register_paper(
        front,
        scan("PNG", "#070707"),
        "z.png",
        form="zaswiadczenie-o-niezaleganiu/1",
        subject="",
        department="",
    )
    public_id = location.rsplit("/", 1)[1]
    with desk_services.sessions() as session:
        document = session.scalars(
            select(Document).where(Document.public_id == public_id)
        ).one()

    status, case_location = _open(
        fn_clerk, document, jrwa="3120", title="Zaświadczenie"
    )

    assert status == 303
    case = _case(desk_services, case_location.rsplit("/", 1)[1])
    assert case.deadline == case.started_on + timedelta(days=7)


def test_a_letter_without_a_catalog_form_keeps_the_kpa_month_review_f31(
    clerk: FlaskClient, desk_services: Services
) -> None:
    status, location = _open(clerk, paper_document(desk_services))

    assert status == 303
    case = _case(desk_services, location.rsplit("/", 1)[1])
    assert case.deadline == case.started_on + timedelta(days=30)


def test_a_waiting_question_shows_at_the_desk_and_moves_into_the_case_review_r7(
    clerk: FlaskClient, desk_services: Services
) -> None:
    document = paper_document(desk_services)
    with writing(desk_services.sessions) as session:
        found = session.get_one(Document, document.id)
        ask_before_case(
            session, found, "Kiedy odpowiedź?", "a@b.test", "pl", "http://127.0.0.1"
        )

    inbox = clerk.get("/desk/inbox").get_data(as_text=True)
    row = re.search(rf"{re.escape(document.registry_number)}.*?</tr>", inbox, re.S)
    page = clerk.get(f"/desk/documents/{document.public_id}").get_data(as_text=True)

    assert row and 'class="questions">1<' in row[0]
    assert 'id="waiting-questions"' in page and "Kiedy odpowiedź?" in page
    _status, location = _open(clerk, document)
    assert "Kiedy odpowiedź?" in clerk.get(location).get_data(as_text=True)


def test_a_remedy_request_from_the_desk_reaches_the_citizen_review_r7(
    head: FlaskClient, desk_services: Services
) -> None:
    _status, location = _open(head, paper_document(desk_services))
    number = location.rsplit("/", 1)[1]

    answer = head.post(
        f"{location}/status",
        data={
            "status": "awaiting-remedy",
            "note": "wewnętrzna",
            "remedy": "Prosimy o kopię aktu własności.",
        },
    )

    assert answer.status_code == 303
    with desk_services.sessions() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        link = session.scalars(
            select(CaseDocument).where(CaseDocument.case_id == case.id)
        ).one()
        view = citizen_view(session, session.get_one(Document, link.document_id))
    assert view.remedy is not None
    assert view.remedy.body == "Prosimy o kopię aktu własności."


def test_an_answer_after_the_remedy_request_stays_a_message_review2_s1(
    head: FlaskClient, desk_services: Services
) -> None:
    _status, location = _open(head, paper_document(desk_services))
    number = location.rsplit("/", 1)[1]
    head.post(
        f"{location}/status",
        data={"status": "awaiting-remedy", "remedy": "Prosimy o zgodę właściciela."},
    )

    answer = head.post(f"{location}/messages", data={"body": "Załatwimy w 30 dni."})

    assert answer.status_code == 303
    page = head.get(location + "?lang=en").get_data(as_text=True)
    with desk_services.sessions() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        link = session.scalars(
            select(CaseDocument).where(CaseDocument.case_id == case.id)
        ).one()
        view = citizen_view(session, session.get_one(Document, link.document_id))
    assert view.remedy is not None
    assert view.remedy.body == "Prosimy o zgodę właściciela."
    assert [m.body for m in view.messages][-1] == "Załatwimy w 30 dni."
    assert "remedy request by" in page and "answer by" in page


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("decide", {"decision": "Zameldowano\x00 na pobyt stały."}, "decision"),
        ("assign", {"assignee": "clerk2.so", "note": "Pil\x00ne."}, "assign-note"),
        ("status", {"status": "awaiting-remedy", "note": "Brak\x07 zdjęcia."}, None),
    ],
)
def test_a_control_character_in_a_desk_text_is_marked_and_the_text_kept_review_r10(
    head: FlaskClient,
    desk_services: Services,
    action: str,
    data: dict[str, str],
    field: str | None,
) -> None:
    _status, location = _open(head, paper_document(desk_services))
    number = location.rsplit("/", 1)[1]
    field = field or "status-note"

    answer = head.post(f"{location}/{action}", data=data)
    page = answer.get_data(as_text=True)
    typed = next(v for k, v in data.items() if k in {"decision", "note"})

    assert answer.status_code == 400
    box = re.search(rf'<textarea id="{field}"[^>]*>([^<]*)</textarea>', page)
    assert box is not None and 'aria-invalid="true"' in box.group(0)
    assert box.group(1).replace("\x00", "").replace("\x07", "") == typed.replace(
        "\x00", ""
    ).replace("\x07", "")
    assert f'id="{field}-error"' in page and "Usuń z tego pola znak sterujący" in page
    case = _case(desk_services, number)
    assert case.status == "open" and case.assignee_id is None, "nothing was written"


def test_a_nul_in_a_desk_form_field_that_is_no_text_is_a_plain_400(
    head: FlaskClient, desk_services: Services
) -> None:
    _status, location = _open(head, paper_document(desk_services))

    answer = head.post(f"{location}/assign", data={"assignee": "clerk2\x00.so"})

    assert answer.status_code == 400
