"""Receipt checking in the workspace: a receipt file, or a number typed in.

A file is checked like on the citizen's page (app.receipts.check): the seal
and the registry's agreement. A number shows what the registry holds under
it, for comparison with a printed receipt. Each check is journalled.
"""

from __future__ import annotations

import re
from typing import Any

from flask import g, render_template, request
from flask_babel import gettext as _

from app.cases import writing
from app.cases.events import record_office_event
from app.cases.grants import Duty
from app.cases.models import Clerk
from app.cases.queries import case_of_document
from app.desk import bp
from app.desk.auth import current_clerk
from app.desk.grants_view import require_duty
from app.receipts import check_receipt
from app.receipts.check import NotAReceiptError, describe
from app.registry.queries import get_document_by_number
from app.services import current_services as services

EVENT_CHECKED = "receipt-checked"
NUMBER = re.compile(r"RPW/[1-9][0-9]{0,11}/[0-9]{4}")
MAX_RECEIPT = 1024 * 1024


@bp.route("/receipts/check", methods=["GET", "POST"])
@require_duty(Duty.CHECK_RECEIPT)
def check_receipt_page() -> str | tuple[str, int]:
    """Check an uploaded receipt, or show the registry entry of a number."""
    page: dict[str, Any] = {"verdict": None, "entry": None, "describe": describe}
    page["number"] = request.values.get("number", "").strip()[:40]
    if request.method != "POST":
        return render_template("desk/receipt_check.html", **page)

    if request.form.get("by") == "number":
        return _by_number(page)

    upload = request.files.get("receipt")
    data = upload.read(MAX_RECEIPT + 1) if upload is not None else b""
    if not data or len(data) > MAX_RECEIPT:
        page["error"] = _("Choose the receipt file (an XML file up to 1 MiB).")
        return render_template("desk/receipt_check.html", **page), 400

    try:
        verdict = check_receipt(services(), data)
    except NotAReceiptError as exc:
        page["error"] = exc.words(g.get("lang", "pl"))
        _journal(None, "not-a-receipt")
        return render_template("desk/receipt_check.html", **page), exc.status

    page["verdict"] = verdict
    outcome = "genuine" if verdict.genuine and verdict.matches_registry else "not"
    _journal(verdict.registry_number, outcome)
    if verdict.genuine and verdict.registry_number:
        page["entry"] = _entry(verdict.registry_number)

    return render_template("desk/receipt_check.html", **page)


def _by_number(page: dict[str, Any]) -> str | tuple[str, int]:
    number = page["number"].upper()
    entry = _entry(number) if NUMBER.fullmatch(number) else None
    _journal(number if entry else None, "found" if entry else "not-found")
    if entry is None:
        page["error"] = _("The registry holds no document under this number.")
        return render_template("desk/receipt_check.html", **page), 404

    page["entry"] = entry
    return render_template("desk/receipt_check.html", **page)


def _entry(number: str) -> dict[str, Any] | None:
    with services().sessions() as db:
        document = get_document_by_number(db, number)
        if document is None:
            return None

        case = case_of_document(db, document)
        return {
            "number": document.registry_number,
            "received_at": document.received_at,
            "channel": document.channel,
            "form": document.form_id,
            "sha256": document.sha256,
            "size": document.size,
            "indication": document.indication,
            "status": document.status,
            "department": document.department,
            "case": case.number if case else None,
            # Enough to compare with the printout; the whole code opens the
            # citizen's pages and stays on the receipt.
            "code_end": document.access_code[-4:],
        }


def _journal(number: str | None, outcome: str) -> None:
    with writing(services().sessions) as db:
        clerk = db.get_one(Clerk, current_clerk().id)
        record_office_event(db, EVENT_CHECKED, clerk, document=number, outcome=outcome)
