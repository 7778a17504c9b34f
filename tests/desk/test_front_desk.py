"""Front desk: paper registered through intake's scan path, receipts printed."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
import xmlschema
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.cases import writing
from app.cases.accounts import add_department, find_department
from app.registry.journal import verify_chain
from app.registry.models import Document, Receipt
from app.services import Services
from tests.desk.conftest import DETAILS, register_paper, scan, sign_in

ROOT = Path(__file__).resolve().parents[2]
RECEIPT_XSD = ROOT / "schemas" / "receipt.xsd"


@pytest.fixture
def front(desk_app: Flask) -> FlaskClient:
    """The front desk of SO, signed in."""
    client = desk_app.test_client()
    sign_in(client, "desk.so")
    return client


def _document(services: Services, location: str) -> Document:
    public_id = location.rstrip("/").rsplit("/", 1)[1]
    with services.sessions() as session:
        return session.scalars(
            select(Document).where(Document.public_id == public_id)
        ).one()


def _count(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


@pytest.mark.parametrize(
    ("kind", "media_type"),
    [
        ("PDF", "application/pdf"),
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("TIFF", "image/tiff"),
    ],
)
def test_each_scan_kind_is_registered_with_the_type_its_bytes_show(
    front: FlaskClient, desk_services: Services, kind: str, media_type: str
) -> None:
    # The file name lies on purpose: only the bytes count.
    status, location, _page = register_paper(front, scan(kind, "#fafafa"), "scan.bin")

    assert status == 303
    document = _document(desk_services, location)
    assert document.media_type == media_type
    assert document.channel == "desk"
    assert document.department == "FN"
    assert document.status == "registered"
    assert document.sender == DETAILS["sender"]
    paper = json.loads(document.report_json)["paper"]
    assert paper == {
        "arrival": "post",
        "pages": 3,
        "attachments": 2,
        "subject": DETAILS["subject"],
        "form": None,
    }


def test_the_receipt_is_sealed_valid_and_printable(
    front: FlaskClient, desk_services: Services
) -> None:
    _status, location, _page = register_paper(front, scan("PNG", "#f0f0f0"), "a.png")
    page = front.get(location).get_data(as_text=True)
    document = _document(desk_services, location)

    assert document.registry_number in page and document.access_code in page
    pdf = front.get(location + "/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    with desk_services.sessions() as session:
        receipt = session.scalars(
            select(Receipt).where(Receipt.document_id == document.id)
        ).one()
        assert verify_chain(session) == []

    xmlschema.XMLSchema(RECEIPT_XSD).validate(BytesIO(receipt.xml))
    assert b"<Channel>desk</Channel>" in receipt.xml


def test_a_form_chosen_sets_its_department(
    front: FlaskClient, desk_services: Services
) -> None:
    status, location, _page = register_paper(
        front,
        scan("PNG", "#e0e0e0"),
        "z.png",
        form="zameldowanie/1",
        subject="",
        department="",
    )

    assert status == 303
    document = _document(desk_services, location)
    assert (document.form_id, document.department) == ("zameldowanie", "SO")


@pytest.mark.parametrize(
    ("data", "changes", "words"),
    [
        (b"hello, not an image", {}, "PDF, JPEG, PNG albo TIFF"),
        (b'<?xml version="1.0"?><a/>', {}, "PDF, JPEG, PNG albo TIFF"),
        (None, {"sender": "  "}, "Podaj nadawcę"),
        (None, {"pages": "0"}, "liczbę stron"),
        (None, {"pages": "two"}, "liczbę stron"),
        (None, {"attachments": "-1"}, "liczbę załączników"),
        (None, {"arrival": "pigeon"}, "osobiście czy pocztą"),
        (None, {"subject": ""}, "Podaj sprawę"),
        (None, {"department": "fn; drop"}, "Wybierz wydział"),
        (None, {"department": "XX"}, "Wybierz wydział"),
        (None, {"form": "no-such-form/9"}, "Wybierz formularz"),
    ],
    ids=[
        "text",
        "xml",
        "no-sender",
        "no-pages",
        "pages-word",
        "negative-attachments",
        "bad-arrival",
        "no-subject-no-form",
        "bad-department",
        "department-that-does-not-exist-review-F8",
        "unknown-form",
    ],
)
def test_bad_paper_is_refused_and_nothing_is_registered(
    front: FlaskClient,
    desk_services: Services,
    data: bytes | None,
    changes: dict[str, str],
    words: str,
) -> None:
    before = _count(desk_services)
    blobs = sorted(desk_services.settings.blob_dir.rglob("*"))

    status, _location, page = register_paper(
        front, data or scan("PNG", "#123456"), "x.png", **changes
    )

    assert status == 400
    assert words in page
    assert re.search(r'role="alert"', page)
    assert _count(desk_services) == before
    assert sorted(desk_services.settings.blob_dir.rglob("*")) == blobs


def test_paper_for_an_inactive_department_is_refused_review_f8(
    front: FlaskClient, desk_services: Services
) -> None:
    with writing(desk_services.sessions) as session:
        if find_department(session, "ZAM") is None:
            add_department(session, "ZAM", "Wydział zamknięty", "Closed").active = False
    before = _count(desk_services)
    blobs = sorted(desk_services.settings.blob_dir.rglob("*"))

    status, _location, page = register_paper(
        front, scan("PNG", "#654321"), "x.png", department="ZAM"
    )

    assert status == 400
    assert "Wybierz wydział" in page
    assert _count(desk_services) == before
    assert sorted(desk_services.settings.blob_dir.rglob("*")) == blobs


def test_a_receipt_is_printed_only_where_the_paper_was_registered(
    front: FlaskClient, desk_app: Flask
) -> None:
    _status, location, _page = register_paper(front, scan("PNG", "#abcdef"), "r.png")
    other_desk = desk_app.test_client()
    sign_in(other_desk, "desk.fn")

    assert other_desk.get(location).status_code == 404
    assert other_desk.get(location + "/receipt.pdf").status_code == 404


@pytest.mark.parametrize(
    ("extra", "keeps_details"),
    [(1, True), (256 * 1024, False)],
    ids=["just-over-the-limit", "body-over-the-request-limit"],
)
def test_an_over_large_scan_shows_the_form_again_with_the_limit_review_f12(
    front: FlaskClient, desk_services: Services, extra: int, keeps_details: bool
) -> None:
    before = _count(desk_services)
    limit = desk_services.settings.max_upload_bytes
    big = scan("PNG", "#0c0c0c") + b"\0" * (limit + extra)

    status, page = _post_multipart(front, {**DETAILS}, big)

    assert status == 413
    assert "Skan jest większy niż 10 MB" in page
    assert 'name="sender"' in page and 'role="alert"' in page
    assert (DETAILS["sender"] in page) == keeps_details
    assert _count(desk_services) == before


def _post_multipart(
    client: FlaskClient, fields: dict[str, str], data: bytes
) -> tuple[int, str]:
    """Post the form as one bytes body (no temporary file on the test side)."""
    boundary = "kancelaria-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="scan"; '
        'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = client.post(
        "/desk/paper",
        data=b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    return answer.status_code, answer.get_data(as_text=True)


def test_a_page_count_over_ten_thousand_says_the_upper_limit_review_f12(
    front: FlaskClient,
) -> None:
    status, _location, page = register_paper(
        front, scan("PNG", "#0d0d0d"), "p.png", pages="99999999999999999999"
    )

    assert status == 400
    assert "od 1 do 10000" in page
