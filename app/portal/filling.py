"""Citizen pages for filling a form in the browser and keeping the result.

The page is generated from the form's schema (app.formfill); add and remove
buttons post the form back and the server lays it out again, so nothing
needs JavaScript. A form that composes into a valid document is kept as a
draft: its page offers the XML to sign and a paper copy to print.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from lxml import etree
from werkzeug.wrappers import Response as BaseResponse

from app.catalog import FormVersion
from app.drafts import DraftTooLargeError, find_draft, format_code, save_draft
from app.drafts.pdf import render_draft
from app.formfill import (
    FormLabels,
    FormLimitError,
    FormModelError,
    apply_action,
    fill_document,
    layout,
    root_element,
    title_root,
    values_from_document,
    values_from_post,
)
from app.formfill.summary import summary_rows
from app.input_guard import checks_own_fields
from app.instructions import instructions_html
from app.limits import guard_code_lookup, limit_uploads, note_wrong_code
from app.portal import bp
from app.services import current_services as services

log = logging.getLogger(__name__)

CONTROL = ("csrf_token", "_op")


@bp.route("/forms/<form_id>/fill", methods=["GET", "POST"])
@checks_own_fields
def fill(form_id: str) -> str | BaseResponse | tuple[str, int]:
    """Fill a form in the browser; on success keep it as a draft."""
    form = _form_or_404(form_id)
    values = values_from_post(request.form, CONTROL) if request.method == "POST" else {}
    action = request.form.get("_op", "build") if request.method == "POST" else ""
    try:
        root = root_element(form.schema(), form.namespace, form.root)
        if action.startswith(("add:", "remove:")):
            values = apply_action(values, action)

        if action != "build":
            return _page(form, layout(root, values, None, *_words(form)), [])

        model, composed = fill_document(
            form.schema(), root, values, None, *_words(form)
        )
    except FormLimitError as exc:
        return _refused(form, str(exc)), 400
    except FormModelError:
        log.warning("form cannot be filled online", extra={"form_id": form.form_id})
        return _refused(form, _("This form cannot be filled in online.")), 409

    if composed.xml is None:
        return _page(form, model, composed.errors), 400

    limit_uploads()
    try:
        with services().sessions() as session:
            code = save_draft(session, form.form_id, form.version, composed.xml).code
    except DraftTooLargeError:
        return _refused(form, _("The filled form is too large to be kept.")), 413

    return redirect(url_for("portal.draft", code=code), 303)


@bp.get("/drafts/<code>")
def draft(code: str) -> str:
    """Show a filled form's next steps: download to sign, or print for paper."""
    found, form = _draft_or_404(code)
    return render_template(
        "portal/draft.html", form=form, code=found.code, shown=format_code(found.code)
    )


@bp.get("/drafts/<code>/form.xml")
def draft_xml(code: str) -> BaseResponse:
    """Send the filled form's XML, to be signed with the citizen's own tool."""
    found, form = _draft_or_404(code)
    response = BaseResponse(found.xml, mimetype="application/xml")
    name = f"{form.form_id}-{form.version}-{found.code}.xml"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/drafts/<code>/paper.pdf")
def draft_pdf(code: str) -> BaseResponse:
    """Send the printable paper copy with the draft code and its QR code."""
    found, form = _draft_or_404(code)
    root = root_element(form.schema(), form.namespace, form.root)
    element = _parse_draft(found.xml)
    model = layout(root, values_from_document(root, element), None, *_words(form))
    title, office = form.title(g.get("lang")), services().settings.office_name
    pdf = render_draft(found, title, office, summary_rows(model))
    response = BaseResponse(pdf, mimetype="application/pdf")
    name = f"{form.form_id}-{found.code}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _page(form: FormVersion, model: Any, errors: list[tuple[str, str, str]]) -> str:
    """Render the fill page; the form's own title heads its root part."""
    words_lang = title_root(model, form.title(g.get("lang")))
    text = form.instructions(g.lang)
    instructions = instructions_html(text)
    return render_template(
        "portal/fill.html",
        form=form,
        model=model,
        errors=errors,
        instructions=instructions,
        words_lang=words_lang,
    )


def _words(form: FormVersion) -> tuple[str, FormLabels | None]:
    """The page language and the form's field labels in it, if it ships them."""
    lang = str(g.get("lang") or "pl")
    return lang, form.labels(lang)


def _refused(form: FormVersion, message: str) -> str:
    return render_template("portal/fill_refused.html", form=form, message=message)


def _form_or_404(form_id: str) -> FormVersion:
    try:
        return services().catalog.get(form_id)
    except KeyError:
        abort(404)


def _draft_or_404(code: str) -> tuple[Any, FormVersion]:
    guard_code_lookup()
    with services().sessions() as session:
        found = find_draft(session, code)

    if found is None:
        note_wrong_code()
        abort(404)

    try:
        form = services().catalog.get(found.form_id, found.form_version)
    except KeyError:
        abort(404)

    return found, form


def _parse_draft(xml: bytes) -> Any:
    """Parse a draft we composed ourselves (no DTD, entities or network)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.fromstring(xml, parser)
