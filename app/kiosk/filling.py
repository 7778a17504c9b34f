"""Kiosk: fill a form on the screen and print the paper copy to sign by hand.

The same form generation as the portal (app.formfill) and the same drafts
(app.drafts): the printed copy carries the draft's code and QR code, so the
front desk registers it without typing it in again. Kiosk layout and policy
apply; there is no XML download here (a kiosk holds no signing tool).
"""

from __future__ import annotations

import logging

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app.catalog import FormVersion
from app.drafts import (
    Draft,
    DraftTooLargeError,
    find_draft,
    format_code,
    save_draft,
)
from app.drafts.pdf import PaperCopy, render_paper_copy
from app.formfill import (
    FormLabels,
    FormLimitError,
    FormModelError,
    apply_action,
    fill_document,
    layout,
    root_element,
    values_from_document,
    values_from_post,
)
from app.formfill.nodes import Block
from app.formfill.summary import summary_rows
from app.input_guard import checks_own_fields
from app.kiosk import bp
from app.kiosk.routes import form_or_404, parse_own_xml
from app.limits import guard_code_lookup, limit_uploads, note_wrong_code
from app.services import current_services as services

log = logging.getLogger(__name__)

CONTROL = ("csrf_token", "_op")


@bp.route("/forms/<form_id>/fill", methods=["GET", "POST"])
@checks_own_fields
def fill(form_id: str) -> str | BaseResponse | tuple[str, int]:
    """Fill a form on the kiosk; when it is complete, keep it as a draft."""
    form = form_or_404(form_id)
    posted = request.method == "POST"
    values = values_from_post(request.form, CONTROL) if posted else {}
    action = request.form.get("_op", "build") if posted else ""
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
        log.warning("form cannot be filled at the kiosk", extra={"form_id": form_id})
        return _refused(form, _("This form cannot be filled in online.")), 409

    if composed.xml is None:
        return _page(form, model, composed.errors), 400

    # The kiosk is served to the whole network like the portal: the same
    # per-address limit on drafts saved.
    limit_uploads()
    try:
        with services().sessions() as session:
            code = save_draft(session, form.form_id, form.version, composed.xml).code
    except DraftTooLargeError:
        return _refused(form, _("The filled form is too large to be kept.")), 413

    return redirect(url_for("kiosk.draft", code=code), 303)


@bp.get("/drafts/<code>")
def draft(code: str) -> str:
    """The filled form is ready: print it."""
    found, form = _draft_or_404(code)
    shown = format_code(found.code)
    return render_template("kiosk/draft.html", form=form, code=found.code, shown=shown)


@bp.get("/drafts/<code>/paper.pdf")
def draft_pdf(code: str) -> BaseResponse:
    """The paper copy of a filled form, with its code and QR code."""
    found, form = _draft_or_404(code)
    root = root_element(form.schema(), form.namespace, form.root)
    values = values_from_document(root, parse_own_xml(found.xml))
    model = layout(root, values, None, *_words(form))
    copy = PaperCopy(
        office=services().settings.office_name,
        title=form.title_en if g.get("lang") == "en" else form.title_pl,
        form_id=form.form_id,
        version=form.version,
        code=found.code,
        created_at=found.created_at,
    )
    response = BaseResponse(
        render_paper_copy(copy, summary_rows(model)), mimetype="application/pdf"
    )
    response.headers["Content-Disposition"] = f'inline; filename="{found.code}.pdf"'
    return response


def _page(form: FormVersion, model: object, errors: list[tuple[str, str, str]]) -> str:
    """Render the fill page; the form's own title heads its root part."""
    words_lang = _title_root(form, model)
    return render_template(
        "kiosk/fill.html",
        form=form,
        model=model,
        errors=errors,
        words_lang=words_lang,
    )


def _words(form: FormVersion) -> tuple[str, FormLabels | None]:
    """The page language and the form's field labels in it, if it ships them."""
    lang = str(g.get("lang") or "pl")
    return lang, form.labels(lang)


def _refused(form: FormVersion, message: str) -> str:
    return render_template("kiosk/refused.html", form=form, message=message)


def _draft_or_404(code: str) -> tuple[Draft, FormVersion]:
    # A resident may bring a code from a draft made at home: any draft opens
    # here, so wrong codes count against the portal's per-address limit.
    guard_code_lookup()
    with services().sessions() as session:
        found = find_draft(session, code)

    if found is None:
        note_wrong_code()
        abort(404)

    return found, form_or_404(found.form_id, found.form_version)


def _title_root(form: FormVersion, model: object) -> str | None:
    """Name the root part by the form's title; return its words' language."""
    if not isinstance(model, Block):
        return None

    words_lang = model.lang
    model.label = form.title_en if g.get("lang") == "en" else form.title_pl
    model.lang = None
    return words_lang
