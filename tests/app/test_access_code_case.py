"""Access codes are taken in any letter case on every page (review F24)."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from app.registry.fields import same_access_code
from app.registry.queries import get_document_by_number
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import sample


def _upload(client: FlaskClient, citizen: XadesSigner) -> tuple[str, str, str]:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post(
        "/submit",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    path, code = str(answer.headers["Location"]).split("?code=")
    year, number = path.rsplit("/", 2)[-2:]
    return year, number, code


def test_lower_case_code_opens_the_portal_result_page(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    year, number, code = _upload(client, citizen)

    page = client.get(f"/submissions/{year}/{number}?code={code.lower()}")

    assert page.status_code == 200
    assert f"RPW/{number}/{year}" in page.get_data(as_text=True)


def test_lower_case_code_opens_api_receipt_status_and_proof(
    client: FlaskClient, citizen: XadesSigner, services: Services
) -> None:
    year, number, code = _upload(client, citizen)
    headers = {"X-Access-Code": code.lower()}
    with services.sessions() as session:
        document = get_document_by_number(session, f"RPW/{number}/{year}")
        assert document is not None
        public_id = document.public_id

    receipt = client.get(f"/api/v1/receipts/{year}/{number}", headers=headers)
    status = client.get(f"/api/v1/submissions/{public_id}", headers=headers)
    pdf = client.get(f"/api/v1/receipts/{year}/{number}.pdf", headers=headers)
    proof = client.get(f"/api/v1/receipts/{year}/{number}/proof", headers=headers)

    answers = [a.status_code for a in (receipt, status, pdf, proof)]
    assert answers == [200, 200, 200, 200]


def test_lower_case_code_works_on_the_check_page_too(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    year, number, code = _upload(client, citizen)

    page = client.post(
        "/check?lang=en",
        data={"by": "number", "number": f"RPW/{number}/{year}", "code": code.lower()},
    )

    assert page.status_code == 200


def test_wrong_code_in_any_case_is_still_refused(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    year, number, code = _upload(client, citizen)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")

    page = client.get(f"/submissions/{year}/{number}?code={wrong.lower()}")

    assert page.status_code == 404
    assert not same_access_code(code[:-1], code)
    assert not same_access_code("", code)
