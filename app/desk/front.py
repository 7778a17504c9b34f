"""Front desk: register paper (its scan through intake) and print the receipt."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from app.cases.access import Action, may_somewhere
from app.cases.accounts import list_departments
from app.catalog import FormVersion
from app.desk import bp
from app.desk.auth import current_clerk, require
from app.desk.receipts import receipt_pdf_response
from app.desk.wording import paper_error_message, request_error_message
from app.drafts import Draft, find_draft
from app.errors import ErrorCode, RequestError
from app.intake import Submission, intake
from app.intake.scan import ARRIVALS, Paper, PaperError, PaperErrorCode
from app.registry.models import Document
from app.services import current_services as services
from app.web_errors import http_error_answer

log = logging.getLogger(__name__)

# Documents this browser session registered: only they get their receipt here.
REGISTERED = "desk_registered"
KEEP_REGISTERED = 20


@bp.route("/paper", methods=["GET", "POST"])
@require(Action.REGISTER_PAPER)
def register_paper() -> str | BaseResponse | tuple[str, int]:
    """Register a paper document: scan, sender, subject or form, pages, channel."""
    if request.method != "POST":
        return _page({})

    values = request.form.to_dict()
    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        return _page(values, _("Choose the scan file."), "scan"), 400

    try:
        paper = _paper(values)
        earlier = [] if values.get("again") == "on" else _earlier(paper)
        if earlier:
            message = _already_registered(earlier)
            return _page(values, message, "draft", again=True), 409
        outcome = intake(
            services(), upload.stream, Submission(channel="desk", paper=paper)
        )
    except PaperError as exc:
        return _page(values, paper_error_message(exc), exc.field), 400
    except RequestError as exc:
        if exc.code == ErrorCode.TOO_LARGE:
            return _page(values, _scan_too_large(), "scan"), exc.status
        return _page(values, request_error_message(exc), "scan"), exc.status

    for note in _conflicts(values, paper):
        flash(note)
    public_id = outcome.document.public_id
    kept = [public_id, *session.get(REGISTERED, [])][:KEEP_REGISTERED]
    session[REGISTERED] = kept
    return redirect(url_for("desk.paper_registered", public_id=public_id), 303)


@bp.errorhandler(RequestEntityTooLarge)
def body_too_large(error: RequestEntityTooLarge) -> Any:
    """At the front desk, show the form again saying how large a scan may be.

    The body was not read (it can fail in any before-request check that
    reads the form, CSRF included), so nothing typed can be shown again.
    """
    allowed = current_user.is_authenticated and may_somewhere(
        current_clerk(), Action.REGISTER_PAPER
    )
    if request.endpoint != "desk.register_paper" or not allowed:
        return http_error_answer(error)

    return _page({}, _scan_too_large(), "scan"), 413


@bp.get("/paper/<public_id>")
@require(Action.REGISTER_PAPER)
def paper_registered(public_id: str) -> str:
    """Show the registry number and access code of paper just registered."""
    document = _registered_here(public_id)
    return render_template("desk/paper_registered.html", document=document)


@bp.get("/paper/<public_id>/receipt.pdf")
@require(Action.REGISTER_PAPER)
def paper_receipt(public_id: str) -> BaseResponse:
    """Send the sealed PDF receipt to print for the person at the counter."""
    document = _registered_here(public_id)
    return receipt_pdf_response(document)


def _registered_here(public_id: str) -> Document:
    if public_id not in session.get(REGISTERED, []):
        abort(404)

    with services().sessions() as db:
        document = db.scalar(select(Document).where(Document.public_id == public_id))

    if document is None:
        abort(404)

    return document


def _paper(values: dict[str, str]) -> Paper:
    draft = _draft(values.get("draft", ""))
    key = values.get("form", "")
    if draft is not None:
        key = f"{draft.form_id}/{draft.form_version}"

    form = _chosen_form(key)
    department = values.get("department", "").strip()
    if not department and form is not None:
        department = form.department

    return Paper(
        sender=values.get("sender", "").strip(),
        department=department,
        pages=_number(values.get("pages", ""), "pages"),
        attachments=_number(values.get("attachments", "") or "0", "attachments"),
        arrival=values.get("arrival", ""),
        subject=values.get("subject", "").strip() or None,
        form=form,
        draft_code=draft.code if draft else None,
        draft_xml=draft.xml if draft else None,
    )


def _draft(typed: str) -> Draft | None:
    """The draft whose code is printed on the paper; None when none was typed."""
    if not typed.strip():
        return None

    with services().sessions() as db:
        draft = find_draft(db, typed)

    if draft is None:
        raise PaperError(PaperErrorCode.BAD_PAPER_DETAILS, "draft")

    return draft


def _chosen_form(key: str) -> FormVersion | None:
    if not key:
        return None

    form_id, _sep, version = key.partition("/")
    try:
        return services().catalog.get(form_id, version or None)
    except KeyError:
        raise PaperError(PaperErrorCode.BAD_PAPER_DETAILS, "form") from None


def _number(text: str, field: str) -> int:
    if not text.strip().isdigit() or len(text.strip()) > 6:
        raise PaperError(PaperErrorCode.BAD_PAPER_DETAILS, field)

    return int(text.strip())


def _scan_too_large() -> str:
    limit = services().settings.max_upload_bytes // (1024 * 1024)
    return str(
        _(
            "The scan is larger than %(size)s MB: scan it again at a lower "
            "resolution or in parts.",
            size=limit,
        )
    )


def _earlier(paper: Paper) -> list[str]:
    """Registry numbers of paper already registered with this draft's code."""
    if paper.draft_code is None:
        return []

    # The paper's report keeps the code (app.intake.scan); codes are unique.
    linked = Document.report_json.contains(f'"code": "{paper.draft_code}"')
    query = select(Document.registry_number).where(Document.channel == "desk", linked)
    with services().sessions() as db:
        return list(db.scalars(query.order_by(Document.id)))


def _already_registered(numbers: list[str]) -> str:
    return str(
        _(
            "This code was already registered as %(numbers)s. Check the paper; to "
            "register it once more, choose the scan again and tick the box.",
            numbers=", ".join(numbers),
        )
    )


def _conflicts(values: dict[str, str], paper: Paper) -> list[str]:
    """Say which of the typed fields the draft's code overrode, or not."""
    form = paper.form
    if paper.draft_code is None or form is None:
        return []

    notes = []
    chosen = values.get("form", "")
    if chosen and chosen != f"{form.form_id}/{form.version}":
        notes.append(
            _(
                "The form came from the code (%(form)s), not from the list.",
                form=form.form_id,
            )
        )
    department = values.get("department", "").strip()
    if department and department != form.department:
        notes.append(
            _(
                "The department chosen (%(chosen)s) was used, not the form's "
                "(%(form)s).",
                chosen=department,
                form=form.department,
            )
        )
    return [str(note) for note in notes]


def _page(
    values: dict[str, str],
    error: str | None = None,
    field: str | None = None,
    again: bool = False,
) -> str:
    with services().sessions() as db:
        departments = list_departments(db)

    page: dict[str, Any] = {
        "values": values,
        "error": error,
        "field": field,
        "forms": services().catalog.forms(),
        "departments": departments,
        "arrivals": ARRIVALS,
        "again": again,
    }
    return render_template("desk/paper.html", **page)
