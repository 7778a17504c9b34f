"""PDFs nested thousands deep through the API (issue #3): a registered verdict
or a 4xx refusal, each within a time box, never a 500 or a hang."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.services import Services
from signing.pades_seal import PdfSealer
from signing.pdfmodifications import TOO_DEEP
from tests import deep_pdfs
from tests.pdftools import letter_pdf

PDF = {"Content-Type": "application/pdf"}
SECONDS = 60.0
"""Each request must be answered well within this (it takes about a second)."""


@pytest.fixture(scope="module")
def sealer(services: Services) -> PdfSealer:
    assert services.demo is not None
    return PdfSealer.from_issued(services.demo.citizen)


def post(client: FlaskClient, body: bytes) -> tuple[int, Any]:
    """Post a PDF to the API within the time box; the status and JSON answer."""

    def send() -> tuple[int, Any]:
        answer = client.post("/api/v1/submissions", data=body, headers=PDF)
        return answer.status_code, answer.get_json()

    return deep_pdfs.within(SECONDS, send)


def signature_report(client: FlaskClient, answer: Any) -> dict[str, Any]:
    report = client.get(answer["report_url"])
    assert report.status_code == 200
    [signature] = report.get_json()["signature"]["signatures"]
    return signature  # type: ignore[no-any-return]


@pytest.mark.parametrize("deepen", deep_pdfs.DEEP_STRUCTURES)
def test_deep_later_revision_is_registered_failed_as_changes_not_analysed(
    deepen: Callable[[bytes], bytes], client: FlaskClient, sealer: PdfSealer
) -> None:
    status, answer = post(client, deepen(sealer.seal(letter_pdf())))

    assert status == 201, answer
    assert answer["indication"] == "TOTAL_FAILED"
    assert answer["subindication"] == "FORMAT_FAILURE"
    checks = {c["name"]: c for c in signature_report(client, answer)["checks"]}
    assert "cms-structure" not in checks
    assert checks["modifications"] == {
        "name": "modifications",
        "passed": False,
        "detail": TOO_DEEP,
    }


@pytest.mark.parametrize("deepen", deep_pdfs.DEEP_STRUCTURES)
def test_deep_structure_in_the_signed_revision_is_registered_passed(
    deepen: Callable[[bytes], bytes], client: FlaskClient, sealer: PdfSealer
) -> None:
    status, answer = post(client, sealer.seal(deepen(letter_pdf())))

    assert status == 201, answer
    assert answer["indication"] == "TOTAL_PASSED"


def test_nested_arrays_in_the_signed_catalog_are_refused_as_malformed_pdf(
    client: FlaskClient, sealer: PdfSealer
) -> None:
    with deep_pdfs.deep_recursion():
        signed = sealer.seal(deep_pdfs.nested_arrays_in_catalog(letter_pdf()))

    status, answer = post(client, signed)

    assert status == 400
    assert answer["errors"][0]["error"] == "malformed-pdf"


def test_nested_arrays_in_a_later_catalog_are_refused_as_malformed_pdf(
    client: FlaskClient, sealer: PdfSealer
) -> None:
    later = deep_pdfs.nested_arrays_in_catalog(sealer.seal(letter_pdf()))

    status, answer = post(client, later)

    assert status == 400
    assert answer["errors"][0]["error"] == "malformed-pdf"


@pytest.mark.parametrize(
    "branch",
    [deep_pdfs.branching_fields, deep_pdfs.nested_fields],
    ids=["one-field-named-twice-per-level", "fields-nested-3000-deep"],
)
def test_field_tree_too_costly_to_walk_is_refused_as_malformed_pdf(
    branch: Callable[[bytes], bytes], client: FlaskClient, sealer: PdfSealer
) -> None:
    status, answer = post(client, branch(sealer.seal(letter_pdf())))

    assert status == 400
    assert answer["errors"][0]["error"] == "malformed-pdf"
