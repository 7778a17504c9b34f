"""The printable receipt of a document registered at the desk."""

from __future__ import annotations

import logging

from flask import Response, abort

from app.receipts.pdf import FormTitles
from app.registry.models import Document
from app.registry.queries import get_receipt
from app.services import current_services as services

log = logging.getLogger(__name__)


def receipt_pdf_response(document: Document) -> Response:
    """Answer with the sealed PDF of the document's stored receipt."""
    found = services()
    with found.sessions() as db:
        receipt = get_receipt(db, document.id)

    if receipt is None:
        abort(404)

    pdf = found.pdf_receipts.make(receipt.xml, _titles(document))
    log.info("PDF receipt printed", extra={"registry_number": document.registry_number})
    name = f"UPO-{document.year}-{document.sequence}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _titles(document: Document) -> FormTitles:
    try:
        form = services().catalog.get(document.form_id or "", document.form_version)
    except KeyError:
        return FormTitles(pl="pismo złożone w urzędzie", en="paper letter")

    return FormTitles(pl=form.title_pl, en=form.title_en)
