"""Transfer packages: office A seals documents or a case for office B and posts
them to B's API on 127.0.0.1; B verifies the seal against A's certificate,
the carried bytes' SHA-256, and registers the package through intake with a
receipt. Forged, altered, misaddressed and repeated packages are refused
with their codes and change nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import func, select

from app.cases.models import Case
from app.cases.records import Transfer
from app.clients import create_client
from app.registry.models import Document, JournalEntry
from app.services import Services
from app.transfers import TRANSFER_MEDIA_TYPE, TRANSFER_NS
from app.transfers.outgoing import read_blob
from app.transfers.package import Office, build_package
from signing.pki import ensure_demo_pki
from signing.seal import XadesSigner
from tests.desk.conftest import open_case_in, paper_document, sign_in
from tests.desk.offices import A, B, Offices, offices, write_partners

__all__ = ["offices"]

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "transfer.xsd"
NS = {"t": TRANSFER_NS}
SUBMISSIONS = "/api/v1/submissions"
TYPE = {"Content-Type": TRANSFER_MEDIA_TYPE}


def count(services: Services, model: type, *where: object) -> int:
    with services.sessions() as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)  # type: ignore[arg-type]
        return session.scalar(query) or 0


def package_for(offices: Offices, receiver: str = B, sender: str = A) -> bytes:
    """A package of one fresh SO document, sealed by office A."""
    services = offices.a_services
    document = paper_document(services)
    data = read_blob(services, document.sha256)
    _pid, sealed = build_package(
        services.sealer,
        Office(sender, "Urząd A"),
        Office(receiver, "Gmina B"),
        [(document, data)],
        note="Przekazanie według właściwości",
    )
    return sealed


def test_sent_document_is_delivered_registered_and_receipted_at_the_other_office(
    offices: Offices,
) -> None:
    services = offices.a_services
    document = paper_document(services)
    http = offices.a.test_client()
    sign_in(http, "clerk.so")
    before_b = count(offices.b_services, Document)

    answer = http.post(
        f"/desk/documents/{document.public_id}/transfer",
        data={"office": B, "note": "Według właściwości", "deliver": "on"},
    )

    assert answer.status_code == 303
    package_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with services.sessions() as session:
        sent = session.scalars(
            select(Transfer).where(Transfer.direction == "out")
        ).all()
        row = next(t for t in sent if t.package_id == package_id)
        assert row.delivery == "delivered", row.answer
        entry = session.get_one(JournalEntry, row.journal_position)
        assert entry.event == "transfer-sent"
        assert json.loads(entry.payload_json)["by"] == "clerk.so"

    assert count(offices.b_services, Document) == before_b + 1
    with offices.b_services.sessions() as session:
        got = session.scalars(
            select(Document).where(Document.registry_number == row.answer)
        ).one()
        report = json.loads(got.report_json)["transfer"]
        assert got.channel == "office" and got.department == "SO"
        assert got.media_type == TRANSFER_MEDIA_TYPE
        assert got.indication == "TOTAL_PASSED"
        assert report["office"] == A and report["package_id"] == package_id
        assert report["documents"][0]["sha256"] == document.sha256
        # The carried original is kept at B, byte for byte.
        carried = read_blob(offices.b_services, document.sha256)
        assert hashlib.sha256(carried).hexdigest() == document.sha256
        incoming = session.scalars(
            select(Transfer).where(Transfer.direction == "in")
        ).all()
        assert package_id in {t.package_id for t in incoming}

    page = http.get(f"/desk/transfers/{package_id}")
    assert row.answer in page.get_data(as_text=True)

    # At B, a clerk of SO opens the package and downloads what it carried.
    there = offices.b.test_client()
    sign_in(there, "clerk.so")
    shown = there.get(f"/desk/documents/{got.public_id}").get_data(as_text=True)
    assert 'id="carried"' in shown and document.registry_number in shown
    carried_copy = there.get(f"/desk/documents/{got.public_id}/carried/0")
    assert carried_copy.status_code == 200
    assert hashlib.sha256(carried_copy.data).hexdigest() == document.sha256
    assert there.get(f"/desk/documents/{got.public_id}/carried/1").status_code == 404
    stranger = offices.b.test_client()
    sign_in(stranger, "clerk.fn")
    assert stranger.get(f"/desk/documents/{got.public_id}/carried/0").status_code == (
        404
    )


def test_downloaded_package_is_valid_against_transfer_xsd_and_carries_the_bytes(
    offices: Offices,
) -> None:
    services = offices.a_services
    document = paper_document(services)
    http = offices.a.test_client()
    sign_in(http, "clerk.so")
    answer = http.post(
        f"/desk/documents/{document.public_id}/transfer", data={"office": B}
    )
    package_id = answer.headers["Location"].rsplit("/", 1)[-1]

    download = http.get(f"/desk/transfers/{package_id}/package.xml")

    assert download.status_code == 200
    assert download.mimetype == TRANSFER_MEDIA_TYPE
    root = etree.fromstring(download.data)
    schema = xmlschema.XMLSchema(str(SCHEMA), allow="sandbox", defuse="always")
    schema.validate(xmlschema.XMLResource(download.data, allow="none"))
    content = root.findtext("t:Documents/t:Document/t:Content", namespaces=NS)
    assert hashlib.sha256(base64.b64decode(content)).hexdigest() == document.sha256
    assert root.findtext("t:ReceivingOffice/t:Id", namespaces=NS) == B
    with services.sessions() as session:
        row = session.scalars(
            select(Transfer).where(Transfer.package_id == package_id)
        ).one()
        assert row.delivery is None


def test_a_case_goes_with_all_its_documents_and_its_trail_records_it(
    offices: Offices,
) -> None:
    services = offices.a_services
    number = open_case_in(services, "SO", "Sprawa do przekazania")
    first, second = paper_document(services), paper_document(services)
    http = offices.a.test_client()
    sign_in(http, "clerk.so")
    for document in (first, second):
        http.post(f"/desk/cases/{number}/attach", data={"document": document.public_id})

    answer = http.post(
        f"/desk/cases/{number}/transfer", data={"office": B, "deliver": "on"}
    )

    assert answer.status_code == 303
    package_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with services.sessions() as session:
        row = session.scalars(
            select(Transfer).where(Transfer.package_id == package_id)
        ).one()
        case = session.scalars(select(Case).where(Case.number == number)).one()
        assert row.case_id == case.id and row.delivery == "delivered"
        assert session.get_one(JournalEntry, row.journal_position).event == (
            "case-transferred"
        )

    with offices.b_services.sessions() as session:
        got = session.scalars(
            select(Document).where(Document.registry_number == row.answer)
        ).one()
        report = json.loads(got.report_json)["transfer"]
        assert report["case"]["number"] == number
        assert {d["sha256"] for d in report["documents"]} == {
            first.sha256,
            second.sha256,
        }


def test_package_sent_as_plain_xml_is_recognised_by_its_root(
    offices: Offices,
) -> None:
    package = package_for(offices)
    http = offices.b.test_client()

    answer = http.post(
        SUBMISSIONS, data=package, headers={"Content-Type": "application/xml"}
    )

    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.json is not None and answer.json["registry_number"]
    receipt = http.get(answer.json["receipt_url"])
    assert receipt.status_code == 200


def refused(offices: Offices, body: bytes, code: str, status: int = 422) -> None:
    services = offices.b_services
    before = (count(services, Document), count(services, Transfer))
    answer = offices.b.test_client().post(SUBMISSIONS, data=body, headers=TYPE)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.json is not None
    assert answer.json["errors"][0]["error"] == code
    assert (count(services, Document), count(services, Transfer)) == before


def test_the_same_package_twice_is_refused_as_duplicate(offices: Offices) -> None:
    package = package_for(offices)
    first = offices.b.test_client().post(SUBMISSIONS, data=package, headers=TYPE)
    assert first.status_code == 201

    refused(offices, package, "transfer-duplicate", 409)


def test_package_with_one_byte_of_content_changed_fails_its_seal(
    offices: Offices,
) -> None:
    package = package_for(offices)
    start = package.index(b"<Content>") + len(b"<Content>")
    flipped = b"B" if package[start : start + 1] != b"B" else b"C"
    altered = package[:start] + flipped + package[start + 1 :]

    refused(offices, altered, "transfer-seal-invalid")


def test_package_sealed_by_another_key_of_a_listed_office_is_refused(
    offices: Offices, tmp_path: Path
) -> None:
    impostor = ensure_demo_pki(tmp_path / "pki", "Podszywający się urząd")
    signer = XadesSigner.from_issued(impostor.seal)
    document = paper_document(offices.a_services)
    data = read_blob(offices.a_services, document.sha256)
    _pid, forged = build_package(
        signer, Office(A, "Urząd A"), Office(B, "Gmina B"), [(document, data)]
    )

    refused(offices, forged, "transfer-seal-invalid")


def test_package_from_an_office_not_in_the_partners_file_is_refused(
    offices: Offices,
) -> None:
    refused(
        offices, package_for(offices, sender="obcy-urzad"), "transfer-unknown-office"
    )


def test_package_addressed_to_another_office_is_refused(offices: Offices) -> None:
    refused(offices, package_for(offices, receiver="inny"), "transfer-wrong-recipient")


def test_sealed_package_whose_stated_digest_is_wrong_is_refused(
    offices: Offices,
) -> None:
    package = package_for(offices)
    root = etree.fromstring(package)
    signature = root[-1]
    root.remove(signature)
    digest = root.find("t:Documents/t:Document/t:SHA256", NS)
    assert digest is not None
    digest.text = "0" * 64
    resealed = offices.a_services.sealer.sign_enveloped(root)

    refused(offices, resealed, "transfer-digest-mismatch")


def test_sealed_package_outside_the_schema_is_refused_as_malformed(
    offices: Offices,
) -> None:
    root = etree.fromstring(package_for(offices))
    root.remove(root[-1])
    size = root.find("t:Documents/t:Document/t:Size", NS)
    assert size is not None
    size.text = "many"
    resealed = offices.a_services.sealer.sign_enveloped(root)

    refused(offices, resealed, "transfer-malformed")


@pytest.mark.parametrize(
    "body",
    [b"<TransferPackage xmlns='urn:kancelaria:transfer:1'/>", b"not xml at all"],
)
def test_unsealed_or_broken_bodies_of_the_transfer_type_are_refused(
    offices: Offices, body: bytes
) -> None:
    services = offices.b_services
    before = count(services, Document)
    answer = offices.b.test_client().post(SUBMISSIONS, data=body, headers=TYPE)
    assert answer.status_code in (400, 422)
    assert answer.json is not None
    assert answer.json["errors"][0]["error"].startswith("transfer-")
    assert count(services, Document) == before


def test_undeliverable_package_is_kept_for_download(
    offices: Offices, tmp_path: Path
) -> None:
    # A partners file whose office B listens nowhere (a closed loopback port).
    partners = offices.folder / "partners-a.toml"
    original = partners.read_text(encoding="utf-8")
    write_partners(partners, B, "Gmina B", "seal-b.pem", "http://127.0.0.1:9/x")
    try:
        document = paper_document(offices.a_services)
        http = offices.a.test_client()
        sign_in(http, "clerk.so")
        answer = http.post(
            f"/desk/documents/{document.public_id}/transfer",
            data={"office": B, "deliver": "on"},
        )
    finally:
        partners.write_text(original, encoding="utf-8")

    package_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with offices.a_services.sessions() as session:
        row = session.scalars(
            select(Transfer).where(Transfer.package_id == package_id)
        ).one()
        assert row.delivery == "failed"

    assert http.get(f"/desk/transfers/{package_id}/package.xml").status_code == 200


def test_clerk_of_another_department_cannot_send_or_read_the_package(
    offices: Offices,
) -> None:
    document = paper_document(offices.a_services, "SO")
    owner, stranger = offices.a.test_client(), offices.a.test_client()
    sign_in(owner, "clerk.so")
    sign_in(stranger, "clerk.fn")

    refused_send = stranger.post(
        f"/desk/documents/{document.public_id}/transfer", data={"office": B}
    )
    sent = owner.post(
        f"/desk/documents/{document.public_id}/transfer", data={"office": B}
    )
    package_id = sent.headers["Location"].rsplit("/", 1)[-1]

    assert refused_send.status_code == 404
    assert stranger.get(f"/desk/transfers/{package_id}").status_code == 404
    assert stranger.get(f"/desk/transfers/{package_id}/package.xml").status_code == 404


def test_case_without_documents_is_not_sent_and_nothing_is_written(
    offices: Offices,
) -> None:
    number = open_case_in(offices.a_services, "SO", "Pusta sprawa")
    http = offices.a.test_client()
    sign_in(http, "clerk.so")
    before = count(offices.a_services, Transfer)

    answer = http.post(f"/desk/cases/{number}/transfer", data={"office": B})

    assert answer.status_code == 400
    assert count(offices.a_services, Transfer) == before


def test_package_posted_with_a_key_is_in_that_clients_listing(
    offices: Offices,
) -> None:
    with offices.b_services.sessions() as session:
        issued = create_client(session, "Urząd A", rate_limit="100/minute")
    headers = {**TYPE, "Authorization": f"Bearer {issued.key}"}
    http = offices.b.test_client()

    answer = http.post(SUBMISSIONS, data=package_for(offices), headers=headers)

    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.json is not None
    listing = http.get(SUBMISSIONS, headers={"Authorization": headers["Authorization"]})
    assert answer.json["id"] in listing.get_data(as_text=True)


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE TransferPackage [<!ENTITY x "y">]>\n',
        b'<!DOCTYPE TransferPackage SYSTEM "http://127.0.0.1:9/t.dtd">\n',
    ],
)
def test_package_with_a_dtd_is_refused_as_forbidden_xml_review_r10(
    offices: Offices, doctype: bytes
) -> None:
    package = package_for(offices)
    if package.startswith(b"<?xml"):
        declaration, rest = package.split(b"?>", 1)
        package = declaration + b"?>\n" + doctype + rest.lstrip()
    else:
        package = doctype + package

    refused(offices, package, "forbidden-xml", 400)
