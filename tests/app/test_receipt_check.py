"""Receipt check: genuine and matching, forged, altered, or not ours."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from lxml import etree

from signing.pki import make_root, make_seal
from signing.seal import XadesSigner
from tests.app.conftest import sample
from tests.receipt_doctoring import split_indication, wrap_fake_receipt

XML = {"Content-Type": "application/xml"}
RNS = "urn:kancelaria:receipt:1"


def _receipt(client: FlaskClient, citizen: XadesSigner) -> bytes:
    signed = citizen.sign_enveloped(sample("zaswiadczenie-o-niezaleganiu"))
    body = client.post("/api/v1/submissions", data=signed, headers=XML).get_json()
    data: bytes = client.get(body["receipt_url"]).data
    return data


def _check(client: FlaskClient, receipt: bytes) -> dict[str, object]:
    answer = client.post("/api/v1/receipts/check", data=receipt, headers=XML)
    assert answer.status_code == 200, answer.get_json()
    result: dict[str, object] = answer.get_json()
    return result


def test_issued_receipt_is_genuine_and_matches_registry(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    receipt = _receipt(client, citizen)

    verdict = _check(client, receipt)

    assert verdict["genuine"] is True
    assert verdict["matches_registry"] is True
    assert str(verdict["registry_number"]).startswith("RPW/")


def test_receipt_with_altered_hash_is_not_genuine(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    receipt = _receipt(client, citizen)
    tree = etree.fromstring(receipt)
    node = tree.find(f"{{{RNS}}}Document/{{{RNS}}}SHA256")
    assert node is not None and node.text
    node.text = ("0" if node.text[0] != "0" else "1") + node.text[1:]

    verdict = _check(client, etree.tostring(tree))

    assert verdict["genuine"] is False
    assert verdict["matches_registry"] is False


def test_receipt_resealed_with_a_foreign_seal_is_not_genuine(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    receipt = _receipt(client, citizen)
    tree = etree.fromstring(receipt)
    old = tree.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    assert old is not None
    tree.remove(old)
    forger_root = make_root("Forger Root")
    forger = make_seal(forger_root, office_name="Urząd Fałszywy", nip="1234563218")

    forged = XadesSigner.from_issued(forger).sign_enveloped(tree)
    verdict = _check(client, forged)

    assert verdict["genuine"] is False
    assert verdict["matches_registry"] is False


def test_check_page_says_genuine_for_an_issued_receipt(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    receipt = _receipt(client, citizen)

    page = client.post(
        "/check?lang=en",
        data={"receipt": (io.BytesIO(receipt), "upo.xml")},
        content_type="multipart/form-data",
    )

    assert page.status_code == 200
    assert b"The receipt is genuine" in page.data
    assert b"holds this document with the same facts" in page.data


def test_a_signed_form_is_not_a_receipt(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))

    answer = client.post("/api/v1/receipts/check", data=signed, headers=XML)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "not-a-receipt"


def test_issued_receipt_is_valid_against_our_receipt_schema(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    from pathlib import Path

    import xmlschema

    xsd = Path(__file__).resolve().parents[2] / "schemas" / "receipt.xsd"
    schema = xmlschema.XMLSchema(str(xsd), allow="sandbox", defuse="always")
    receipt = _receipt(client, citizen)

    schema.validate(xmlschema.XMLResource(receipt, allow="none"))
    tree = etree.fromstring(receipt)
    assert tree.findtext(f"{{{RNS}}}Validation/{{{RNS}}}SchemaValid") == "true"


def test_schema_invalid_form_is_registered_and_its_receipt_says_so(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    broken = sample("pismo-ogolne").replace(
        b"<PESEL>44051401458</PESEL>", b"<PESEL>123</PESEL>"
    )
    signed = citizen.sign_enveloped(broken)

    body = client.post("/api/v1/submissions", data=signed, headers=XML).get_json()
    receipt = etree.fromstring(client.get(body["receipt_url"]).data)

    assert body["indication"] == "TOTAL_PASSED"
    assert receipt.findtext(f"{{{RNS}}}Validation/{{{RNS}}}SchemaValid") == "false"


def test_a_look_alike_receipt_in_an_extra_object_is_refused_review_r5(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    wrapped = wrap_fake_receipt(_receipt(client, citizen))

    answer = client.post("/api/v1/receipts/check", data=wrapped, headers=XML)
    page = client.post(
        "/check?lang=en",
        data={"receipt": (io.BytesIO(wrapped), "upo.xml")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"
    assert page.status_code == 422
    assert b"The receipt is genuine" not in page.data
    assert b"outside what its signature covers" in page.data


def test_a_comment_inside_a_signed_value_is_refused_review_r5(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    # C14N drops comments, so the seal holds; a reader would see two texts.
    commented = split_indication(_receipt(client, citizen))

    answer = client.post("/api/v1/receipts/check", data=commented, headers=XML)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"


def test_a_file_that_is_not_xml_is_named_so_at_the_receipt_check(
    client: FlaskClient,
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    api = client.post("/api/v1/receipts/check", data=png, headers=XML)
    pages = {
        lang: client.post(
            f"/check?lang={lang}",
            data={"receipt": (io.BytesIO(png), "upo.xml")},
            content_type="multipart/form-data",
        )
        for lang in ("en", "pl")
    }

    refusal = api.get_json()["errors"][0]
    assert api.status_code == 400 and refusal["error"] == "not-xml"
    assert refusal["message"] == (
        "The file is not XML, and a receipt is an XML file sealed by the office."
    )
    assert "PDF" not in refusal["message"]
    english = pages["en"].get_data(as_text=True)
    assert pages["en"].status_code == 400
    assert "a receipt is an XML file sealed by the office" in english
    assert "not well-formed" not in english and "we take in" not in english
    assert "potwierdzenie jest plikiem XML" in pages["pl"].get_data(as_text=True)


def test_a_submission_that_is_not_xml_names_what_is_taken_in(
    client: FlaskClient,
) -> None:
    answer = client.post("/api/v1/submissions", data=b"plain text", headers=XML)

    refusal = answer.get_json()["errors"][0]
    assert answer.status_code == 400 and refusal["error"] == "not-xml"
    assert "neither XML nor any other kind we take in" in refusal["message"]
    assert "receipt" not in refusal["message"]
