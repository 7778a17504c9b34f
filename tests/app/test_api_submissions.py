"""POST /api/v1/submissions: registered with a sealed receipt, or refused."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask.testing import FlaskClient
from lxml import etree

from app.services import Services
from signing.pki import make_citizen, make_root
from signing.seal import XadesSigner
from tests.app.conftest import sample

XML = {"Content-Type": "application/xml"}
FORM_IDS = ["pismo-ogolne", "zaswiadczenie-o-niezaleganiu", "zameldowanie"]
NUMBER = re.compile(r"^RPW/(\d+)/(\d{4})$")


def post(client: FlaskClient, body: bytes, headers: dict[str, str] | None = None):
    return client.post("/api/v1/submissions", data=body, headers=headers or XML)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_signed_sample_is_registered_with_passed_indication(
    client: FlaskClient, citizen: XadesSigner, form_id: str
) -> None:
    signed = citizen.sign_enveloped(sample(form_id))

    answer = post(client, signed)

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert NUMBER.match(body["registry_number"])
    assert body["indication"] == "TOTAL_PASSED"
    assert body["form"]["id"] == form_id
    assert body["sha256"] == hashlib.sha256(signed).hexdigest()
    assert answer.headers["Location"] == body["status_url"]


def test_registry_numbers_follow_each_other_without_gaps(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))

    numbers = [post(client, signed).get_json()["registry_number"] for _ in range(3)]

    sequences = [int(NUMBER.match(n).group(1)) for n in numbers]  # type: ignore[union-attr]
    assert sequences == list(range(sequences[0], sequences[0] + 3))


def test_receipt_is_sealed_and_names_the_exact_bytes_received(
    client: FlaskClient, citizen: XadesSigner, services: Services
) -> None:
    signed = citizen.sign_enveloped(sample("zameldowanie"))
    body = post(client, signed).get_json()

    receipt = client.get(body["receipt_url"])

    assert receipt.status_code == 200
    tree = etree.fromstring(receipt.data)
    ns = {"r": "urn:kancelaria:receipt:1"}
    assert tree.findtext("r:RegistryNumber", namespaces=ns) == body["registry_number"]
    assert tree.findtext("r:Document/r:SHA256", namespaces=ns) == body["sha256"]
    assert tree.findtext("r:Validation/r:Indication", namespaces=ns) == "TOTAL_PASSED"
    assert tree.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is not None
    with services.blobs.open(body["sha256"]) as blob:
        assert blob.read() == signed


def test_receipt_needs_the_access_code(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    body = post(client, citizen.sign_enveloped(sample("pismo-ogolne"))).get_json()
    bare = body["receipt_url"].split("?")[0]

    assert client.get(bare).status_code == 404
    assert client.get(bare + "?code=WRONGCODE").status_code == 404


def test_tampered_document_is_registered_as_total_failed(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    tampered = signed.replace(b"Testowo", b"Zmienione", 1)
    assert tampered != signed

    answer = post(client, tampered)

    assert answer.status_code == 201
    assert answer.get_json()["indication"] == "TOTAL_FAILED"
    assert answer.get_json()["subindication"] == "HASH_FAILURE"


def test_signature_from_untrusted_pki_is_registered_as_indeterminate(
    client: FlaskClient,
) -> None:
    stranger_root = make_root("Obcy Root CA")
    stranger = make_citizen(
        stranger_root, given_name="Anna", surname="Obca", pesel="44051401458"
    )
    signed = XadesSigner.from_issued(stranger).sign_enveloped(sample("pismo-ogolne"))

    answer = post(client, signed)
    receipt = etree.fromstring(client.get(answer.get_json()["receipt_url"]).data)

    assert answer.status_code == 201
    assert answer.get_json()["indication"] == "INDETERMINATE"
    assert answer.get_json()["subindication"] == "NO_CERTIFICATE_CHAIN_FOUND"
    ns = {"r": "urn:kancelaria:receipt:1"}
    assert receipt.findtext("r:Signer/r:IdentityConfirmed", namespaces=ns) == "false"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"%PDF-1.7\n...", 400, "malformed-pdf"),
        (b"<a><b></a>", 400, "malformed-xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
            400,
            "forbidden-xml",
        ),
        (b"", 400, "empty-body"),
    ],
    ids=["pdf", "malformed", "dtd", "empty"],
)
def test_bodies_that_are_not_documents_are_refused_with_a_code(
    client: FlaskClient, body: bytes, status: int, code: str
) -> None:
    answer = post(client, body)

    assert answer.status_code == status
    assert answer.get_json()["errors"][0]["error"] == code
    assert answer.get_json()["errors"][0]["message"]


def test_unsigned_form_is_refused_as_not_signed(client: FlaskClient) -> None:
    answer = post(client, sample("pismo-ogolne"))

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "not-signed"


def test_signed_document_of_no_known_form_is_refused(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(b"<list xmlns='urn:example:other'><i>1</i></list>")

    answer = post(client, signed)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "unknown-form"


def test_wrong_content_type_is_refused(client: FlaskClient) -> None:
    answer = post(client, b"<a/>", {"Content-Type": "text/plain"})

    assert answer.status_code == 415
    assert answer.get_json()["errors"][0]["error"] == "unsupported-media-type"


def test_body_over_the_limit_is_refused_and_nothing_registered(
    client: FlaskClient, services: Services
) -> None:
    limit = services.settings.max_upload_bytes
    before = _count(services)

    answer = post(client, b"<a>" + b"x" * (limit + 1) + b"</a>")

    assert answer.status_code == 413
    assert answer.get_json()["errors"][0]["error"] == "too-large"
    assert _count(services) == before


def test_refused_bodies_leave_no_registry_row(
    client: FlaskClient, services: Services
) -> None:
    before = _count(services)

    post(client, b"<a><b></a>")
    post(client, sample("pismo-ogolne"))

    assert _count(services) == before


def test_forms_are_listed_with_their_files(client: FlaskClient) -> None:
    forms = client.get("/api/v1/forms").get_json()["forms"]

    assert {f["id"] for f in forms} == set(FORM_IDS)
    for form in forms:
        with client.get(form["schema_url"]) as schema:
            assert schema.status_code == 200
            assert b"schema" in schema.data


def test_unknown_api_path_answers_with_the_envelope(client: FlaskClient) -> None:
    answer = client.get("/api/v1/nothing-here")

    assert answer.status_code == 404
    assert answer.get_json()["errors"][0]["error"] == "not-found"


def _count(services: Services) -> int:
    from app.registry.queries import count_documents

    with services.sessions() as session:
        return count_documents(session)


def test_method_not_allowed_names_the_allowed_methods(client: FlaskClient) -> None:
    answer = client.delete("/api/v1/forms")

    assert answer.status_code == 405
    assert answer.get_json()["errors"][0]["error"] == "method-not-allowed"
    assert "GET" in answer.headers["Allow"]
