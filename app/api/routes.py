"""JSON routes for platforms and scripts: forms and receipts."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from app.api import bp
from app.catalog import FormVersion
from app.errors import ErrorCode, RequestError
from app.intake.pipeline import receive
from app.limits import guard_code_lookup, note_wrong_code
from app.receipts import check_receipt
from app.receipts.check import NotAReceiptError, describe
from app.registry.fields import same_access_code
from app.registry.queries import get_document_by_number, get_receipt
from app.services import current_services as services


@bp.get("/forms")
def list_forms() -> Response:
    """List the forms the office takes in, with links to their files."""
    forms = [_form_json(form) for form in services().catalog.forms()]
    return jsonify({"forms": forms})


@bp.get("/receipts/<int:year>/<int:sequence>")
def receipt(year: int, sequence: int) -> Response:
    """Return a receipt's sealed XML to whoever holds its access code."""
    code = request.args.get("code") or request.headers.get("X-Access-Code", "")
    guard_code_lookup()
    with services().sessions() as session:
        document = get_document_by_number(session, f"RPW/{sequence}/{year}")
        if (
            document is None
            or not code
            or not same_access_code(code, document.access_code)
        ):
            note_wrong_code()
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
    try:
        verdict = check_receipt(services(), data)
    except NotAReceiptError as exc:
        raise RequestError(exc.code, exc.status, exc.message) from exc

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
