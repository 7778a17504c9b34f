"""Paper brought to the front desk: its scan goes through intake like any upload.

A scan carries no electronic signature; the clerk at the desk has seen the
paper. The scan's type is taken from its first bytes (PDF, JPEG, PNG,
TIFF), never from the file name or the browser. The document is
registered with channel ``desk``, indication INDETERMINATE (nothing
electronic to verify) and a report that records the paper's details.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.cases.models import Department
from app.intake.report import report_dict
from app.notifications.outbox import enqueue_registered
from app.receipts.timestamp import issue_receipt
from app.registry.models import Document, Receipt
from app.registry.numbering import DEPARTMENT_SYMBOL
from signing.result import Indication, ValidationResult

if TYPE_CHECKING:
    from app.catalog import FormVersion
    from app.intake.pipeline import Outcome, Submission
    from app.services import Services

log = logging.getLogger(__name__)

CHANNEL = "desk"
ARRIVALS = ("in-person", "post")
MAX_PAGES = 10_000
MAX_TEXT = 500

MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class PaperErrorCode(StrEnum):
    """Why the desk refused a paper registration (stable, shown with a sentence)."""

    NOT_A_SCAN = "not-a-scan"
    BAD_PAPER_DETAILS = "bad-paper-details"


class PaperError(ValueError):
    """A scan or paper details the desk does not take; nothing was stored."""

    def __init__(self, code: PaperErrorCode, field: str | None = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Paper:
    """What the clerk typed in about the paper in hand."""

    sender: str
    department: str
    pages: int
    attachments: int
    arrival: str
    subject: str | None = None
    form: FormVersion | None = None
    # The draft (app.drafts) whose printout this is: its code and XML, kept
    # with the scan so the paper copy stays linked to what was filled in.
    draft_code: str | None = None
    draft_xml: bytes | None = None

    def check(self) -> None:
        """Raise PaperError naming the first field that is missing or wrong."""
        problems = [
            ("sender", 0 < len(self.sender.strip()) <= MAX_TEXT),
            ("department", bool(DEPARTMENT_SYMBOL.fullmatch(self.department))),
            ("pages", 1 <= self.pages <= MAX_PAGES),
            ("attachments", 0 <= self.attachments <= MAX_PAGES),
            ("arrival", self.arrival in ARRIVALS),
            ("subject", self.form is not None or bool((self.subject or "").strip())),
            ("subject", len(self.subject or "") <= MAX_TEXT),
        ]
        for field, fine in problems:
            if not fine:
                raise PaperError(PaperErrorCode.BAD_PAPER_DETAILS, field)


def scan_media_type(data: bytes) -> str:
    """Return the media type the scan's first bytes show; refuse anything else."""
    for magic, media_type in MAGIC:
        if data.startswith(magic):
            return media_type

    raise PaperError(PaperErrorCode.NOT_A_SCAN, "scan")


def take_scan(
    services: Services, data: bytes, digest: str, submission: Submission
) -> Outcome:
    """Check, store and register a scanned paper document."""
    from app.intake.pipeline import Outcome

    paper = submission.paper
    assert paper is not None
    paper.check()
    _check_department(services, paper.department)
    media_type = scan_media_type(data)

    services.blobs.put(data)
    if paper.draft_xml is not None:
        services.blobs.put(paper.draft_xml)

    validation = ValidationResult(Indication.INDETERMINATE, None, (), datetime.now(UTC))
    document, receipt, stamped = _register(
        services, data, digest, paper, media_type, validation
    )
    log.info("paper registered", extra={"sha256": digest, "media_type": media_type})
    return Outcome(document, receipt, validation, paper.form, (), stamped)


def _check_department(services: Services, symbol: str) -> None:
    """Refuse paper for a department that does not exist or no longer works."""
    with services.sessions() as session:
        active = session.scalar(
            select(Department.active).where(Department.symbol == symbol)
        )

    if not active:
        raise PaperError(PaperErrorCode.BAD_PAPER_DETAILS, "department")


def _register(
    services: Services,
    data: bytes,
    digest: str,
    paper: Paper,
    media_type: str,
    validation: ValidationResult,
) -> tuple[Document, Receipt, bool]:
    stamped_at_issue = False

    def receipt_builder(document: Document) -> bytes:
        nonlocal stamped_at_issue
        issued = issue_receipt(services, document)
        stamped_at_issue = issued.timestamped
        return issued.xml

    form = paper.form
    # Through the registrar like every other registration (group commit).
    document, receipt = services.registrar.register(
        received_at=validation.validation_time,
        channel=CHANNEL,
        form_id=form.form_id if form else None,
        form_version=form.version if form else None,
        form_namespace=form.namespace if form else None,
        sender=paper.sender.strip(),
        sha256=digest,
        size=len(data),
        media_type=media_type,
        indication=validation.indication.value,
        report_json=_report(validation, paper),
        department=paper.department,
        blobs=_linked_blobs(paper),
        receipt_builder=receipt_builder,
        on_registered=enqueue_registered,
    )

    return document, receipt, stamped_at_issue


def _linked_blobs(paper: Paper) -> list[tuple[str, str, int | None]]:
    """The stored draft XML this paper is linked to, named in the registry."""
    if paper.draft_code is None or paper.draft_xml is None:
        return []

    digest = hashlib.sha256(paper.draft_xml).hexdigest()
    return [("draft", digest, len(paper.draft_xml))]


def _report(validation: ValidationResult, paper: Paper) -> str:
    report = report_dict(validation, [])
    report["schema"]["applies"] = False
    # The sender is in the document row; the report keeps the paper's facts.
    report["paper"] = {
        "arrival": paper.arrival,
        "pages": paper.pages,
        "attachments": paper.attachments,
        "subject": paper.subject,
        "form": paper.form.form_id if paper.form else None,
    }
    if paper.draft_code is not None and paper.draft_xml is not None:
        report["paper"]["draft"] = {
            "code": paper.draft_code,
            "sha256": hashlib.sha256(paper.draft_xml).hexdigest(),
        }
    return json.dumps(report, ensure_ascii=False)
