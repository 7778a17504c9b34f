"""Check a receipt: is the seal ours and intact, and does the registry agree?"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from app.receipts.build import RECEIPT_NS, format_time
from app.registry.queries import get_document_by_number
from signing.errors import SigningInputError
from signing.result import Indication, SignatureResult
from signing.validate import form_elements, validate_xml

if TYPE_CHECKING:
    from app.registry.models import Document
    from app.services import Services

log = logging.getLogger(__name__)


class NotAReceiptError(Exception):
    """The file is not a sealed receipt of this system's schema."""


@dataclass(frozen=True)
class ReceiptCheck:
    """The verdict on one receipt."""

    genuine: bool
    """The seal verifies and was made with this office's seal certificate."""
    registry_number: str | None
    """The registry number the signed receipt names."""
    matches_registry: bool
    """The registry holds a document whose facts equal the receipt's."""
    problems: tuple[str, ...]
    """Plain sentences saying what did not hold."""


def check_receipt(services: Services, data: bytes) -> ReceiptCheck:
    """Validate the receipt's seal, then compare its signed fields to the registry."""
    try:
        validation = validate_xml(data, services.receipt_policy)
    except SigningInputError as exc:
        raise NotAReceiptError(exc.code) from exc

    signed = _signed_receipt(validation.primary) if validation.signatures else None
    if signed is None:
        raise NotAReceiptError("no signed receipt element")

    problems: list[str] = []
    signature = validation.primary
    ours = signature.signer is not None and hmac.compare_digest(
        signature.signer.certificate_sha256, services.seal_fingerprint
    )
    if validation.indication is not Indication.TOTAL_PASSED:
        problems.append("The seal on the receipt does not verify.")
    if not ours:
        problems.append("The receipt was not sealed with this office's seal.")

    genuine = not problems
    number = _text(signed, "RegistryNumber")
    matches = False
    if genuine and number:
        with services.sessions() as session:
            document = get_document_by_number(session, number)
            mismatch = _compare(signed, document)
        matches = not mismatch
        problems.extend(mismatch)

    log.info(
        "receipt checked",
        extra={"registry_number": number, "genuine": genuine, "matches": matches},
    )
    return ReceiptCheck(genuine, number, matches, tuple(problems))


def _signed_receipt(signature: SignatureResult) -> etree._Element | None:
    for element in form_elements(signature):
        if element.tag == f"{{{RECEIPT_NS}}}Receipt":
            return element

    return None


def _compare(signed: etree._Element, document: Document | None) -> list[str]:
    if document is None:
        return ["The registry holds no document under this number."]

    expected = {
        "ReceivedAt": format_time(document.received_at),
        "Document/SHA256": document.sha256,
        "Document/Size": str(document.size),
        "Form/Id": document.form_id,
        "Form/Version": document.form_version,
        "Validation/Indication": document.indication,
        "AccessCode": document.access_code,
    }
    return [
        f"The receipt's {path} differs from the registry."
        for path, value in expected.items()
        if _text(signed, path) != value
    ]


def _text(element: etree._Element, path: str) -> str | None:
    steps = "/".join(f"r:{step}" for step in path.split("/"))
    found = element.find(steps, namespaces={"r": RECEIPT_NS})
    return found.text if found is not None else None
