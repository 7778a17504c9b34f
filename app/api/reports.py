"""A submission's validation report: the stored JSON, or ETSI TS 119 102-2 XML.

The XML is rendered by :mod:`signing.etsi_report` from the stored report.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from app.api import bp
from app.api.status import visible_document
from app.services import current_services as services
from signing.etsi_report import ETSI_NS, main_indication_uri, render_report

__all__ = ["ETSI_NS", "etsi_report", "main_indication_uri"]


@bp.get("/submissions/<public_id>/report")
def submission_report(public_id: str) -> Response:
    """Return the validation report stored when the submission was registered."""
    with services().sessions() as session:
        report = visible_document(session, public_id).report_json

    return Response(report, mimetype="application/json")


@bp.get("/submissions/<public_id>/report.xml")
def submission_report_xml(public_id: str) -> Response:
    """Return the validation report as ETSI TS 119 102-2-shaped XML."""
    with services().sessions() as session:
        report = json.loads(visible_document(session, public_id).report_json)

    xml = etsi_report(report)
    return Response(xml, mimetype="application/xml")


def etsi_report(report: dict[str, Any]) -> bytes:
    """Render a stored report (``app.intake.report``) as TS 119 102-2 XML."""
    return render_report(report.get("signature") or {})
