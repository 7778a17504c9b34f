"""Following a case: look it up by registry number and access code, ask the clerk.

The access code travels in the query string (the access log leaves query
strings out) or in the posted form, never in a path. A wrong number or code
is answered the same way as a missing one.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from app.cases import writing
from app.cases.citizen import citizen_view
from app.cases.citizen_words import event_words, status_words
from app.cases.errors import CaseError
from app.cases.lookup import (
    CODE_MAX,
    document_for_citizen,
    parse_registry_number,
    usual_deadline,
)
from app.cases.questions import QuestionRefused, ask_clerk
from app.cases.trail import BODY_MAX
from app.cases.waiting import ask_before_case
from app.input_guard import checks_own_fields
from app.limits import guard_code_lookup, note_wrong_code
from app.portal import bp
from app.registry.models import Document
from app.services import current_services as services

# Control characters no one types (NUL among them: a database cannot hold
# it); tabs and line breaks stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@bp.get("/case")
def case_lookup() -> str | BaseResponse | tuple[str, int]:
    """Ask for the registry number and access code; open the case page."""
    number = request.args.get("number", "").strip()[:32]
    code = request.args.get("code", "").strip()[:CODE_MAX]
    if not number and not code:
        return render_template("portal/case_lookup.html", number="", error=None)

    found = parse_registry_number(number)
    if found and code:
        year, sequence = found
        with services().sessions() as session:
            if _document(session, year, sequence, code) is not None:
                target = url_for("portal.case", year=year, sequence=sequence)
                return redirect(f"{target}?code={code.upper()}", 303)

    error = _("The registry holds no document with this number and access code.")
    page = render_template("portal/case_lookup.html", number=number, error=error)
    return page, 404


@bp.get("/case/<int:year>/<int:sequence>")
def case(year: int, sequence: int) -> str:
    """Show the case holding a document to whoever holds its access code."""
    code = request.args.get("code", "")[:CODE_MAX]
    sent = request.args.get("sent") == "1"
    return _case_page(year, sequence, code, {"sent": sent})


@bp.post("/case/<int:year>/<int:sequence>/ask")
@checks_own_fields
def ask(year: int, sequence: int) -> BaseResponse | tuple[str, int]:
    """Store a question to the clerk and notify the department."""
    code = request.form.get("code", "")[:CODE_MAX]
    body = request.form.get("body", "").strip()
    email = request.form.get("email", "").strip()
    errors = _question_errors(body) | _control_errors(body=body, email=email)
    if not errors:
        errors = _store_question(year, sequence, code, body, email)
    if not errors:
        target = url_for("portal.case", year=year, sequence=sequence)
        return redirect(f"{target}?code={code}&sent=1", 303)

    form = {"body": body, "email": email, "errors": errors}
    return _case_page(year, sequence, code, {"form": form}), 400


def _case_page(year: int, sequence: int, code: str, extra: dict[str, Any]) -> str:
    with services().sessions() as session:
        document = _document(session, year, sequence, code)
        if document is None:
            abort(404)

        view = citizen_view(session, document)
        page = {
            "view": view,
            "code": code.upper(),
            "year": year,
            "sequence": sequence,
            "body_max": BODY_MAX,
            "form": {"body": "", "email": "", "errors": {}},
            "sent": False,
            "status_words": status_words(),
            "event_words": event_words(),
            "usual_deadline": usual_deadline(document, services().catalog),
            **extra,
        }
        return render_template("portal/case.html", **page)


def _store_question(
    year: int, sequence: int, code: str, body: str, email: str
) -> dict[str, str]:
    with writing(services().sessions) as session:
        document = _document(session, year, sequence, code)
        if document is None:
            abort(404)

        view = citizen_view(session, document)
        public_url = services().settings.public_url
        try:
            if view.case is None:
                ask_before_case(session, document, body, email, g.lang, public_url)
            else:
                ask_clerk(session, view.case, body, email, g.lang, public_url)
        except QuestionRefused as exc:
            return _refusal(exc.reason)
        except CaseError:
            return {"body": _question_errors("")["body"]}

    return {}


def _question_errors(body: str) -> dict[str, str]:
    if not body:
        return {"body": _("Write your question.")}

    if len(body) > BODY_MAX:
        return {
            "body": _(
                "The question is too long: at most %(limit)d characters.",
                limit=BODY_MAX,
            )
        }

    return {}


def _control_errors(**fields: str) -> dict[str, str]:
    """Mark each field holding a control character; the text typed is kept."""
    message = _("Remove the control character (an invisible one) from this field.")
    return {name: message for name, value in fields.items() if CONTROL.search(value)}


def _refusal(reason: str) -> dict[str, str]:
    if reason == "address":
        return {"email": _("This does not look like an e-mail address.")}

    return {
        "body": _(
            "Many questions were asked on this case today; please wait for an "
            "answer or try again tomorrow."
        )
    }


def _document(session: Session, year: int, sequence: int, code: str) -> Document | None:
    """The document under RPW/sequence/year if ``code`` is its access code.

    Wrong codes count against the address's lookup limit (review F5).
    """
    guard_code_lookup()
    document = document_for_citizen(session, year, sequence, code)
    if document is None:
        note_wrong_code()

    return document
