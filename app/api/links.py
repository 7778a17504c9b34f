"""How the API describes a registered document: its status and its links."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, request, url_for

from app.registry.models import Document

# Values the routes take as they are: werkzeug writes them into an address
# unchanged, so a template's marks can be swapped for them.
PLAIN = re.compile(r"[A-Za-z0-9-]{1,64}")
MARKS: dict[str, Any] = {
    "year": 7777777771,
    "sequence": 7777777772,
    "public_id": "zzmarkpublicidzz",
    "code": "zzmarkcodezz",
}
EXTENSION = "kancelaria_link_templates"


def document_json(document: Document, case_number: str | None) -> dict[str, Any]:
    """Return the status of a document as ``GET /submissions/{id}`` shows it."""
    return {
        "id": document.public_id,
        "registry_number": document.registry_number,
        "status": document.status,
        "indication": document.indication,
        "subindication": document.subindication,
        "form": {"id": document.form_id, "version": document.form_version},
        "sha256": document.sha256,
        "received_at": document.received_at.isoformat(),
        "case_number": case_number,
        **document_links(document),
    }


def document_links(document: Document) -> dict[str, str]:
    """Return the addresses of a document's status, report and receipts.

    Each carries the access code, so that whoever was given them (the
    submitter) can follow them without credentials.
    """
    _, sequence, year = document.registry_number.split("/")
    number = {"year": int(year), "sequence": int(sequence)}
    code = document.access_code
    public_id = document.public_id
    return {
        "receipt_url": link("api.receipt", **number, code=code),
        "receipt_pdf_url": link("api.receipt_pdf", **number, code=code),
        "proof_url": link("api.receipt_proof", **number, code=code),
        "status_url": link("api.submission_status", public_id=public_id, code=code),
        "report_url": link("api.submission_report", public_id=public_id, code=code),
    }


def link(endpoint: str, **values: Any) -> str:
    """Return ``url_for(endpoint, **values)``, built once per route and reused.

    Every answer names five addresses; werkzeug's URL building is the same
    work each time, so its result for marked values is kept and the marks
    are replaced. Values werkzeug would escape go through ``url_for``.
    """
    pieces = _template(endpoint, tuple(sorted(values)))
    if pieces is None or not all(
        PLAIN.fullmatch(str(value)) for value in values.values()
    ):
        return url_for(endpoint, **values)

    # Odd pieces are the names of the values, in the order they stand.
    return "".join(
        str(values[piece]) if index % 2 else piece for index, piece in enumerate(pieces)
    )


def _template(endpoint: str, names: tuple[str, ...]) -> list[str] | None:
    templates: dict[tuple[str, str, tuple[str, ...]], list[str] | None]
    templates = current_app.extensions.setdefault(EXTENSION, {})
    # The script root comes from each request (a proxy may mount the app).
    key = (endpoint, request.script_root, names)
    if key not in templates:
        marked = url_for(endpoint, **{name: MARKS[name] for name in names})
        templates[key] = _split(marked, names)

    return templates[key]


def _split(marked: str, names: tuple[str, ...]) -> list[str] | None:
    """Split an address at its marks; None unless each stands there once."""
    by_mark = {str(MARKS[name]): name for name in names}
    pieces = re.split("(" + "|".join(map(re.escape, by_mark)) + ")", marked)
    found = pieces[1::2]
    if sorted(found) != sorted(by_mark):
        return None

    pieces[1::2] = [by_mark[mark] for mark in found]
    return pieces
