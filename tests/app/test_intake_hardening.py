"""Wrapping, broken uploads and other inputs a hostile or clumsy sender makes."""

from __future__ import annotations

import copy
import io

import pytest
from flask.testing import FlaskClient
from lxml import etree
from signxml import XMLSigner, methods

from app.services import Services
from signing.pki import Issued
from signing.seal import XadesSigner
from tests.app.conftest import sample

XML = {"Content-Type": "application/xml"}
NS = "urn:kancelaria:forms:pismo-ogolne:1"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"


def _form(subject: str, form_id: str = "pismo") -> etree._Element:
    root = etree.fromstring(sample("pismo-ogolne"))
    root.set("Id", form_id)
    temat = root.find(f"{{{NS}}}Tresc/{{{NS}}}Temat")
    assert temat is not None
    temat.text = subject
    return root


def _xmldsig(method: methods, citizen: Issued) -> XMLSigner:
    # signxml as an outside producer: it signs with any key usage.
    del citizen
    return XMLSigner(
        method=method,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=EXC,
    )


def _pem(issued: Issued) -> tuple[bytes, list[str]]:
    from cryptography.hazmat.primitives import serialization

    key = issued.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certs = [
        c.public_bytes(serialization.Encoding.PEM).decode()
        for c in (issued.certificate, *issued.chain)
    ]
    return key, certs


@pytest.fixture(scope="module")
def demo_citizen(services: Services) -> Issued:
    assert services.demo is not None
    return services.demo.citizen


@pytest.fixture(scope="module")
def enveloping(demo_citizen: Issued) -> etree._Element:
    key, certs = _pem(demo_citizen)
    signer = _xmldsig(methods.enveloping, demo_citizen)
    signed: etree._Element = signer.sign(_form("Prośba o ławkę"), key=key, cert=certs)
    return signed


@pytest.fixture(scope="module")
def wrapper(demo_citizen: Issued) -> etree._Element:
    key, certs = _pem(demo_citizen)
    root = etree.Element(
        "{urn:example:wrapper}Paczka", nsmap={None: "urn:example:wrapper"}
    )
    root.append(_form("Prośba o ławkę"))
    signer = _xmldsig(methods.detached, demo_citizen)
    root.append(signer.sign(root, key=key, cert=certs, reference_uri="#pismo"))
    return root


def _post(client: FlaskClient, element: etree._Element):  # type: ignore[no-untyped-def]
    body = etree.tostring(element, xml_declaration=True, encoding="UTF-8")
    return client.post("/api/v1/submissions", data=body, headers=XML)


def test_enveloping_signature_over_the_form_is_taken_in(
    client: FlaskClient, enveloping: etree._Element
) -> None:
    answer = _post(client, enveloping)

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["indication"] == "TOTAL_PASSED"


def test_unsigned_form_wrapping_a_signed_one_is_refused(
    client: FlaskClient, enveloping: etree._Element, services: Services
) -> None:
    evil = _form("ATAK: podmieniona treść", form_id="evil")
    evil.append(copy.deepcopy(enveloping))
    before = _count(services)

    answer = _post(client, evil)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"
    assert _count(services) == before


def test_second_unsigned_object_in_an_enveloping_signature_is_refused(
    client: FlaskClient, enveloping: etree._Element
) -> None:
    evil = copy.deepcopy(enveloping)
    extra = etree.SubElement(evil, "{http://www.w3.org/2000/09/xmldsig#}Object")
    extra.append(_form("ATAK: niepodpisany", form_id="drugi"))

    answer = _post(client, evil)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"


@pytest.mark.parametrize("where", ["before", "after"])
def test_unsigned_form_beside_a_signed_one_in_a_wrapper_is_refused(
    client: FlaskClient, wrapper: etree._Element, where: str
) -> None:
    evil = copy.deepcopy(wrapper)
    extra = _form("ATAK: drugi formularz", form_id="drugi")
    if where == "before":
        evil.insert(0, extra)
    else:
        evil.append(extra)

    answer = _post(client, evil)

    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"


def test_upload_shorter_than_announced_is_refused_and_not_registered(
    client: FlaskClient, services: Services
) -> None:
    assert services.demo is not None
    from signing.seal import XadesSigner

    signed = XadesSigner.from_issued(services.demo.citizen).sign_enveloped(
        sample("pismo-ogolne")
    )
    before = _count(services)

    # gunicorn marks its input terminated: the app must compare the length itself.
    answer = client.post(
        "/api/v1/submissions",
        input_stream=io.BytesIO(signed),
        headers=XML,
        environ_overrides={
            "CONTENT_LENGTH": str(len(signed) + 3000),
            "wsgi.input_terminated": True,
        },
    )

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["error"] == "incomplete-body"
    assert _count(services) == before


