"""Kiosk: follow a case with the registry number and access code from the receipt.

The number is typed as its digits with the year chosen from a list, the
code on one large field. The code is posted, never put in an address, so
the terminal's history keeps no trace of it; the page showing the case is
the answer to that post, and the idle reset takes the next person back to
the start. Only what the portal's case page shows a citizen is shown here,
without the question form (a kiosk has no mail for the answer).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from flask import render_template, request
from flask_babel import gettext as _

from app.cases.citizen import citizen_view
from app.cases.citizen_words import event_words, status_words
from app.cases.lookup import CODE_MAX, document_for_citizen, usual_deadline
from app.errors import message_in
from app.kiosk import bp
from app.limits import TooManyAttempts, guard_code_lookup, note_wrong_code
from app.services import current_services as services

log = logging.getLogger(__name__)

DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: str.isdigit takes other scripts
YEARS_OFFERED = 6
SEQUENCE_DIGITS = 9


@bp.get("/case")
def case_lookup() -> str:
    """Ask for the registry number and the access code, on large fields."""
    return _lookup_page("", _years()[0], None)


@bp.post("/case")
def case() -> str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Show the case of the document the number and code name."""
    sequence = request.form.get("sequence", "").strip()[:SEQUENCE_DIGITS]
    year = request.form.get("year", "").strip()[:4]
    code = _typed_code(request.form.get("code", ""))
    try:
        guard_code_lookup()
    except TooManyAttempts as exc:
        page = _lookup_page(sequence, year, message_in(exc.code))
        return page, 429, {"Retry-After": str(exc.retry_after)}

    if not (DIGITS.fullmatch(sequence) and DIGITS.fullmatch(year) and code):
        return _lookup_page(sequence, year, _missing()), 400

    with services().sessions() as session:
        document = document_for_citizen(session, int(year), int(sequence), code)
        if document is None:
            note_wrong_code()
            return _lookup_page(sequence, year, _not_found()), 404

        log.info("kiosk case shown", extra={"document_id": document.id})
        return render_template(
            "kiosk/case.html",
            view=citizen_view(session, document),
            usual_deadline=usual_deadline(document, services().catalog),
            status_words=status_words(),
            event_words=event_words(),
        )


def _lookup_page(sequence: str, year: str, error: str | None) -> str:
    return render_template(
        "kiosk/case_lookup.html",
        sequence=sequence,
        year=year,
        years=_years(),
        error=error,
    )


def _typed_code(value: str) -> str:
    """The code as typed, without the spaces or dashes an on-screen keyboard adds."""
    return "".join(value.split()).replace("-", "")[:CODE_MAX]


def _years() -> list[str]:
    """This year first, then the years before it."""
    now = datetime.now(UTC).year
    return [str(now - n) for n in range(YEARS_OFFERED)]


def _missing() -> str:
    return str(_("Type the number and the access code, and choose the year."))


def _not_found() -> str:
    return str(_("The registry holds no document with this number and access code."))
