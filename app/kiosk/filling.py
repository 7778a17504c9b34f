"""Kiosk: fill a form on the screen and print the paper copy to sign by hand.

The same form generation as the portal (app.formfill) and the same drafts
(app.drafts): the printed copy carries the draft's code and QR code, so the
front desk registers it without typing it in again. Kiosk layout and policy
apply; there is no XML download here (a kiosk holds no signing tool).
"""

from __future__ import annotations

import logging

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app.catalog import FormVersion
from app.drafts import DraftTooLargeError, save_draft
from app.formfill import (
    FormLabels,
    FormLimitError,
    FormModelError,
    apply_action,
    fill_document,
    layout,
    root_element,
    title_root,
    values_from_post,
)
from app.input_guard import checks_own_fields
from app.kiosk import bp
from app.kiosk.opened import remember
from app.kiosk.routes import form_or_404
from app.limits import limit_uploads
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
            return fill_page(form, layout(root, values, None, *form_words(form)), [])
        model, composed = fill_document(
            form.schema(), root, values, None, *form_words(form)
        )
    except FormLimitError as exc:
        return _refused(form, str(exc)), 400
    except FormModelError:
        log.warning("form cannot be filled at the kiosk", extra={"form_id": form_id})
        return _refused(form, _("This form cannot be filled in online.")), 409

    if composed.xml is None:
        return fill_page(form, model, composed.errors), 400

    # The kiosk is served to the whole network like the portal: the same
    # per-address limit on drafts saved.
    limit_uploads()
    try:
        with services().sessions() as session:
            remember(save_draft(session, form.form_id, form.version, composed.xml).id)
    except DraftTooLargeError:
        return _refused(form, _("The filled form is too large to be kept.")), 413

    # The draft's page is found through the session, never by its code in
    # an address the terminal's history would keep.
    return redirect(url_for("kiosk.draft"), 303)


def fill_page(
    form: FormVersion, model: object, errors: list[tuple[str, str, str]]
) -> str:
    """The kiosk's fill page for ``form`` laid out as ``model``."""
    words_lang = title_root(model, form.title(g.get("lang")))
    return render_template(
        "kiosk/fill.html",
        form=form,
        model=model,
        errors=errors,
        words_lang=words_lang,
    )


def form_words(form: FormVersion) -> tuple[str, FormLabels | None]:
    """The page language and the form's field labels in it, if it ships them."""
    lang = str(g.get("lang") or "pl")
    return lang, form.labels(lang)


def _refused(form: FormVersion, message: str) -> str:
    return render_template("kiosk/refused.html", form=form, message=message)
