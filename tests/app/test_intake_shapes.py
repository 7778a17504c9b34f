"""Every signature shape through the one intake pipeline (API and portal).

Detached XAdES / CAdES with their file as multipart, ASiC containers, and
the refusals of bad multipart and unsafe containers, nothing half-written.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import xmlschema
from flask.testing import FlaskClient
from lxml import etree

from app.registry.models import Document
from app.registry.queries import get_document_by_number
from app.services import Services
from signing.asic import ASIC_E, ASIC_NS
from tests.shapes.cmsmaker import make_zip, sign_cms
from tests.shapes.etsischema import schema_errors
from tests.shapes.maker import Shape, sign_xades

API = "/api/v1/submissions"
RNS = "urn:kancelaria:receipt:1"
XSD = Path(__file__).resolve().parents[2] / "schemas" / "receipt.xsd"
LETTER = b"%PDF-1.4\n% pismo testowe, Anna Testowa\n%%EOF\n"
PACKAGE = make_zip([("wniosek.txt", b"Wniosek testowy"), ("skan.pdf", LETTER)])


def _multipart(client: FlaskClient, parts: list[tuple[str, bytes, str]]):
    data = [(name, (io.BytesIO(body), filename)) for name, body, filename in parts]
    return client.post(
        API, data=dict(_grouped(data)), content_type="multipart/form-data"
    )


def _grouped(items):
    grouped: dict[str, list] = {}
    for name, value in items:
        grouped.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in grouped.items()}


def _count(services: Services) -> int:
    with services.sessions() as session:
        return session.query(Document).count()


def _error(answer) -> str:
    return answer.get_json()["errors"][0]["error"]


def test_detached_xades_with_its_pdf_is_registered_with_both_digests(
    client: FlaskClient, services: Services
) -> None:
    signature = sign_xades(services.demo.citizen, Shape(files={"pismo.pdf": LETTER}))

    answer = _multipart(
        client,
        [("signature", signature, "pismo.pdf.xades"), ("payload", LETTER, "x.pdf")],
    )

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["indication"] == "TOTAL_PASSED"
    receipt = client.get(body["receipt_url"]).data
    tree = etree.fromstring(receipt)
    document = tree.find(f"{{{RNS}}}Document")
    assert document.findtext(f"{{{RNS}}}SHA256") == hashlib.sha256(LETTER).hexdigest()
    assert document.findtext(f"{{{RNS}}}DetachedSignature/{{{RNS}}}SHA256") == (
        hashlib.sha256(signature).hexdigest()
    )
    schema = xmlschema.XMLSchema(str(XSD), allow="sandbox", defuse="always")
    schema.validate(xmlschema.XMLResource(receipt, allow="none"))
    # Both parts stored, exactly as received, content-addressed.
    for part in (LETTER, signature):
        with services.blobs.open(hashlib.sha256(part).hexdigest()) as stored:
            assert stored.read() == part
    with services.sessions() as session:
        row = get_document_by_number(session, body["registry_number"])
        report = json.loads(row.report_json)
    assert [p["part"] for p in report["parts"]] == ["payload", "signature"]
    assert report["signature"]["signatures"][0]["kind"] is not None
    etsi = client.get(body["report_url"].replace("/report?", "/report.xml?"))
    assert etsi.status_code == 200
    assert b"SignersDocument" in etsi.data
    assert schema_errors(etsi.data) == []


def test_detached_cades_p7s_over_a_zip_is_registered(
    client: FlaskClient, services: Services
) -> None:
    p7s = sign_cms(services.demo.citizen, PACKAGE)

    answer = _multipart(
        client,
        [("signature", p7s, "paczka.zip.p7s"), ("payload", PACKAGE, "paczka.zip")],
    )

    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["indication"] == "TOTAL_PASSED"


def test_detached_signature_over_another_file_is_registered_failed(
    client: FlaskClient, services: Services
) -> None:
    signature = sign_xades(services.demo.citizen, Shape(files={"a.pdf": LETTER}))

    answer = _multipart(
        client,
        [("signature", signature, "a.xades"), ("payload", LETTER + b"x", "a.pdf")],
    )

    assert answer.status_code == 201
    assert answer.get_json()["indication"] == "TOTAL_FAILED"


@pytest.mark.parametrize(
    ("parts", "status", "code"),
    [
        ([("signature", b"<x/>", "s.xml")], 400, "missing-part"),
        ([("payload", LETTER, "a.pdf")], 400, "missing-part"),
        (
            [
                ("signature", b"<x/>", "s.xml"),
                ("signature", b"<y/>", "t.xml"),
                ("payload", LETTER, "a.pdf"),
            ],
            400,
            "duplicate-part",
        ),
        (
            [
                ("signature", b"<x/>", "s.xml"),
                ("payload", LETTER, "a.pdf"),
                ("extra", b"1", "e.txt"),
            ],
            400,
            "unexpected-part",
        ),
    ],
)
def test_bad_multipart_is_refused_with_its_code_and_nothing_stored(
    client: FlaskClient, services: Services, parts, status, code
) -> None:
    before = _count(services)

    answer = _multipart(client, parts)

    assert (answer.status_code, _error(answer)) == (status, code)
    assert _count(services) == before


def test_enveloped_signature_with_a_payload_is_payload_not_covered(
    client: FlaskClient, services: Services
) -> None:
    form = b'<w:W xmlns:w="urn:example:w"><w:A>1</w:A></w:W>'
    signature = sign_xades(services.demo.citizen, Shape(enveloped_in=form))
    before = _count(services)

    answer = _multipart(
        client, [("signature", signature, "w.xml"), ("payload", LETTER, "a.pdf")]
    )

    assert (answer.status_code, _error(answer)) == (422, "payload-not-covered")
    assert _count(services) == before


def test_detached_cms_sent_alone_is_missing_payload(
    client: FlaskClient, services: Services
) -> None:
    p7s = sign_cms(services.demo.citizen, LETTER)

    answer = client.post(
        API, data=p7s, headers={"Content-Type": "application/pkcs7-mime"}
    )

    assert (answer.status_code, _error(answer)) == (422, "missing-payload")


def _asic(services: Services, files: dict[str, bytes], extra=()) -> bytes:
    wrapper = f"{{{ASIC_NS}}}XAdESSignatures"
    xml = sign_xades(services.demo.citizen, Shape(files=files, wrapper=wrapper))
    members = [("mimetype", ASIC_E.encode()), *files.items(), *extra]
    return make_zip([*members, ("META-INF/signatures001.xml", xml)])


ASIC = {"Content-Type": ASIC_E}


def test_asic_e_is_registered_as_a_letter_with_its_files(
    client: FlaskClient, services: Services
) -> None:
    container = _asic(services, {"pismo.pdf": LETTER, "zal/notatka.txt": b"notatka"})

    answer = client.post(API, data=container, headers=ASIC)

    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["indication"] == "TOTAL_PASSED"
    with services.sessions() as session:
        row = get_document_by_number(session, body["registry_number"])
        assert row.media_type == ASIC_E
        report = json.loads(row.report_json)
    assert report["container"]["kind"] == "ASiC-E"
    assert {f["name"] for f in report["container"]["files"]} == {
        "pismo.pdf",
        "zal/notatka.txt",
    }


def test_asic_with_an_unsigned_file_is_content_outside_signature(
    client: FlaskClient, services: Services
) -> None:
    container = _asic(services, {"pismo.pdf": LETTER}, [("dopisek.txt", b"!")])
    before = _count(services)

    answer = client.post(API, data=container, headers=ASIC)

    assert (answer.status_code, _error(answer)) == (422, "content-outside-signature")
    assert _count(services) == before


def test_asic_with_an_unsigned_file_under_meta_inf_is_refused_naming_it(
    client: FlaskClient, services: Services
) -> None:
    """Review F6: META-INF/evil.txt was registered TOTAL_PASSED, unmentioned."""
    extra = [("META-INF/evil.txt", b"niepodpisany dopisek")]
    container = _asic(services, {"pismo.pdf": LETTER}, extra)
    before = _count(services)

    answer = client.post(API, data=container, headers=ASIC)

    assert (answer.status_code, _error(answer)) == (422, "content-outside-signature")
    assert "META-INF/evil.txt" in answer.get_json()["errors"][0]["message"]
    assert _count(services) == before


def test_zip_bomb_and_path_traversal_are_refused_with_stable_codes(
    client: FlaskClient, services: Services
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.bin", b"\0" * (70 * 1024 * 1024))
    traversal = make_zip([("mimetype", ASIC_E.encode()), ("../../etc/x", b"x")])
    before = _count(services)

    bomb = client.post(API, data=buffer.getvalue(), headers=ASIC)
    climb = client.post(API, data=traversal, headers=ASIC)

    assert (bomb.status_code, _error(bomb)) == (400, "container-too-large")
    assert (climb.status_code, _error(climb)) == (400, "container-bad-name")
    assert _count(services) == before


def test_portal_upload_takes_a_detached_signature_and_its_file(
    client: FlaskClient, services: Services
) -> None:
    signature = sign_xades(services.demo.citizen, Shape(files={"pismo.pdf": LETTER}))

    answer = client.post(
        "/submit",
        data={
            "document": (io.BytesIO(signature), "pismo.pdf.xades"),
            "payload": (io.BytesIO(LETTER), "pismo.pdf"),
        },
        content_type="multipart/form-data",
    )

    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    page = client.get(answer.headers["Location"] + "&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "RPW/" in text
    assert (
        "Signed by Jan Testowy with an electronic signature (its qualified status "
        "is not confirmed by a trusted list) on " in text
    )
    assert "<li>the file pismo.pdf</li>" in text
    polish = client.get(answer.headers["Location"] + "&lang=pl").get_data(as_text=True)
    assert (
        "Podpisał(a): Jan Testowy, podpisem elektronicznym (status kwalifikowany "
        "niepotwierdzony w zaufanej liście), dnia " in polish
    )
    assert "<dd>podpis elektroniczny (status kwalifikowany niepotwierdzony" in polish


@pytest.fixture(scope="module")
def profile_app(request: pytest.FixtureRequest, tmp_path_factory):
    """An instance whose settings name the demo seal as a trusted-profile
    platform certificate (KANCELARIA_TRUSTED_PROFILE_SEALS)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from app import create_app
    from signing.pki import ensure_demo_pki
    from tests.app.conftest import app_database_env, make_settings

    instance = tmp_path_factory.mktemp("profile")
    demo = ensure_demo_pki(instance / "demo-pki", "Urząd Miasta Przykładowo")
    seal_pem = instance / "platform-seal.pem"
    seal_pem.write_bytes(demo.seal.certificate.public_bytes(Encoding.PEM))
    with app_database_env(request) as environ:
        env = {**environ, "KANCELARIA_TRUSTED_PROFILE_SEALS": str(seal_pem)}
        application = create_app(make_settings(instance, env))
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


