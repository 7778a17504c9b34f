"""Citizen pages: catalog, form page, downloads, upload, result, receipt check."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    abort,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from app.errors import ErrorCode, RequestError
from app.i18n import N_, translate
from app.instructions import instructions_html
from app.intake import Submission, intake
from app.intake.multipart import Parts, intake_parts
from app.intake.pipeline import Outcome, receive
from app.limits import guard_code_lookup, limit_uploads, note_wrong_code
from app.portal import bp
from app.receipts import check_receipt
from app.receipts.check import NotAReceiptError, describe
from app.registry.fields import same_access_code
from app.registry.queries import get_document_by_number
from app.services import current_services as services
from app.verdicts.view import build_report
from app.verdicts.wording import verdict

# Where the API's sentence names its own fields, the upload page says its own.
PAGE_MESSAGES = {
    ErrorCode.MISSING_PAYLOAD: N_(
        "This is a detached signature: on this page choose it in the first field "
        "and the file it signs in the second, then send both together."
    ),
}

FILES = {
    "schema.xsd": "application/xml",
    "sample.xml": "application/xml",
    "blank.xml": "application/xml",
    "instructions.pl.md": "text/markdown",
    "instructions.en.md": "text/markdown",
}


@bp.app_context_processor
def page_helpers() -> dict[str, Any]:
    """Give templates the office's name (app.i18n gives the language helpers)."""
    return {"office": _office()}


@bp.get("/")
def catalog() -> str:
    """Show the catalog of forms, filtered by a search phrase and a department."""
    phrase = request.args.get("q", "").strip().lower()
    department = request.args.get("department", "").strip()
    every = services().catalog.forms()
    forms = [
        form
        for form in every
        if (not department or form.department == department)
        and (not phrase or phrase in _searchable(form))
    ]
    departments = sorted(
        {(f.department, f.department_name_pl, f.department_name_en) for f in every}
    )
    return render_template(
        "portal/catalog.html",
        forms=forms,
        phrase=phrase,
        department=department,
        departments=departments,
    )


def _searchable(form: Any) -> str:
    """The words a search phrase is looked up in: titles and department."""
    words = (
        form.title_pl,
        form.title_en,
        form.department,
        form.department_name_pl,
        form.department_name_en,
    )
    return " ".join(words).lower()


@bp.get("/forms/<form_id>")
def form_page(form_id: str) -> str:
    """Show a form: what it is for, its instructions and its files."""
    form = _form_or_404(form_id, None)
    text = form.instructions(g.lang)
    instructions = instructions_html(text)
    return render_template("portal/form.html", form=form, instructions=instructions)


@bp.get("/forms/<form_id>/<version>/<name>")
def form_file(form_id: str, version: str, name: str) -> BaseResponse:
    """Send one of a form's published files: schema, sample, blank, instructions."""
    if name not in FILES:
        abort(404)

    form = _form_or_404(form_id, version)
    path = form.folder / name
    if not path.is_file():
        abort(404)

    download = f"{form.form_id}-{form.version}-{name}"
    return send_file(
        path, mimetype=FILES[name], as_attachment=True, download_name=download
    )


@bp.route("/submit", methods=["GET", "POST"])
def submit() -> str | BaseResponse | tuple[str, int]:
    """Upload a signed document and get a registry number and receipt."""
    if request.method != "POST":
        return render_template("portal/submit.html", error=None)

    limit_uploads()

    upload = request.files.get("document")
    if upload is None or not upload.filename:
        message = _("Choose a file to send.")
        return render_template("portal/submit.html", error=message), 400

    payload = request.files.get("payload")
    try:
        if payload is not None and payload.filename:
            outcome = _intake_detached(upload, payload)
        else:
            outcome = intake(services(), upload.stream, Submission(channel="portal"))
    except RequestError as exc:
        message = _page_message(exc)
        return render_template("portal/submit.html", error=message), exc.status

    number = outcome.document.registry_number
    _prefix, sequence, year = number.split("/")
    target = url_for(
        "portal.submission",
        year=year,
        sequence=sequence,
        code=outcome.document.access_code,
    )
    return redirect(target, 303)


