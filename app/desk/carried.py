"""The documents a transfer package from another office carried.

The package is the registered document (its original, as received); the
originals it carried are kept beside it in the blob store and listed in its
report. A clerk who may see the package may download each of them; every
download is recorded as a view of the package.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort
from sqlalchemy import select

from app.cases import writing
from app.cases.access import Action, may_on_document
from app.cases.models import Clerk
from app.cases.trail import record_view
from app.desk import bp
from app.desk.auth import current_clerk, require
from app.registry.models import Document
from app.services import current_services as services
from app.transfers.outgoing import read_blob

SUFFIXES = {
    "application/pdf": ".pdf",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
}


@bp.get("/documents/<public_id>/carried/<int:index>")
@require(Action.VIEW_DOCUMENT)
def carried_document(public_id: str, index: int) -> Response:
    """Download one original a received transfer package carried."""
    with writing(services().sessions) as db:
        document = db.scalar(select(Document).where(Document.public_id == public_id))
        viewer = db.get_one(Clerk, current_clerk().id)
        if document is None or not may_on_document(
            db, viewer, Action.VIEW_DOCUMENT, document
        ):
            abort(404)

        listed = carried_of(document)
        if not 0 <= index < len(listed):
            abort(404)

        record_view(db, viewer, document)
        item = listed[index]

    name = item["registry_number"].replace("/", "-") or f"document-{index + 1}"
    return Response(
        read_blob(services(), item["sha256"]),
        mimetype=item["media_type"] or "application/octet-stream",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{name}{SUFFIXES.get(item["media_type"], "")}"'
            ),
            "Cache-Control": "private, no-store",
        },
    )


def carried_of(document: Document) -> list[dict[str, Any]]:
    """The carried documents a package's report lists; [] for anything else."""
    transfer = json.loads(document.report_json).get("transfer") or {}
    listed = transfer.get("documents") or []
    return [item for item in listed if isinstance(item, dict)]


def transfer_facts(document: Document) -> dict[str, Any] | None:
    """The sending office, its note and case, and the carried documents."""
    transfer = json.loads(document.report_json).get("transfer")
    if not isinstance(transfer, dict):
        return None

    return {**transfer, "documents": carried_of(document)}


bp.add_app_template_global(transfer_facts, "transfer_facts")
