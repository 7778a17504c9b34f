"""The code printed on a form filled in on the portal links the paper to its draft."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.drafts import format_code, save_draft
from app.registry.models import Document
from app.services import Services
from tests.desk.conftest import register_paper, scan, sign_in

SAMPLE = Path(__file__).resolve().parents[2] / "forms/zameldowanie/1/sample.xml"


@pytest.fixture
def front(desk_app: Flask) -> FlaskClient:
    client = desk_app.test_client()
    sign_in(client, "desk.so")
    return client


def _draft_code(services: Services) -> str:
    with services.sessions() as session:
        return save_draft(session, "zameldowanie", "1", SAMPLE.read_bytes()).code


def test_the_draft_code_brings_its_form_and_keeps_the_filled_xml(
    front: FlaskClient, desk_app: Flask, desk_services: Services
) -> None:
    code = _draft_code(desk_services)
    typed = format_code(code).lower()  # as a person might type it

    status, location, _page = register_paper(
        front, scan("PNG", "#334455"), "s.png", draft=typed, subject="", department=""
    )

    assert status == 303
    public_id = location.rsplit("/", 1)[1]
    with desk_services.sessions() as session:
        document = session.scalars(
            select(Document).where(Document.public_id == public_id)
        ).one()
    assert (document.form_id, document.department) == ("zameldowanie", "SO")
    linked = json.loads(document.report_json)["paper"]["draft"]
    assert linked["code"] == code

    clerk = desk_app.test_client()
    sign_in(clerk, "clerk.so")
    page = clerk.get(f"/desk/documents/{public_id}").get_data(as_text=True)
    assert code in page
    draft = clerk.get(f"/desk/documents/{public_id}/draft")
    assert draft.data == SAMPLE.read_bytes()
    draft.close()


@pytest.mark.parametrize("typed", ["ABCDE-FGHJK", "22222-22223", "nonsense"])
def test_an_unknown_code_is_refused_and_nothing_registered(
    front: FlaskClient, desk_services: Services, typed: str
) -> None:
    with desk_services.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Document))

    status, _location, page = register_paper(
        front, scan("PNG", "#334466"), "s.png", draft=typed
    )

    assert status == 400
    assert "Nie ma formularza wypełnionego z tym kodem" in page
    with desk_services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == before


def test_a_draft_code_already_registered_asks_to_confirm_review_f23(
    front: FlaskClient, desk_services: Services
) -> None:
    code = _draft_code(desk_services)
    first, location, _page = register_paper(
        front, scan("PNG", "#343536"), "a.png", draft=code, subject="", department=""
    )
    with desk_services.sessions() as session:
        number = session.scalars(
            select(Document.registry_number).where(
                Document.public_id == location.rsplit("/", 1)[1]
            )
        ).one()
    before = _documents(desk_services)

    again, _location, page = register_paper(
        front, scan("PNG", "#373839"), "b.png", draft=code, subject="", department=""
    )

    assert first == 303
    assert again == 409
    assert f"zarejestrowany jako {number}" in page
    assert 'name="again"' in page
    assert _documents(desk_services) == before

    confirmed, _location, _page = register_paper(
        front,
        scan("PNG", "#3a3b3c"),
        "c.png",
        draft=code,
        subject="",
        department="",
        again="on",
    )
    assert confirmed == 303
    assert _documents(desk_services) == before + 1


def test_the_desk_says_which_conflicting_fields_it_used_review_f23(
    front: FlaskClient, desk_services: Services
) -> None:
    code = _draft_code(desk_services)

    status, location, _page = register_paper(
        front,
        scan("PNG", "#3d3e3f"),
        "d.png",
        draft=code,
        form="pismo-ogolne/1",
        department="FN",
    )
    page = front.get(location).get_data(as_text=True)

    assert status == 303
    assert "Formularz wzięto z kodu (zameldowanie), nie z listy." in page
    assert "Użyto wybranego wydziału (FN), nie wydziału formularza (SO)." in page


def _documents(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0
