"""How the API describes a registered document: its status and its links."""

from __future__ import annotations

from typing import Any

from flask import url_for

from app.registry.models import Document


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
    number = int(year), int(sequence)
    code = document.access_code
    public_id = document.public_id
    return {
        "receipt_url": _receipt("api.receipt", number, code),
        "receipt_pdf_url": _receipt("api.receipt_pdf", number, code),
        "proof_url": _receipt("api.receipt_proof", number, code),
        "status_url": url_for("api.submission_status", public_id=public_id, code=code),
        "report_url": url_for("api.submission_report", public_id=public_id, code=code),
    }


def _receipt(endpoint: str, number: tuple[int, int], code: str) -> str:
    year, sequence = number
    return url_for(endpoint, year=year, sequence=sequence, code=code)
