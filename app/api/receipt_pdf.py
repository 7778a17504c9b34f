"""The printable receipt: a PAdES-sealed PDF of the stored receipt XML."""

from __future__ import annotations

import logging

from flask import Response

from app.api import bp
from app.api.access import document_for_code
from app.errors import ErrorCode, RequestError
from app.receipts.pdf import FormTitles
from app.registry.queries import get_receipt
from app.services import Services
from app.services import current_services as services

log = logging.getLogger(__name__)


@bp.get("/receipts/<int:year>/<int:sequence>.pdf")
def receipt_pdf(year: int, sequence: int) -> Response:
    """Return the sealed PDF receipt to whoever holds its access code."""
    found = services()
    with found.sessions() as session:
        document = document_for_code(session, year, sequence)
        receipt = get_receipt(session, document.id)
        if receipt is None:
            raise RequestError(ErrorCode.NOT_FOUND, 404)

        xml = receipt.xml
        form_id, version = document.form_id or "", document.form_version or ""

    pdf = found.pdf_receipts.make(xml, _titles(found, form_id, version))
    log.info("PDF receipt issued", extra={"registry_number": f"RPW/{sequence}/{year}"})
    name = f"UPO-{year}-{sequence}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _titles(found: Services, form_id: str, version: str) -> FormTitles:
    try:
        form = found.catalog.get(form_id, version)
    except KeyError:
        return FormTitles(pl=form_id, en=form_id)

    return FormTitles(pl=form.title_pl, en=form.title_en)