def _page_message(exc: RequestError) -> str:
    """The refusal in the page's language, in the upload page's own words."""
    page = PAGE_MESSAGES.get(exc.code)
    return translate(page) if page is not None else exc.sentence()


def _intake_detached(signature: FileStorage, payload: FileStorage) -> Outcome:
    """A detached signature (.xades, .sig, .p7s) and the file it signs."""
    limit = services().settings.max_upload_bytes
    signed = receive(signature.stream, limit)
    data = receive(payload.stream, max(limit - len(signed), 0))
    name = (payload.filename or "payload").rsplit("/", 1)[-1]
    parts = Parts(signed, data, name)
    return intake_parts(services(), parts, Submission(channel="portal"))


@bp.get("/submissions/<int:year>/<int:sequence>")
def submission(year: int, sequence: int) -> str:
    """Show a registered submission to whoever holds its access code."""
    code = request.args.get("code", "")
    guard_code_lookup()
    with services().sessions() as session:
        document = get_document_by_number(session, f"RPW/{sequence}/{year}")
        if (
            document is None
            or not code
            or not same_access_code(code, document.access_code)
        ):
            note_wrong_code()
            abort(404)

        report = json.loads(document.report_json)
        facts = {
            "number": document.registry_number,
            "received_at": document.received_at,
            "form": _registered_form(document.form_id, document.form_version),
            "report": build_report(report, document.indication, document.channel),
            "sha256": document.sha256,
            "media_type": document.media_type,
            "receipt_url": url_for(
                "api.receipt", year=year, sequence=sequence, code=code
            ),
            "report_json_url": url_for(
                "api.submission_report", public_id=document.public_id, code=code
            ),
            "report_xml_url": url_for(
                "api.submission_report_xml", public_id=document.public_id, code=code
            ),
            "code": code,
        }

    return render_template("portal/submission.html", **facts)


@bp.route("/check", methods=["GET", "POST"])
def check() -> str | tuple[str, int]:
    """Check a receipt file, or look up a registry number with its access code."""
    number = request.values.get("number", "").strip()
    page: dict[str, Any] = {
        "verdict": None,
        "error": None,
        "entry": None,
        "number": number,
        "describe": describe,
    }
    if request.method != "POST":
        return render_template("portal/check.html", **page)

    if request.form.get("by") == "number":
        return _check_number(page, number, request.form.get("code", "").strip())

    upload = request.files.get("receipt")
    data = upload.read() if upload is not None else b""
    if not data:
        page["error"] = _("Choose the receipt file.")
        return render_template("portal/check.html", **page), 400

    try:
        page["verdict"] = check_receipt(services(), data)
    except NotAReceiptError as exc:
        page["error"] = exc.words()
        return render_template("portal/check.html", **page), exc.status

    return render_template("portal/check.html", **page)


def _check_number(
    page: dict[str, Any], number: str, code: str
) -> str | tuple[str, int]:
    """Show what the registry holds under a number to the holder of its code."""
    guard_code_lookup()
    with services().sessions() as session:
        document = get_document_by_number(session, number) if number else None
        if (
            document is None
            or not code
            or not same_access_code(code, document.access_code)
        ):
            note_wrong_code()
            page["error"] = _(
                "The registry holds no document with this number and access code."
            )
            return render_template("portal/check.html", **page), 404

        page["entry"] = {
            "number": document.registry_number,
            "received_at": document.received_at,
            "sha256": document.sha256,
            "form": f"{document.form_id} ({document.form_version})",
            "verdict": verdict(document.indication, channel=document.channel),
        }

    return render_template("portal/check.html", **page)


def _registered_form(form_id: str | None, version: str | None) -> Any:
    """The catalog form a document was registered as; None for a PDF letter."""
    if form_id is None:
        return None

    return services().catalog.get(form_id, version)


def _form_or_404(form_id: str, version: str | None) -> Any:
    try:
        return services().catalog.get(form_id, version)
    except KeyError:
        abort(404)


def _office() -> str:
    return services().settings.office_name
