"""Build the receipt XML of ``schemas/receipt.xsd`` and seal it (XAdES-BES)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from signing.timetext import utc_text

if TYPE_CHECKING:
    from app.registry.models import Document
    from app.services import Services
    from signing.seal import EnvelopedSeal

RECEIPT_NS = "urn:kancelaria:receipt:1"


def build_receipt(services: Services, document: Document) -> bytes:
    """Return the sealed receipt for a document that has its registry number."""
    return seal_receipt(services, document).xml()


def seal_receipt(services: Services, document: Document) -> EnvelopedSeal:
    """Seal the receipt of a document, to be written out -BES or -T."""
    root = receipt_element(services.settings.office_name, document)
    return services.sealer.seal_enveloped(root)


def receipt_element(office_name: str, document: Document) -> etree._Element:
    """Lay out the receipt's fields in the order the schema gives."""
    root = etree.Element(_q("Receipt"), nsmap={None: RECEIPT_NS})  # type: ignore[dict-item]
    root.set("Id", "receipt-" + re.sub(r"[^A-Za-z0-9]+", "-", document.registry_number))

    office = _sub(root, "Office")
    _sub(office, "Name", office_name)
    _sub(root, "RegistryNumber", document.registry_number)
    _sub(root, "ReceivedAt", format_time(document.received_at))
    _sub(root, "Channel", document.channel)

    report = json.loads(document.report_json)
    doc = _sub(root, "Document")
    _sub(doc, "SHA256", document.sha256)
    _sub(doc, "Size", str(document.size))
    _sub(doc, "MediaType", document.media_type)
    _detached_signature(doc, report)

    # A document that is no XML form (a signed PDF letter) names no form.
    if document.form_id is not None:
        _form(root, document)

    if document.signer_cert_sha256:
        _signer(root, document)

    validation = _sub(root, "Validation")
    _sub(validation, "Indication", document.indication)
    if document.subindication:
        _sub(validation, "SubIndication", document.subindication)

    schema_ok = _schema_valid(report)
    _sub(validation, "SchemaValid", "true" if schema_ok else "false")

    _sub(root, "AccessCode", document.access_code)
    if document.journal_position is not None:
        _sub(root, "JournalPosition", str(document.journal_position))

    return root


def _detached_signature(doc: etree._Element, report: dict[str, Any]) -> None:
    """A detached signature received beside the document: its own digest."""
    parts = report.get("parts") or []
    for part in parts:
        if part.get("part") == "signature":
            signature = _sub(doc, "DetachedSignature")
            _sub(signature, "SHA256", str(part["sha256"]))
            _sub(signature, "Size", str(part["size"]))
            _sub(signature, "MediaType", str(part["media_type"]))


def schema_valid(document: Document) -> bool:
    """Read the schema verdict the intake pipeline stored in the report."""
    return _schema_valid(json.loads(document.report_json))


def _schema_valid(report: dict[str, Any]) -> bool:
    return bool(report.get("schema", {}).get("valid", False))


def format_time(moment: datetime) -> str:
    """Write a time as UTC xs:dateTime with microseconds and ``Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)

    return utc_text(moment)


def _form(root: etree._Element, document: Document) -> None:
    form = _sub(root, "Form")
    _sub(form, "Id", document.form_id)
    _sub(form, "Version", document.form_version)
    _sub(form, "Namespace", document.form_namespace)
    if document.schema_sha256:
        _sub(form, "SchemaSHA256", document.schema_sha256)


def _signer(root: etree._Element, document: Document) -> None:
    signer = _sub(root, "Signer")
    _sub(signer, "Name", document.signer_name or "")
    if document.signer_identifier:
        _sub(signer, "Identifier", document.signer_identifier)

    _sub(signer, "CertificateSHA256", document.signer_cert_sha256 or "")
    if document.signing_time:
        _sub(signer, "SigningTime", format_time(document.signing_time))

    # A name from an unconfirmed certificate is a claim, and the receipt says so.
    confirmed = document.indication == "TOTAL_PASSED"
    _sub(signer, "IdentityConfirmed", "true" if confirmed else "false")


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    if text is not None:
        child.text = text

    return child


def _q(name: str) -> str:
    return f"{{{RECEIPT_NS}}}{name}"
