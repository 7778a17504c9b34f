"""A submission's validation report: the stored JSON, or ETSI TS 119 102-2 XML.

The XML is a small, honest rendering of the stored report in the shape of
ETSI TS 119 102-2 (``ValidationReport`` with one ``SignatureValidationReport``
per signature): the signature's id, validation time, signing time, signer
and the main and sub indication as the URIs of clause 5.1.3 of
EN 319 102-1 (``urn:etsi:019102:mainindication:total-passed`` …). It makes
no claims beyond what our validation established.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from lxml import etree

from app.api import bp
from app.api.status import visible_document
from app.services import current_services as services

ETSI_NS = "http://uri.etsi.org/19102/v1.2.1#"
MAIN_URI = "urn:etsi:019102:mainindication:"
SUB_URI = "urn:etsi:019102:subindication:"
VALIDATION_POE = "urn:etsi:019102:poetype:validation"


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
    """Render a stored report (``app.intake.report``) as ETSI-shaped XML."""
    signature = report.get("signature") or {}
    nsmap: Any = {None: ETSI_NS}
    root = etree.Element(_tag("ValidationReport"), nsmap=nsmap)
    validation_time = signature.get("validation_time")
    for item in signature.get("signatures") or ():
        root.append(_signature_report(item, validation_time))

    return bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def main_indication_uri(indication: str) -> str:
    """Return the URI of a main indication: TOTAL_PASSED → …:total-passed."""
    return MAIN_URI + indication.lower().replace("_", "-")


def _signature_report(item: dict[str, Any], validation_time: str | None) -> Any:
    report = etree.Element(_tag("SignatureValidationReport"))
    identifier = _child(report, "SignatureIdentifier")
    identifier.set("id", str(item.get("signature_id") or ""))
    _child(identifier, "HashOnly", "false")
    _child(identifier, "DocHashOnly", "false")

    if validation_time:
        time_info = _child(report, "ValidationTimeInfo")
        _child(time_info, "ValidationTime", validation_time)

    if item.get("signing_time"):
        attributes = _child(report, "SignatureAttributes")
        signing_time = _child(attributes, "SigningTime")
        _child(signing_time, "Time", item["signing_time"])

    signer = item.get("signer") or {}
    if signer.get("name"):
        information = _child(report, "SignerInformation")
        _child(information, "Signer", signer["name"])

    _status(report, item)
    return report


def _status(report: Any, item: dict[str, Any]) -> None:
    status = _child(report, "SignatureValidationStatus")
    _child(status, "MainIndication", main_indication_uri(item["indication"]))
    if item.get("subindication"):
        _child(status, "SubIndication", SUB_URI + item["subindication"])


def _child(parent: Any, name: str, text: str | None = None) -> Any:
    element = etree.SubElement(parent, _tag(name))
    if text is not None:
        element.text = text

    return element


def _tag(name: str) -> str:
    return f"{{{ETSI_NS}}}{name}"