def test_trusted_profile_signature_registers_the_person_named_inside(profile_app):
    from tests.shapes.maker import FAKE_PESEL_2, podpis_zp

    services = profile_app.extensions["kancelaria"]
    client = profile_app.test_client()
    zp = podpis_zp("Ewa", "Zaufana", FAKE_PESEL_2, "zp-1")
    signature = sign_xades(
        services.demo.seal, Shape(files={"pismo.pdf": LETTER}, objects=[zp])
    )

    answer = _multipart(
        client, [("signature", signature, "pismo.xades"), ("payload", LETTER, "p.pdf")]
    )

    assert answer.status_code == 201, answer.get_json()
    with services.sessions() as session:
        row = get_document_by_number(session, answer.get_json()["registry_number"])
        assert row.signer_name == "Ewa Zaufana"
        assert row.signer_identifier == f"PNOPL-{FAKE_PESEL_2}"
        sig = json.loads(row.report_json)["signature"]["signatures"][0]
    assert sig["kind"] == "trusted-profile"
    assert sig["sealed_by"]["certificate_sha256"] == row.signer_cert_sha256


def test_registry_verify_rehashes_the_detached_signature_part(
    client: FlaskClient, services: Services
) -> None:
    from app.registry.integrity import verify_blobs

    signature = sign_xades(services.demo.citizen, Shape(files={"v.pdf": LETTER}))
    answer = _multipart(
        client, [("signature", signature, "v.xades"), ("payload", LETTER, "v.pdf")]
    )
    assert answer.status_code == 201
    with services.sessions() as session:
        assert verify_blobs(session, services.blobs) == []
    # Lose the signature part: verify names it.
    digest = hashlib.sha256(signature).hexdigest()
    assert services.blobs.delete(digest)  # type: ignore[attr-defined]
    with services.sessions() as session:
        problems = verify_blobs(session, services.blobs)
    assert any("signature: original is missing" in p for p in problems)


