"""The desk's main path over HTTP: sign in, register paper, open, assign, decide."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.services import Services
from tests.desk.conftest import paper_document, scan, sign_in


def test_register_paper_then_open_assign_and_decide(
    desk_app: Flask, desk_services: Services
) -> None:
    front = desk_app.test_client()
    sign_in(front, "desk.so")
    answer = front.post(
        "/desk/paper",
        data={
            "scan": (__import__("io").BytesIO(scan("JPEG")), "skan.jpg"),
            "sender": "Anna Testowa",
            "subject": "Wniosek o zameldowanie",
            "department": "SO",
            "pages": "2",
            "attachments": "1",
            "arrival": "in-person",
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = front.get(answer.headers["Location"]).get_data(as_text=True)
    number = re.search(r'id="registry-number">([^<]+)<', page)
    assert number is not None
    receipt = front.get(answer.headers["Location"] + "/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF-")

    head = desk_app.test_client()
    sign_in(head, "head.so")
    inbox = head.get("/desk/inbox").get_data(as_text=True)
    assert number.group(1) in inbox


def test_smoke(http: FlaskClient, desk_services: Services) -> None:
    document = paper_document(desk_services)
    sign_in(http, "clerk.so")
    assert http.get(f"/desk/documents/{document.public_id}").status_code == 200
