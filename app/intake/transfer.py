"""A transfer package from a partner office, taken in like any submission.

The package (``schemas/transfer.xsd``) is recognised by its media type or
its root element. Its seal must verify against the sending office's own
trust anchors (app.transfers.partners), it must be addressed to this office
and every carried document must have the SHA-256 it states. The package's
bytes, exactly as received, become the registered document (channel
``office``), receipted like any other; the carried originals are stored
beside it in the blob store and listed in the report.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cases.records import Transfer
from app.errors import ErrorCode, RequestError
from app.intake.report import report_dict
from app.notifications.outbox import enqueue_registered
from app.receipts.timestamp import issue_receipt
from app.registry import journal, register
from app.registry.fields import SIGNER_IDENTIFIER_LENGTH, storable
from app.registry.models import Document, Receipt
from app.transfers import TRANSFER_MEDIA_TYPE, TRANSFER_NS
from app.transfers import package as p
from app.transfers.partners import PartnersFileError, load_partners
from signing.result import ValidationResult

if TYPE_CHECKING:
    from app.intake.pipeline import Outcome, Submission
    from app.services import Services

log = logging.getLogger(__name__)

CHANNEL = "office"
EVENT_RECEIVED = "transfer-received"
# The root start tag, after an optional declaration, comments and blanks.
ROOT_TAG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:[A-Za-z_][\w.-]*:)?TransferPackage[\s>/]",
    re.DOTALL,
)

REFUSALS = {
    p.MALFORMED: (ErrorCode.TRANSFER_MALFORMED, 422),
    p.UNKNOWN_OFFICE: (ErrorCode.TRANSFER_UNKNOWN_OFFICE, 422),
    p.SEAL_INVALID: (ErrorCode.TRANSFER_SEAL_INVALID, 422),
    p.WRONG_RECIPIENT: (ErrorCode.TRANSFER_WRONG_RECIPIENT, 422),
    p.DIGEST_MISMATCH: (ErrorCode.TRANSFER_DIGEST_MISMATCH, 422),
    p.FORBIDDEN_XML: (ErrorCode.FORBIDDEN_XML, 400),
}


def is_transfer(data: bytes, media_type: str) -> bool:
    """Say whether the body is a transfer package (by media type or root)."""
    if media_type == TRANSFER_MEDIA_TYPE:
        return True

    return (
        ROOT_TAG.match(data[:4096]) is not None and TRANSFER_NS.encode() in data[:4096]
    )


def take_transfer(
    services: Services, data: bytes, digest: str, submission: Submission
) -> Outcome:
    """Verify, store and register a transfer package; raise RequestError if refused."""
    from app.intake.pipeline import Outcome

    if submission.allowed_forms is not None:
        _refuse(digest, ErrorCode.FORBIDDEN_FORM, 403)

    package = _verified(services, data, digest)
    _check_new(services, package, digest)

    services.blobs.put(data)
    for carried in package.documents:
        services.blobs.put(carried.content)

    validation = ValidationResult(
        package.seal.indication,
        package.seal.subindication,
        (package.seal,),
        datetime.now(UTC),
    )
    document, receipt, stamped = _register(
        services, data, digest, package, validation, submission.client_id
    )
    log.info(
        "transfer registered",
        extra={"sha256": digest, "office": package.sender.office_id},
    )
    return Outcome(document, receipt, validation, None, (), stamped)


def _verified(services: Services, data: bytes, digest: str) -> p.Package:
    settings = services.settings
    try:
        partners = load_partners(settings.partners_file)
    except PartnersFileError:
        log.exception("partners file unusable")
        raise RequestError(ErrorCode.UNAVAILABLE, 503) from None

    try:
        return p.read_package(data, partners, settings.office_id)
    except p.TransferError as exc:
        code, status = REFUSALS[exc.reason]
        _refuse(digest, code, status)
        raise  # unreachable: _refuse raises


def _check_new(services: Services, package: p.Package, digest: str) -> None:
    with services.sessions() as session:
        taken = session.scalar(
            select(Transfer.id).where(
                Transfer.package_id == package.package_id, Transfer.direction == "in"
            )
        )

    if taken is not None:
        _refuse(digest, ErrorCode.TRANSFER_DUPLICATE, 409)


def _refuse(digest: str, code: ErrorCode, status: int) -> None:
    log.warning("refused", extra={"sha256": digest, "reason": code.value})
    raise RequestError(code, status)


def _register(
    services: Services,
    data: bytes,
    digest: str,
    package: p.Package,
    validation: ValidationResult,
    client_id: int | None,
) -> tuple[Document, Receipt, bool]:
    stamped_at_issue = False

    def receipt_builder(document: Document) -> bytes:
        nonlocal stamped_at_issue
        issued = issue_receipt(services, document)
        stamped_at_issue = issued.timestamped
        return issued.xml

    def on_registered(session: Session, document: Document) -> None:
        enqueue_registered(session, document)
        _record(session, document, package, digest)

    signer = package.seal.signer
    department = package.sender.department or services.settings.pdf_department
    try:
        with services.sessions() as session:
            document, receipt = register(
                session,
                received_at=validation.validation_time,
                channel=CHANNEL,
                sender=package.sender.name,
                signer_name=storable(signer.name) if signer else None,
                signer_identifier=(
                    storable(signer.identifier, SIGNER_IDENTIFIER_LENGTH)
                    if signer
                    else None
                ),
                signer_cert_sha256=package.seal_sha256,
                signing_time=package.seal.signing_time,
                sha256=digest,
                size=len(data),
                media_type=TRANSFER_MEDIA_TYPE,
                indication=validation.indication.value,
                report_json=_report(validation, package),
                department=department,
                client_id=client_id,
                blobs=_carried_blobs(package),
                receipt_builder=receipt_builder,
                on_registered=on_registered,
            )
    except IntegrityError:
        # The same package registered at this very moment by another request.
        _refuse(digest, ErrorCode.TRANSFER_DUPLICATE, 409)
        raise

    return document, receipt, stamped_at_issue


def _record(
    session: Session, document: Document, package: p.Package, digest: str
) -> None:
    entry = journal.append(
        session,
        EVENT_RECEIVED,
        document.id,
        {
            "package": package.package_id,
            "office": package.sender.office_id,
            "documents": [c.sha256 for c in package.documents],
        },
    )
    session.add(
        Transfer(
            package_id=package.package_id,
            direction="in",
            office=package.sender.office_id,
            document_id=document.id,
            at=entry.at,
            package_sha256=digest,
            note=package.note,
            journal_position=entry.position,
        )
    )


def _carried_blobs(package: p.Package) -> list[tuple[str, str, int | None]]:
    """The carried originals, stored beside the package, named in the registry."""
    return [
        (f"carried-{n}", c.sha256, len(c.content))
        for n, c in enumerate(package.documents, 1)
    ]


def _report(validation: ValidationResult, package: p.Package) -> str:
    report = report_dict(validation, [])
    report["schema"]["applies"] = False
    report["transfer"] = {
        "package_id": package.package_id,
        "created_at": package.created_at,
        "office": package.sender.office_id,
        "office_name": package.sender.name,
        "note": package.note,
        "case": package.case.__dict__ if package.case else None,
        "documents": [
            {
                "registry_number": c.registry_number,
                "received_at": c.received_at,
                "channel": c.channel,
                "media_type": c.media_type,
                "sha256": c.sha256,
                "size": len(c.content),
                "form_id": c.form_id,
                "indication": c.indication,
            }
            for c in package.documents
        ],
    }
    return json.dumps(report, ensure_ascii=False)