def test_gc_keeps_the_signature_part_of_a_detached_submission(
    client: FlaskClient, services: Services
) -> None:
    """Review F29: only the payload is the document's original; gc kept only it."""
    from datetime import timedelta

    from app.registry.gc import collect_garbage

    signature = sign_xades(services.demo.citizen, Shape(files={"gc.pdf": LETTER}))
    answer = _multipart(
        client, [("signature", signature, "gc.xades"), ("payload", LETTER, "gc.pdf")]
    )
    assert answer.status_code == 201
    digest = hashlib.sha256(signature).hexdigest()

    with services.sessions() as session:
        result = collect_garbage(
            session,
            services.blobs,  # type: ignore[arg-type]
            timedelta(0),
            dry_run=True,
        )

    assert digest not in result.orphans


def test_detached_xades_sent_alone_says_add_the_file_it_signs(
    client: FlaskClient, services: Services
) -> None:
    """Review F25.6: it said the signature was damaged (unsigned-content)."""
    signature = sign_xades(services.demo.citizen, Shape(files={"sam.pdf": LETTER}))
    before = _count(services)

    api = client.post(API, data=signature, headers={"Content-Type": "application/xml"})
    portal = client.post(
        "/submit?lang=en",
        data={"document": (io.BytesIO(signature), "sam.pdf.xades")},
        content_type="multipart/form-data",
    )

    assert (api.status_code, _error(api)) == (422, "missing-payload")
    assert portal.status_code == 422
    page = portal.get_data(as_text=True)
    assert "This is a detached signature: on this page choose it" in page
    assert "part payload" not in page
    assert "add the file it signs" in api.get_data(as_text=True)
    assert _count(services) == before


