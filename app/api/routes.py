"""JSON routes for platforms and scripts."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response, jsonify, request, url_for

from app.api import bp
from app.catalog import FormVersion
from app.errors import ErrorCode, RequestError
from app.intake import Submission, intake
from app.intake.pipeline import receive, recognise
from app.receipts import check_receipt
from app.receipts.check import NotAReceiptError, describe
from app.registry.queries import get_document_by_number, get_receipt
from app.services import current_services as services

XML_TYPES = frozenset({"application/xml", "text/xml"})


@bp.get("/forms")
def list_forms() -> Response:
    """List the forms the office takes in, with links to their files."""
    forms = [_form_json(form) for form in services().catalog.forms()]
    return jsonify({"forms": forms})


@bp.post("/submissions")
def submit() -> tuple[Response, int, dict[str, str]]:
    """Take in one signed XML document and register it."""
    _require_xml()
    outcome = intake(
        services(), request.stream, Submission(channel="api"), request.content_length
    )
    document = outcome.document
    receipt_url = _receipt_url(document.registry_number, document.access_code)
    body = {
        "registry_number": document.registry_number,
        "indication": outcome.validation.indication.value,
        "subindication": document.subindication,
        "form": {"id": outcome.form.form_id, "version": outcome.form.version},
        "schema_valid": not outcome.issues,
        "schema_issues": [
            {"path": issue.path, "message": issue.message} for issue in outcome.issues
        ],
        "sha256": document.sha256,
        "access_code": document.access_code,
        "receipt_url": receipt_url,
        "receipt_timestamped": outcome.receipt_timestamped,
    }
    return jsonify(body), 201, {"Location": receipt_url}


@bp.get("/receipts/<int:year>/<int:sequence>")
def receipt(year: int, sequence: int) -> Response:
    """Return a receipt's sealed XML to whoever holds its access code."""
    code = request.args.get("code") or request.headers.get("X-Access-Code", "")
    with services().sessions() as session:
        document = get_document_by_number(session, f"RPW/{sequence}/{year}")
        if document is None or not code or not _same(code, document.access_code):
            raise RequestError(ErrorCode.NOT_FOUND, 404)

        found = get_receipt(session, document.id)
        if found is None:
            raise RequestError(ErrorCode.NOT_FOUND, 404)

        xml = found.xml

    name = f"UPO-{year}-{sequence}.xml"
    return Response(
        xml,
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/receipts/check")
def check() -> Response:
    """Say whether a receipt is genuine and matches the registry."""
    limit = services().settings.max_upload_bytes
    data = receive(request.stream, limit, request.content_length)
    recognise(data)
    try:
        verdict = check_receipt(services(), data)
    except NotAReceiptError as exc:
        raise RequestError(exc.code, exc.status) from exc

    return jsonify(
        {
            "genuine": verdict.genuine,
            "registry_number": verdict.registry_number,
            "matches_registry": verdict.matches_registry,
            "problems": [
                {"code": code, "message": describe(code, "en")}
                for code in verdict.problems
            ],
        }
    )


def _require_xml() -> None:
    if request.mimetype not in XML_TYPES:
        raise RequestError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415)


def _receipt_url(number: str, code: str) -> str:
    _, sequence, year = number.split("/")
    return url_for("api.receipt", year=int(year), sequence=int(sequence), code=code)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _form_json(form: FormVersion) -> dict[str, Any]:
    return {
        "id": form.form_id,
        "version": form.version,
        "namespace": form.namespace,
        "root": form.root,
        "title": {"pl": form.title_pl, "en": form.title_en},
        "department": form.department,
        "jrwa": form.jrwa,
        "deadline_days": form.deadline_days,
        "schema_url": url_for(
            "portal.form_file",
            form_id=form.form_id,
            version=form.version,
            name="schema.xsd",
        ),
        "sample_url": url_for(
            "portal.form_file",
            form_id=form.form_id,
            version=form.version,
            name="sample.xml",
        ),
    }