def test_utf16_document_is_taken_in(client: FlaskClient, services: Services) -> None:
    assert services.demo is not None
    from signing.seal import XadesSigner

    signed = XadesSigner.from_issued(services.demo.citizen).sign_enveloped(
        sample("zameldowanie")
    )
    text = signed.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    if not text.startswith("<?xml"):
        text = '<?xml version="1.0" encoding="UTF-16"?>\n' + text

    answer = client.post("/api/v1/submissions", data=text.encode("utf-16"), headers=XML)

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["indication"] == "TOTAL_PASSED"


def test_head_of_the_upload_and_check_pages_answers_200(client: FlaskClient) -> None:
    assert client.head("/submit").status_code == 200
    assert client.head("/check").status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"plain text", "not-xml"), (b"<a><b></a>", "malformed-xml")],
)
def test_receipt_check_refuses_non_documents_with_a_400(
    client: FlaskClient, body: bytes, code: str
) -> None:
    answer = client.post("/api/v1/receipts/check", data=body, headers=XML)

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["error"] == code


def test_polish_page_explains_a_refusal_in_polish(client: FlaskClient) -> None:
    answer = client.post(
        "/submit?lang=pl",
        data={"document": (io.BytesIO(b"not xml at all"), "x.xml")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 400
    assert "nie jest ani dokumentem XML" in answer.get_data(as_text=True)


def _count(services: Services) -> int:
    from app.registry.queries import count_documents

    with services.sessions() as session:
        return count_documents(session)


# Review F13: what an enveloped signature (Reference URI="") leaves unsigned.
def _enveloped(citizen: XadesSigner) -> bytes:
    return citizen.sign_enveloped(sample("pismo-ogolne"))


def _inject_before(signed: bytes, marker: bytes, extra: bytes) -> bytes:
    at = signed.rindex(marker)
    return signed[:at] + extra + signed[at:]


SMUGGLED = (
    b'<ds:Object><PismoOgolne xmlns="urn:kancelaria:forms:pismo-ogolne:1">'
    b"<Adresat>EVIL</Adresat></PismoOgolne></ds:Object>"
)


@pytest.mark.parametrize(
    ("scenario", "marker", "extra"),
    [
        ("unreferenced_object_with_a_form", b"</ds:Signature>", SMUGGLED),
        (
            "unreferenced_object_with_any_other_content",
            b"</ds:Signature>",
            b'<ds:Object><x:Note xmlns:x="urn:example:x">tekst</x:Note></ds:Object>',
        ),
        (
            "form_element_hidden_in_key_info",
            b"</ds:KeyInfo>",
            b'<PismoOgolne xmlns="urn:kancelaria:forms:pismo-ogolne:1"/>',
        ),
        (
            "comment_inside_the_signed_form",
            b"</Tresc>",
            b"<!-- <Tresc>PRZELEW 1000000 PLN</Tresc> -->",
        ),
    ],
)
def test_enveloped_form_with_content_c14n_or_the_signature_leaves_unsigned_is_refused(
    client: FlaskClient,
    citizen: XadesSigner,
    services: Services,
    scenario: str,
    marker: bytes,
    extra: bytes,
) -> None:
    signed = _enveloped(citizen)
    # Still valid: what was added lies outside the signed data.
    assert _post_bytes(client, signed).status_code == 201
    evil = _inject_before(signed, marker, extra)
    before = _count(services)

    answer = _post_bytes(client, evil)

    assert answer.status_code == 422, (scenario, answer.get_json())
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"
    assert _count(services) == before


def test_enveloped_form_with_a_stylesheet_instruction_before_it_is_taken_in(
    client: FlaskClient, citizen: XadesSigner
) -> None:
    """A prolog processing instruction (ePUAP forms carry one) is not content."""
    signed = _enveloped(citizen)
    at = signed.index(b"?>") + 2
    body = (
        signed[:at] + b'\n<?xml-stylesheet type="text/xsl" href="x.xsl"?>' + signed[at:]
    )

    answer = _post_bytes(client, body)

    assert answer.status_code == 201, answer.get_json()


def _post_bytes(client: FlaskClient, body: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/submissions", data=body, headers=XML)


def test_comment_inside_the_signed_object_of_an_enveloping_signature_is_refused(
    client: FlaskClient, enveloping: etree._Element
) -> None:
    evil = copy.deepcopy(enveloping)
    obj = evil.find("{http://www.w3.org/2000/09/xmldsig#}Object")
    assert obj is not None
    obj[0].append(etree.Comment(" <Temat>PRZELEW 1000000 PLN</Temat> "))

    answer = _post(client, evil)

    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["errors"][0]["error"] == "content-outside-signature"
