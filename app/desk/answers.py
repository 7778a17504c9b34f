"""Questions from citizens on a case, and the clerk's answers to them.

The answer is a CaseMessage from the office to the citizen, which the
citizen's case page shows; it is mailed, through the outbox in the same
transaction, to the address the last question came with.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from app.cases import writing
from app.cases.errors import CaseError
from app.cases.grants import Duty, allowed_on_case
from app.cases.models import Case, CaseMessage, Clerk
from app.cases.questions import reply_to_citizen
from app.cases.trail import BODY_MAX
from app.desk import bp
from app.desk.auth import current_clerk
from app.desk.grants_view import require_duty
from app.desk.wording import case_error_message
from app.services import current_services as services


@bp.post("/cases/<number>/messages")
@require_duty(Duty.ANSWER)
def answer(number: str) -> BaseResponse | tuple[str, int]:
    """Write the office's answer on a case; the citizen sees it on their page."""
    body = request.form.get("body", "")[: BODY_MAX + 1]
    with writing(services().sessions) as db:
        clerk = db.get_one(Clerk, current_clerk().id)
        case = db.scalar(select(Case).where(Case.number == number))
        if case is None or not allowed_on_case(clerk, Duty.ANSWER, case):
            abort(404)

        try:
            reply_to_citizen(db, case, clerk, body, services().settings.public_url)
        except CaseError as exc:
            db.rollback()
            page = render_template("desk/refused.html", error=case_error_message(exc))
            return page, 400

    flash(_("Answer sent to the citizen."))
    return redirect(url_for("desk.case_page", number=number) + "#messages", 303)


def case_messages(case: Case) -> dict[str, Any]:
    """The messages of a case, oldest first, and whether this clerk may answer."""
    with services().sessions() as db:
        messages = list(
            db.scalars(
                select(CaseMessage)
                .where(CaseMessage.case_id == case.id)
                .order_by(CaseMessage.sent_at, CaseMessage.id)
            )
        )
        authors = {
            c.id: c.display_name
            for c in db.scalars(
                select(Clerk).where(
                    Clerk.id.in_({m.author_id for m in messages if m.author_id})
                )
            )
        }

    return {
        "messages": messages,
        "authors": authors,
        "may_answer": allowed_on_case(current_clerk(), Duty.ANSWER, case),
        "body_max": BODY_MAX,
    }


bp.add_app_template_global(case_messages, "case_messages")
