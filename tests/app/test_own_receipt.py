"""The office's own sealed receipt sent back as an incoming letter is refused
(review F17): the registry must not show correspondence sealed by the office."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import sample

XML = {"Content-Type": "application/xml"}
PDF = {"Content-Type": "application/pdf"}


def _count(services: Services) -> int:
    from app.registry.queries import count_documents

    with services.sessions() as session:
        return count_documents(session)


def _registered(client: FlaskClient, citizen: XadesSigner) -> dict[str, str]:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post("/api/v1/submissions", data=signed, headers=XML)
    assert answer.status_code == 201, answer.get_json()
    body: dict[str, str] = answer.get_json()
    return body


@pytest.mark.parametrize(
    ("url_key", "headers"), [("receipt_url", XML), ("receipt_pdf_url", PDF)]
)
def test_the_offices_own_receipt_sent_back_is_refused_as_own_receipt(
    client: FlaskClient,
    citizen: XadesSigner,
    services: Services,
    url_key: str,
    headers: dict[str, str],
) -> None:
    receipt = client.get(_registered(client, citizen)[url_key]).data
    before = _count(services)

    answer = client.post("/api/v1/submissions", data=receipt, headers=headers)

    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["errors"][0]
    assert error["error"] == "own-receipt"
    assert "receipt" in error["message"]
    assert _count(services) == before


def test_the_offices_own_receipt_uploaded_on_the_portal_says_so_in_polish(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    from io import BytesIO

    receipt = client.get(_registered(client, citizen)["receipt_pdf_url"]).data
    answer = client.post(
        "/submit",
        data={"document": (BytesIO(receipt), "upo.pdf")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422
    assert "To jest potwierdzenie wydane przez urząd" in answer.get_data(as_text=True)