def test_a_lone_detached_signature_on_the_polish_page_says_choose_both_files(
    client: FlaskClient, services: Services
) -> None:
    """Review 2 nit: the portal named the API's multipart part."""
    signature = sign_xades(services.demo.citizen, Shape(files={"sam.pdf": LETTER}))

    portal = client.post(
        "/submit?lang=pl",
        data={"document": (io.BytesIO(signature), "sam.pdf.xades")},
        content_type="multipart/form-data",
    )

    page = portal.get_data(as_text=True)
    assert portal.status_code == 422
    assert "wybierz go w pierwszym polu" in page and "w API" not in page


def test_unsupported_media_type_names_every_accepted_type(client: FlaskClient) -> None:
    """Review F16: the sentence named only XML and PDF."""
    answer = client.post(API, data=b"x", headers={"Content-Type": "image/png"})

    message = answer.get_json()["errors"][0]["message"]
    assert answer.status_code == 415
    for accepted in (
        "application/xml",
        "application/pdf",
        "application/vnd.etsi.asic-s+zip",
        "application/vnd.etsi.asic-e+zip",
        "application/zip",
        "application/pkcs7-mime",
        "multipart/form-data",
    ):
        assert accepted in message, accepted


# A DER SEQUENCE header with a long length, then bytes that are no CMS.
GARBAGE_CMS = b"\x30\x82\x01\x00" + hashlib.sha256(b"garbage").digest() * 8


@pytest.mark.parametrize("content_type", ["application/pkcs7-mime", "application/xml"])
def test_garbage_cms_body_is_malformed_cms_review_r10(
    client: FlaskClient, services: Services, content_type: str
) -> None:
    before = _count(services)

    answer = client.post(API, data=GARBAGE_CMS, headers={"Content-Type": content_type})

    assert (answer.status_code, _error(answer)) == (400, "malformed-cms")
    assert _count(services) == before


@pytest.mark.parametrize("signature", [GARBAGE_CMS, b"just some text, no signature"])
def test_garbage_signature_part_is_malformed_cms_review_r10(
    client: FlaskClient, services: Services, signature: bytes
) -> None:
    before = _count(services)

    answer = _multipart(
        client, [("signature", signature, "x.p7s"), ("payload", LETTER, "a.pdf")]
    )

    assert (answer.status_code, _error(answer)) == (400, "malformed-cms")
    assert _count(services) == before


def _signed_pdf(services: Services) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from signing.pades_seal import PdfSealer

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "Wniosek testowy")
    canvas.showPage()
    canvas.save()
    return PdfSealer.from_issued(services.demo.citizen).seal(buffer.getvalue())


def test_signed_pdf_as_the_signature_part_says_send_it_alone_review_r10(
    client: FlaskClient, services: Services
) -> None:
    signed = _signed_pdf(services)
    before = _count(services)

    answer = _multipart(
        client, [("signature", signed, "pismo.pdf"), ("payload", LETTER, "a.pdf")]
    )

    assert (answer.status_code, _error(answer)) == (422, "not-detached-signature")
    assert _count(services) == before


def test_portal_signed_pdf_with_a_second_file_says_send_it_alone_review_r10(
    client: FlaskClient, services: Services
) -> None:
    answer = client.post(
        "/submit",
        data={
            "document": (io.BytesIO(_signed_pdf(services)), "pismo.pdf"),
            "payload": (io.BytesIO(LETTER), "zalacznik.pdf"),
        },
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422
    assert "wyślij go sam, jako dokument" in answer.get_data(as_text=True)
