"""Check a receipt: is the seal ours and intact, and does the registry agree?"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from app.errors import MESSAGES, ErrorCode
from app.i18n import N_, translate
from app.receipts.build import RECEIPT_NS, format_time
from app.registry.journal import EVENT_REGISTERED
from app.registry.models import JournalEntry
from app.registry.queries import get_document_by_number
from signing.detached import looks_like_xml
from signing.errors import ForbiddenXMLError, MalformedXMLError, SigningInputError
from signing.pdfquirks import looks_like_pdf
from signing.result import Indication, SignatureResult
from signing.sealcover import outside_seal
from signing.sealed import signed_root
from signing.validate import validate_xml

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.registry.models import Document
    from app.services import Services

log = logging.getLogger(__name__)


SEAL_BROKEN = "seal-broken"
SEAL_UNCONFIRMED = "seal-unconfirmed"
FOREIGN_SEAL = "foreign-seal"
NOT_IN_REGISTRY = "not-in-registry"
DIFFERS = "differs:"

PROBLEMS: dict[str, str] = {
    SEAL_BROKEN: N_(
        "The seal on the receipt does not verify: the receipt was altered."
    ),
    SEAL_UNCONFIRMED: N_(
        "The seal could not be confirmed: its certificate is not from a trusted issuer."
    ),
    FOREIGN_SEAL: N_("The receipt was not sealed with this office's seal."),
    NOT_IN_REGISTRY: N_("The registry holds no document under this number."),
}
DIFFERS_WORDS = N_("The receipt's %(field)s differs from the registry.")
NOT_XML_WORDS = N_(
    "The file is not XML, and a receipt is an XML file sealed by the office."
)
OUTSIDE_SEAL_WORDS = N_(
    "The receipt holds content outside what its signature covers (another "
    "receipt, or a comment inside a value): as it stands it is not a genuine "
    "receipt of the office."
)


class NotAReceiptError(Exception):
    """The file is not a sealed receipt of this system's schema."""

    def __init__(
        self,
        code: ErrorCode = ErrorCode.NOT_A_RECEIPT,
        status: int = 422,
        message: str | None = None,
    ):
        super().__init__(code.value)
        self.code = code
        self.status = status
        self.message = message or MESSAGES[code]
        """The English sentence (a code's own, or the receipt check's words)."""

    def words(self, lang: str | None = None) -> str:
        """The sentence in ``lang`` (default: the page's language)."""
        return translate(self.message, lang)


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
    """Stable codes of what did not hold; ``describe`` words them."""


def check_receipt(services: Services, data: bytes) -> ReceiptCheck:
    """Validate the receipt's seal, then compare its signed fields to the registry."""
    if looks_like_pdf(data):
        # The printed copy: its seal is checked by any PDF reader, and what it
        # says by the XML receipt or by the number and code printed on it.
        raise NotAReceiptError(ErrorCode.PDF_RECEIPT)

    if not looks_like_xml(data):
        raise NotAReceiptError(ErrorCode.NOT_XML, 400, NOT_XML_WORDS)

    try:
        validation = validate_xml(data, services.receipt_policy)
    except MalformedXMLError as exc:
        raise NotAReceiptError(ErrorCode.MALFORMED_XML, 400) from exc
    except ForbiddenXMLError as exc:
        raise NotAReceiptError(ErrorCode.FORBIDDEN_XML, 400) from exc
    except SigningInputError as exc:
        raise NotAReceiptError() from exc

    signed = _signed_receipt(validation.signatures)
    if signed is None:
        raise NotAReceiptError()

    if outside_seal(data, validation.primary) is not None:
        # Refused as intake refuses it: a reader of the file would see text
        # (a second receipt, a comment inside a value) the seal never covered.
        raise NotAReceiptError(
            ErrorCode.CONTENT_OUTSIDE_SIGNATURE, message=OUTSIDE_SEAL_WORDS
        )

    problems: list[str] = []
    signature = validation.primary
    ours = signature.signer is not None and hmac.compare_digest(
        signature.signer.certificate_sha256, services.seal_fingerprint
    )
    if validation.indication is Indication.TOTAL_FAILED:
        problems.append(SEAL_BROKEN)
    elif validation.indication is Indication.INDETERMINATE:
        problems.append(SEAL_UNCONFIRMED)
    if not ours:
        problems.append(FOREIGN_SEAL)

    genuine = not problems
    number = _text(signed, "RegistryNumber")
    matches = False
    if genuine and number:
        with services.sessions() as session:
            document = get_document_by_number(session, number)
            mismatch = _compare(signed, document)
            if document is not None:
                mismatch += _compare_position(session, signed, document)
        matches = not mismatch
        problems.extend(mismatch)

    log.info(
        "receipt checked",
        extra={"registry_number": number, "genuine": genuine, "matches": matches},
    )
    return ReceiptCheck(genuine, number, matches, tuple(problems))


def _signed_receipt(
    signatures: Sequence[SignatureResult],
) -> etree._Element | None:
    # One seal, covering the whole receipt: its facts are read from there only.
    if len(signatures) != 1:
        return None

    return signed_root(signatures[0], RECEIPT_NS, "Receipt")


def describe(problem: str, lang: str | None = None) -> str:
    """Say a problem found by the check in plain words (default: page language)."""
    if problem.startswith(DIFFERS):
        field = problem.removeprefix(DIFFERS)
        return translate(DIFFERS_WORDS, lang) % {"field": field}

    return translate(PROBLEMS.get(problem, problem), lang)


def _compare(signed: etree._Element, document: Document | None) -> list[str]:
    if document is None:
        return [NOT_IN_REGISTRY]

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
        DIFFERS + path
        for path, value in expected.items()
        if _text(signed, path) != value
    ]


def _compare_position(
    session: Session, signed: etree._Element, document: Document
) -> list[str]:
    # Receipts issued before journal positions were added carry none.
    given = _text(signed, "JournalPosition")
    if given is None:
        return []

    entry = session.get(JournalEntry, int(given)) if given.isdigit() else None
    if (
        given != str(document.journal_position)
        or entry is None
        or entry.event != EVENT_REGISTERED
        or entry.document_id != document.id
    ):
        return [DIFFERS + "JournalPosition"]

    return []


def _text(element: etree._Element, path: str) -> str | None:
    steps = "/".join(f"r:{step}" for step in path.split("/"))
    found = element.find(steps, namespaces={"r": RECEIPT_NS})
    return found.text if found is not None else None
