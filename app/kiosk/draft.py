"""Kiosk: open a form filled at home by its code, print it or change it.

The code is typed on one large field and posted, never put in an address:
the answer keeps only the draft's id in the session (app.kiosk.opened) and
sends the browser to ``/kiosk/draft``, whose address names nothing. Print
and change read the same session value, and "Done" or the idle reset (the
start page) drops it. A code with a slip the check symbol catches is told
apart from an unknown one; only unknown codes count against the per-address
limit on wrong codes, since a slip can name no draft and reveals nothing.
"""

from __future__ import annotations

import logging

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app.catalog import FormVersion
from app.drafts import (
    CodeProblem,
    Draft,
    bare_code,
    code_problem,
    find_draft,
    find_draft_by_id,
    format_code,
)
from app.drafts.pdf import render_draft
from app.errors import message_in
from app.formfill import layout, root_element, values_from_document
from app.formfill.summary import summary_rows
from app.kiosk import bp
from app.kiosk.filling import fill_page, form_words
from app.kiosk.opened import forget, opened_id, remember
from app.kiosk.routes import form_or_404, parse_own_xml
from app.limits import TooManyAttempts, guard_code_lookup, note_wrong_code
from app.services import current_services as services

log = logging.getLogger(__name__)

TYPED_MAX = 40


@bp.get("/draft/open")
def draft_lookup() -> str:
    """Ask for the code of a form filled at home, on one large field."""
    return _lookup_page("", None)


@bp.post("/draft/open")
def open_draft() -> BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Open the draft the posted code names, then show it at an address without it."""
    typed = request.form.get("code", "")
    shown = typed.strip()[:TYPED_MAX]
    try:
        guard_code_lookup()
    except TooManyAttempts as exc:
        page = _lookup_page(shown, message_in(exc.code))
        return page, 429, {"Retry-After": str(exc.retry_after)}

    problem = code_problem(typed)
    if problem is not None:
        return _lookup_page(shown, _problem_words(problem, typed)), 400

    with services().sessions() as session:
        found = find_draft(session, typed)
        if found is None:
            note_wrong_code()
            return _lookup_page(shown, _unknown()), 404

        remember(found.id)
        log.info("kiosk draft opened", extra={"draft_id": found.id})

    return redirect(url_for("kiosk.draft"), 303)


@bp.get("/draft")
def draft() -> str | BaseResponse:
    """The open draft: print its paper copy, change it, or be done."""
    opened = _opened()
    if opened is None:
        return redirect(url_for("kiosk.draft_lookup"), 303)

    found, form = opened
    return render_template(
        "kiosk/draft.html",
        form=form,
        shown=format_code(found.code),
        changeable=form.version == form_or_404(form.form_id).version,
    )


@bp.get("/draft/paper.pdf")
def draft_pdf() -> BaseResponse:
    """The open draft's paper copy, with its code and QR code."""
    opened = _opened()
    if opened is None:
        return redirect(url_for("kiosk.draft_lookup"), 303)

    found, form = opened
    root = root_element(form.schema(), form.namespace, form.root)
    values = values_from_document(root, parse_own_xml(found.xml))
    model = layout(root, values, None, *form_words(form))
    title, office = form.title(g.get("lang")), services().settings.office_name
    pdf = render_draft(found, title, office, summary_rows(model))
    response = BaseResponse(pdf, mimetype="application/pdf")
    # Named by the form, not the code: a saved copy's name stays on the terminal.
    response.headers["Content-Disposition"] = f'inline; filename="{form.form_id}.pdf"'
    return response


@bp.get("/draft/fill")
def draft_fill() -> str | BaseResponse:
    """The fill page with the open draft's answers, to change and keep anew."""
    opened = _opened()
    if opened is None:
        return redirect(url_for("kiosk.draft_lookup"), 303)

    found, form = opened
    if form.version != form_or_404(form.form_id).version:
        return redirect(url_for("kiosk.draft"), 303)

    root = root_element(form.schema(), form.namespace, form.root)
    values = values_from_document(root, parse_own_xml(found.xml))
    return fill_page(form, layout(root, values, None, *form_words(form)), [])


@bp.get("/drafts/<code>")
@bp.get("/drafts/<code>/paper.pdf")
def old_draft_address(code: str) -> BaseResponse:
    """Send an old address with a code in it to the screen where codes are typed."""
    # Nothing links here any more; the code is not looked up, so the address
    # (kept in some history) opens nothing and counts as no guess.
    del code
    return redirect(url_for("kiosk.draft_lookup"), 303)


def _opened() -> tuple[Draft, FormVersion] | None:
    """The draft this kiosk has open and its form; None when nothing is open."""
    draft_id = opened_id()
    if draft_id is None:
        return None

    with services().sessions() as session:
        found = find_draft_by_id(session, draft_id)

    if found is None:
        forget()  # purged meanwhile
        return None

    return found, form_or_404(found.form_id, found.form_version)


def _lookup_page(typed: str, error: str | None) -> str:
    return render_template("kiosk/draft_lookup.html", typed=typed, error=error)


def _problem_words(problem: CodeProblem, typed: str) -> str:
    """One plain sentence on what is wrong with the typed code."""
    if problem is CodeProblem.EMPTY:
        return str(_("Type the code of your filled form."))

    if problem is CodeProblem.LENGTH:
        count = len(bare_code(typed))
        return str(
            _(
                "A form code has 10 letters and digits; this one has %(count)d.",
                count=count,
            )
        )

    if problem is CodeProblem.SYMBOL:
        return str(
            _(
                "The code holds a sign that form codes never use (such as 0, O, 1, "
                "I, U or V): compare it with your printout."
            )
        )

    return str(
        _(
            "The code has a typing mistake: one letter or digit is wrong, or two "
            "are swapped. Compare it with your printout."
        )
    )


def _unknown() -> str:
    return str(
        _(
            "No filled form is kept under this code. Old forms are removed after a "
            "while: fill it in again."
        )
    )
