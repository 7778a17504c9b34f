"""Status, listing, reports and the forms allow-list of API clients."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from lxml import etree

from app.api.reports import ETSI_NS
from app.cases import writing
from app.cases.accounts import add_department, find_department
from app.cases.jrwa import load_jrwa_file
from app.cases.lifecycle import open_case
from app.cases.models import JrwaClass
from app.registry.queries import get_document_by_number
from app.services import Services
from signing.seal import XadesSigner
from tests.api.fixtures import (
    SUBMISSIONS,
    XML,
    bearer,
    document_count,
    new_client,
    signed,
)

NS = {"v": ETSI_NS}
JRWA_DEMO = Path(__file__).resolve().parents[2] / "app/cases/data/jrwa-demo.xml"


def test_forbidden_form_is_403_and_registers_nothing(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    issued = new_client(api_services, forms=["zameldowanie"])
    before = document_count(api_services)

    answer = api_http.post(
        SUBMISSIONS, data=signed(api_signer, "pismo-ogolne"), headers=bearer(issued.key)
    )

    assert answer.status_code == 403
    assert answer.get_json()["errors"][0]["error"] == "forbidden-form"
    assert document_count(api_services) == before


def test_allowed_form_is_registered_for_the_client(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    issued = new_client(api_services, forms=["zameldowanie"])

    answer = api_http.post(
        SUBMISSIONS, data=signed(api_signer, "zameldowanie"), headers=bearer(issued.key)
    )

    assert answer.status_code == 201
    assert answer.headers["Location"] == answer.get_json()["status_url"]


def test_client_sees_its_submission_and_another_client_does_not(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    owner, stranger = new_client(api_services), new_client(api_services)
    created = api_http.post(
        SUBMISSIONS, data=signed(api_signer), headers=bearer(owner.key)
    )
    public_id = created.get_json()["id"]
    url = f"{SUBMISSIONS}/{public_id}"

    mine = api_http.get(url, headers=bearer(owner.key))
    theirs = api_http.get(url, headers=bearer(stranger.key))
    their_list = api_http.get(SUBMISSIONS, headers=bearer(stranger.key))

    assert mine.status_code == 200
    assert mine.get_json()["registry_number"] == created.get_json()["registry_number"]
    assert mine.get_json()["status"] == "registered"
    assert mine.get_json()["case_number"] is None
    assert theirs.status_code == 404
    assert their_list.get_json()["submissions"] == []


def test_access_code_shows_status_and_anything_else_is_404(
    api_http: FlaskClient, api_signer: XadesSigner
) -> None:
    created = api_http.post(
        SUBMISSIONS, data=signed(api_signer), headers=XML
    ).get_json()
    url = f"{SUBMISSIONS}/{created['id']}"

    by_query = api_http.get(url + f"?code={created['access_code']}")
    by_header = api_http.get(url, headers={"X-Access-Code": created["access_code"]})
    status_url = api_http.get(created["status_url"])

    assert by_query.status_code == by_header.status_code == 200
    assert status_url.status_code == 200
    assert api_http.get(url).status_code == 404
    assert api_http.get(url + "?code=WRONG").status_code == 404
    assert api_http.get(f"{SUBMISSIONS}/no-such-id?code=WRONG").status_code == 404


def test_listing_pages_newest_first_with_a_cursor(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    issued = new_client(api_services)
    made = [
        api_http.post(
            SUBMISSIONS, data=signed(api_signer), headers=bearer(issued.key)
        ).get_json()["id"]
        for _ in range(3)
    ]

    first = api_http.get(
        SUBMISSIONS + "?limit=2", headers=bearer(issued.key)
    ).get_json()
    cursor = first["next_cursor"]
    second = api_http.get(
        SUBMISSIONS + f"?limit=2&cursor={cursor}", headers=bearer(issued.key)
    ).get_json()

    listed = [item["id"] for item in first["submissions"] + second["submissions"]]
    assert listed == list(reversed(made))
    assert second["next_cursor"] is None


def test_listing_refuses_bad_limits_and_cursors(
    api_http: FlaskClient, api_services: Services
) -> None:
    issued = new_client(api_services)

    for query in ["?limit=0", "?limit=201", "?limit=x", "?cursor=%%%", "?cursor=eDE5"]:
        answer = api_http.get(SUBMISSIONS + query, headers=bearer(issued.key))
        assert answer.status_code == 400, query


def test_report_json_is_the_stored_validation_report(
    api_http: FlaskClient, api_signer: XadesSigner
) -> None:
    created = api_http.post(
        SUBMISSIONS, data=signed(api_signer), headers=XML
    ).get_json()

    report = api_http.get(created["report_url"]).get_json()

    assert report["signature"]["indication"] == "TOTAL_PASSED"
    assert report["schema"]["valid"] is True


def test_report_xml_is_well_formed_with_the_main_indication_uri(
    api_http: FlaskClient, api_signer: XadesSigner
) -> None:
    created = api_http.post(
        SUBMISSIONS, data=signed(api_signer), headers=XML
    ).get_json()
    url = created["report_url"].replace("/report?", "/report.xml?")

    answer = api_http.get(url)
    tree = etree.fromstring(answer.data)

    assert answer.mimetype == "application/xml"
    assert tree.tag == f"{{{ETSI_NS}}}ValidationReport"
    indications = tree.findall(
        "v:SignatureValidationReport/v:SignatureValidationStatus/v:MainIndication",
        NS,
    )
    assert [i.text for i in indications] == [
        "urn:etsi:019102:mainindication:total-passed"
    ]
    assert tree.findtext(".//v:SignerInformation/v:Signer", namespaces=NS)


def test_status_names_the_case_once_a_clerk_opens_one(
    api_http: FlaskClient, api_signer: XadesSigner, api_services: Services
) -> None:
    issued = new_client(api_services)
    created = api_http.post(
        SUBMISSIONS, data=signed(api_signer), headers=bearer(issued.key)
    ).get_json()
    case_number = open_case_for(api_services, created["registry_number"])

    status = api_http.get(created["status_url"]).get_json()
    listed = api_http.get(SUBMISSIONS, headers=bearer(issued.key)).get_json()

    assert status["case_number"] == case_number
    assert listed["submissions"][0]["case_number"] == case_number


def open_case_for(services: Services, registry_number: str) -> str:
    """Open a case in OR for the document, as a clerk at the desk would."""
    with writing(services.sessions) as session:
        department = find_department(session, "OR") or add_department(
            session, "OR", "Wydział Organizacyjny", "Organisation Department"
        )
        if not session.get(JrwaClass, "0152"):
            load_jrwa_file(session, JRWA_DEMO)

        document = get_document_by_number(session, registry_number)
        assert document is not None
        case = open_case(session, None, department, "0152", "Wniosek", document)
        return case.number
