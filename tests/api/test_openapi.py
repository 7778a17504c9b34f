"""The OpenAPI document stays true: routes, codes, real answers, the docs page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator

from app.api.clients import create_client
from app.api.openapi import document
from app.api.openapi_errors import (
    OPERATION_ERRORS,
    documented_codes,
    example_name,
    operation_errors,
)
from app.errors import ErrorCode
from app.notifications.sender import run_once
from app.services import Services
from signing.seal import XadesSigner
from tests.api.contract import (
    assert_valid,
    check_answer,
    documented_operations,
    flask_operations,
)
from tests.api.seeded import Seeded, seeded
from tests.app.conftest import sample
from tests.notifications.receiver import Receiver, free_port

__all__ = ["seeded"]

XML = {"Content-Type": "application/xml"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


@pytest.fixture()
def http(seeded: Seeded) -> FlaskClient:
    return seeded.app.test_client()


@pytest.fixture(scope="module")
def signer(seeded: Seeded) -> XadesSigner:
    services: Services = seeded.app.extensions["kancelaria"]
    assert services.demo is not None
    return XadesSigner.from_issued(services.demo.citizen)


def test_every_api_route_is_documented_and_every_documented_path_is_routed(
    seeded: Seeded, doc: dict[str, Any]
) -> None:
    routed = flask_operations(seeded.app)
    documented = documented_operations(doc)

    assert routed - documented == set(), "routes missing from the document"
    assert documented - routed == set(), "documented operations with no route"


def test_document_validates_as_openapi_3_1(doc: dict[str, Any]) -> None:
    errors = [error.message for error in OpenAPIV31SpecValidator(doc).iter_errors()]

    assert errors == []
    assert doc["openapi"].startswith("3.1.")


def test_served_document_is_the_built_document_as_json(
    http: FlaskClient, doc: dict[str, Any]
) -> None:
    answer = http.get("/api/v1/openapi.json")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.get_json() == json.loads(json.dumps(doc))


def test_error_code_enum_is_exactly_the_codes_the_server_knows(
    doc: dict[str, Any],
) -> None:
    enum = doc["components"]["schemas"]["ErrorCode"]["enum"]

    assert sorted(enum) == sorted(code.value for code in ErrorCode)


def test_every_error_code_has_an_example_and_an_operation_that_returns_it(
    doc: dict[str, Any],
) -> None:
    examples = doc["components"]["examples"]
    known = {code.value for code in ErrorCode}

    assert documented_codes() - known == set(), "table names codes ErrorCode lacks"
    assert known - documented_codes() == set(), "codes no operation returns"
    for code in known:
        example = examples[example_name(code)]
        assert example["value"]["errors"][0]["error"] == code
        assert example["x-returned-by"], code


def test_every_operation_lists_its_error_codes_with_example_refs(
    doc: dict[str, Any],
) -> None:
    operations = {
        item[method]["operationId"]: item[method]
        for item in doc["paths"].values()
        for method in item
    }

    assert set(operations) == set(OPERATION_ERRORS)
    for operation_id in OPERATION_ERRORS:
        responses = operations[operation_id]["responses"]
        table = operation_errors(operation_id)
        assert "bad-request" in table[400], operation_id
        for status, codes in table.items():
            examples = responses[str(status)]["content"]["application/json"]
            assert sorted(examples["examples"]) == sorted(codes), operation_id


def test_registered_submission_and_its_replay_match_the_201_schema(
    http: FlaskClient, signer: XadesSigner, doc: dict[str, Any]
) -> None:
    signed = signer.sign_enveloped(sample("pismo-ogolne"))
    headers = {**XML, "Idempotency-Key": "contract-201"}

    first = http.post("/api/v1/submissions", data=signed, headers=headers)
    again = http.post("/api/v1/submissions", data=signed, headers=headers)

    assert first.status_code == 201, first.get_json()
    check_answer(doc, first, "POST", "/submissions")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    check_answer(doc, again, "POST", "/submissions")


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"<a/>", {"Content-Type": "text/plain"}, 415),
        (b"%PDF-1.7", XML, 400),
        (b"<a><b></a>", XML, 400),
        (b"<a/>", XML, 422),
        (b"", XML, 400),
        (b"<a/>", {**XML, "Idempotency-Key": "bad key with spaces"}, 400),
        (b"<a/>", {**XML, "Authorization": "Bearer kan_nope"}, 401),
        (b"\x1f\x8b\x08\x00", {**XML, "Content-Encoding": "gzip"}, 415),
    ],
    ids=[
        "wrong-type",
        "not-xml",
        "malformed",
        "not-signed",
        "empty",
        "bad-key",
        "bad-credential",
        "gzipped",
    ],
)
def test_refused_submission_answer_matches_the_error_envelope(
    http: FlaskClient,
    doc: dict[str, Any],
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    answer = http.post("/api/v1/submissions", data=body, headers=headers)

    assert answer.status_code == status, answer.get_json()
    check_answer(doc, answer, "POST", "/submissions")


def test_reused_idempotency_key_answer_matches_the_409_schema(
    http: FlaskClient, signer: XadesSigner, doc: dict[str, Any]
) -> None:
    headers = {**XML, "Idempotency-Key": "contract-409"}
    first = signer.sign_enveloped(sample("zameldowanie"))
    other = signer.sign_enveloped(sample("zameldowanie"))

    http.post("/api/v1/submissions", data=first, headers=headers)
    answer = http.post("/api/v1/submissions", data=other, headers=headers)

    assert answer.status_code == 409
    check_answer(doc, answer, "POST", "/submissions")


def test_status_and_reports_by_code_and_by_key_match_their_schemas(
    http: FlaskClient, seeded: Seeded, doc: dict[str, Any]
) -> None:
    created = seeded.submission
    by_code = {"X-Access-Code": created["access_code"]}
    base = f"/api/v1/submissions/{created['id']}"
    cases = [
        (base, "/submissions/{id}"),
        (base + "/report", "/submissions/{id}/report"),
        (base + "/report.xml", "/submissions/{id}/report.xml"),
    ]

    for url, path in cases:
        for headers in (by_code, seeded.auth):
            answer = http.get(url, headers=headers)
            assert answer.status_code == 200, (url, answer.get_data())
            check_answer(doc, answer, "GET", path)

    hidden = http.get(base)
    assert hidden.status_code == 404
    check_answer(doc, hidden, "GET", "/submissions/{id}")


def test_client_listings_and_their_refusals_match_their_schemas(
    http: FlaskClient, seeded: Seeded, doc: dict[str, Any]
) -> None:
    listings = {"/submissions": "submissions", "/webhooks/deliveries": "deliveries"}
    for path, items in listings.items():
        listed = http.get("/api/v1" + path, headers=seeded.auth)
        assert listed.status_code == 200
        assert listed.get_json()[items], f"{path} listed nothing"
        check_answer(doc, listed, "GET", path)

        anonymous = http.get("/api/v1" + path)
        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        check_answer(doc, anonymous, "GET", path)

        bad_cursor = http.get("/api/v1" + path + "?cursor=zz", headers=seeded.auth)
        assert bad_cursor.status_code == 400
        check_answer(doc, bad_cursor, "GET", path)


def test_rate_limited_client_answer_matches_the_429_schema(
    http: FlaskClient, seeded: Seeded, doc: dict[str, Any]
) -> None:
    services: Services = seeded.app.extensions["kancelaria"]
    with services.sessions() as session:
        issued = create_client(session, "Platforma wolna", rate_limit="1/minute")
    auth = {"Authorization": f"Bearer {issued.key}"}

    http.get("/api/v1/submissions", headers=auth)
    answer = http.get("/api/v1/submissions", headers=auth)

    assert answer.status_code == 429
    check_answer(doc, answer, "GET", "/submissions")


def test_receipt_check_and_receipt_routes_match_their_schemas(
    http: FlaskClient, seeded: Seeded, doc: dict[str, Any]
) -> None:
    created = seeded.submission
    code = {"X-Access-Code": created["access_code"]}
    _, sequence, year = created["registry_number"].split("/")
    base = f"/api/v1/receipts/{year}/{sequence}"

    receipt = http.get(base, headers=code)
    check_answer(doc, receipt, "GET", "/receipts/{year}/{sequence}")
    verdict = http.post("/api/v1/receipts/check", data=receipt.data, headers=XML)
    assert verdict.get_json()["genuine"] is True
    check_answer(doc, verdict, "POST", "/receipts/check")
    proof = http.get(base + "/proof", headers=code)
    check_answer(doc, proof, "GET", "/receipts/{year}/{sequence}/proof")
    pdf = http.get(base + ".pdf", headers=code)
    check_answer(doc, pdf, "GET", "/receipts/{year}/{sequence}.pdf")


def test_receipt_with_wrong_code_and_forged_receipt_match_documented_errors(
    http: FlaskClient, doc: dict[str, Any]
) -> None:
    missing = http.get("/api/v1/receipts/2024/1?code=nope")
    check_answer(doc, missing, "GET", "/receipts/{year}/{sequence}")
    assert missing.status_code == 404

    forged = http.post("/api/v1/receipts/check", data=b"<a/>", headers=XML)
    check_answer(doc, forged, "POST", "/receipts/check")
    assert forged.status_code == 422


def test_forms_and_trust_bundle_match_their_schemas(
    http: FlaskClient, doc: dict[str, Any]
) -> None:
    check_answer(doc, http.get("/api/v1/forms"), "GET", "/forms")
    trust = http.get("/api/v1/office/trust.pem")
    check_answer(doc, trust, "GET", "/office/trust.pem")


def test_delivered_webhook_matches_its_documented_headers_and_body(
    seeded: Seeded, signer: XadesSigner, doc: dict[str, Any]
) -> None:
    services: Services = seeded.app.extensions["kancelaria"]
    receiver = Receiver(free_port()).start()
    try:
        with services.sessions() as session:
            issued = create_client(
                session,
                "Platforma z odbiornikiem",
                rate_limit="100/minute",
                webhook_url=receiver.url,
                private_targets=True,
            )
        headers = {**XML, "Authorization": f"Bearer {issued.key}"}
        signed = signer.sign_enveloped(sample("pismo-ogolne"))
        seeded.app.test_client().post(
            "/api/v1/submissions", data=signed, headers=headers
        )
        run_once(services)
        [received] = receiver.wait_for(1)
    finally:
        receiver.stop()

    webhook = doc["webhooks"][received.headers["Kancelaria-Event"]]["post"]
    for parameter in webhook["parameters"]:
        value = received.headers[parameter["name"]]
        assert_valid(doc, parameter["schema"], value)

    body = webhook["requestBody"]["content"]["application/json"]["schema"]
    assert_valid(doc, body, json.loads(received.body))


def test_docs_page_renders_every_operation_and_code_from_our_own_files(
    http: FlaskClient, doc: dict[str, Any]
) -> None:
    page = http.get("/api/docs")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for item in [*doc["paths"].values(), *doc["webhooks"].values()]:
        for operation in item.values():
            assert f'id="{operation["operationId"]}"' in html

    for code in ErrorCode:
        assert f'id="error-{code.value}"' in html

    assert "<script" not in html
    assert 'src="http' not in html
    assert 'href="http' not in html
