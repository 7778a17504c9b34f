"""Take in one submission: receive, recognise, validate, identify, store, register.

Each step is a small function; ``intake`` runs them in order. Nothing is
registered unless the bytes are durably stored first, and everything after that
happens in one database transaction (``app.registry.register``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy.exc import IntegrityError

from app.catalog import FormIssue, FormVersion
from app.errors import ErrorCode, RequestError
from app.intake.coverage import refuse_part_signed, refuse_uncovered
from app.intake.own_seal import refuse_own_receipt
from app.intake.report import report_dict, report_json
from app.intake.scan import Paper, take_scan
from app.intake.transfer import is_transfer, take_transfer
from app.notifications.outbox import enqueue_registered
from app.receipts.timestamp import issue_receipt, try_stamp_receipt
from app.registry.checkpoints import maybe_checkpoint
from app.registry.fields import SIGNER_IDENTIFIER_LENGTH, storable
from app.registry.models import Document, Receipt
from app.services import Services
from signing.detached import external_references
from signing.errors import (
    ForbiddenXMLError,
    MalformedXMLError,
    NotPDFError,
    NotSignedError,
)
from signing.pades import validate_pdf
from signing.result import SignatureResult, SignedObject, ValidationResult
from signing.validate import FORM_ELEMENT_KINDS, validate_xml

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
PDF_MAGIC = b"%PDF-"
PDF_MEDIA_TYPE = "application/pdf"
PDF_TS = "PDF-TS"


@dataclass(frozen=True)
class Submission:
    """What a channel hands to the pipeline besides the bytes."""

    channel: str
    sender: str | None = None
    media_type: str = "application/xml"
    # The API client that sent it (its webhooks hear of the registration).
    client_id: int | None = None
    # Form ids the sender may submit; None allows every form. Checked as soon
    # as the form is known, before anything is stored or registered.
    allowed_forms: frozenset[str] | None = None
    # Paper registered at the front desk: the body is its scan (app.intake.scan).
    paper: Paper | None = None


@dataclass(frozen=True)
class Outcome:
    """A registered submission: its registry row, receipt and validation."""

    document: Document
    receipt: Receipt
    validation: ValidationResult
    # None for a signed PDF: a letter to the office, not a catalog form.
    form: FormVersion | None
    issues: tuple[FormIssue, ...]
    receipt_timestamped: bool = False


def intake(
    services: Services,
    stream: IO[bytes],
    submission: Submission,
    length: int | None = None,
) -> Outcome:
    """Run the whole pipeline on one body; raise RequestError to refuse it.

    ``length`` is the size the client announced, when it did: a body that ends
    before it is a broken upload, never a document.
    """
    from app.intake import shapes  # containers and CMS; it builds on this module

    data = receive(stream, services.settings.max_upload_bytes, length)
    digest = hashlib.sha256(data).hexdigest()
    log.info("received", extra={"sha256": digest, "channel": submission.channel})

    if submission.paper is not None:
        outcome = take_scan(services, data, digest, submission)
    elif is_transfer(data, submission.media_type):
        outcome = take_transfer(services, data, digest, submission)
    elif data.startswith(PDF_MAGIC):
        outcome = take_pdf(services, data, digest, submission)
    elif shapes.is_signed_package(data):
        outcome = shapes.take_package(services, data, digest, submission)
    else:
        outcome = take_xml(services, data, digest, submission)

    return finish(services, outcome, digest)


def finish(services: Services, outcome: Outcome, digest: str) -> Outcome:
    """After registration: log, stamp the receipt if not yet, checkpoint."""
    log.info(
        "registered",
        extra={
            "registry_number": outcome.document.registry_number,
            "sha256": digest,
            "indication": outcome.validation.indication.value,
        },
    )
    # Not stamped at issue (an HTTP TSA, or the local one failed): stamp after
    # the commit; a failing TSA leaves a -BES receipt, never a failure.
    if not outcome.receipt_timestamped:
        number = outcome.document.registry_number
        stamped = try_stamp_receipt(services, outcome.receipt, number)
        if stamped is not None:
            outcome = replace(outcome, receipt=stamped, receipt_timestamped=True)

    _checkpoint_if_due(services)
    return outcome


def take_xml(
    services: Services, data: bytes, digest: str, submission: Submission
) -> Outcome:
    """Validate, identify, store and register a signed XML form."""
    recognise(data)
    validation = check_signature(services, data, digest)
    refuse_own_receipt(validation, services.seal_fingerprint, digest)
    refuse_detached_alone(data, validation, digest)
    try:
        signature, covered, form = identify_form(services, validation, digest)
    except RequestError:
        refuse_part_signed(data, validation, digest, _is_form(services))
        raise

    check_allowed(submission, form, digest)
    refuse_uncovered(data, validation, signature, covered, digest, _is_form(services))

    assert covered.element is not None
    element = covered.element
    issues = services.catalog.validate(form, element)

    services.blobs.put(data)
    return _register(
        services, data, digest, submission, validation, signature, form, issues
    )


def take_pdf(
    services: Services, data: bytes, digest: str, submission: Submission
) -> Outcome:
    """Validate, store and register a signed PDF: a letter with no XML form.

    Changes appended after a signed revision are judged by ``validate_pdf``
    (its modifications check), so the whole file is registered as received.
    """
    validation = check_pdf_signature(services, data, digest)
    refuse_own_receipt(validation, services.seal_fingerprint, digest)
    if submission.allowed_forms is not None:
        # A client limited to some forms may not send letters outside them.
        code = ErrorCode.FORBIDDEN_FORM
        log.warning("refused", extra={"sha256": digest, "reason": code.value})
        raise RequestError(code, 403)

    services.blobs.put(data)
    letter = replace(submission, media_type=PDF_MEDIA_TYPE)
    signature = _signer_signature(validation)
    return _register(services, data, digest, letter, validation, signature, None, [])


def check_pdf_signature(
    services: Services, data: bytes, digest: str
) -> ValidationResult:
    """Validate every signature of a PDF on the exact bytes received."""
    try:
        return validate_pdf(data, services.policy)
    except NotPDFError as exc:
        log.warning("refused", extra={"sha256": digest, "reason": exc.code})
        raise RequestError(ErrorCode.MALFORMED_PDF, 400) from exc
    except NotSignedError as exc:
        log.warning("refused", extra={"sha256": digest, "reason": exc.code})
        raise RequestError(ErrorCode.NOT_SIGNED, 422) from exc


def _signer_signature(validation: ValidationResult) -> SignatureResult:
    """The first signature made by a signer, not a document time-stamp."""
    for signature in validation.signatures:
        if signature.counter_signature_of is None and signature.form != PDF_TS:
            return signature

    return validation.primary


def _checkpoint_if_due(services: Services) -> None:
    """Seal a journal checkpoint when the interval has passed; never fail intake."""
    try:
        maybe_checkpoint(services)
    except Exception as exc:  # the submission is registered whatever happens here
        log.warning("checkpoint postponed", extra={"error": type(exc).__name__})


def receive(stream: IO[bytes], limit: int, length: int | None = None) -> bytes:
    """Read the body, refusing it as soon as it grows past ``limit`` bytes."""
    if length is not None and length > limit:
        raise RequestError(ErrorCode.TOO_LARGE, 413)

    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise RequestError(ErrorCode.TOO_LARGE, 413)
        parts.append(chunk)

    if size == 0:
        raise RequestError(ErrorCode.EMPTY_BODY, 400)

    if length is not None and size != length:
        raise RequestError(ErrorCode.INCOMPLETE_BODY, 400)

    return b"".join(parts)


def recognise(data: bytes) -> None:
    """Refuse bodies that are plainly not XML (PDF, images, ZIP, text)."""
    if data.startswith(UTF16_MARKS):
        return

    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        raise RequestError(ErrorCode.NOT_XML, 400)


def check_signature(services: Services, data: bytes, digest: str) -> ValidationResult:
    """Validate every signature on the exact bytes received."""
    try:
        return validate_xml(data, services.policy)
    except ForbiddenXMLError as exc:
        log.warning("refused", extra={"sha256": digest, "reason": exc.code})
        raise RequestError(ErrorCode.FORBIDDEN_XML, 400) from exc
    except MalformedXMLError as exc:
        log.warning("refused", extra={"sha256": digest, "reason": exc.code})
        raise RequestError(ErrorCode.MALFORMED_XML, 400) from exc
    except NotSignedError as exc:
        log.warning("refused", extra={"sha256": digest, "reason": exc.code})
        raise RequestError(ErrorCode.NOT_SIGNED, 422) from exc


def refuse_detached_alone(
    data: bytes, validation: ValidationResult, digest: str
) -> None:
    """A detached signature sent without its file: say to add the file (422)."""
    if any(
        covered.kind in FORM_ELEMENT_KINDS
        for signature in validation.signatures
        for covered in signature.covered
    ) or not external_references(data):
        return

    code = ErrorCode.MISSING_PAYLOAD
    log.warning("refused", extra={"sha256": digest, "reason": code.value})
    raise RequestError(code, 422)


def identify_form(
    services: Services, validation: ValidationResult, digest: str
) -> tuple[SignatureResult, SignedObject, FormVersion]:
    """Find the form among what a signature covers; only signed content counts."""
    covered_any = False
    for signature in validation.signatures:
        if signature.counter_signature_of is not None:
            continue

        for covered in signature.covered:
            if covered.kind not in FORM_ELEMENT_KINDS or covered.element is None:
                continue

            covered_any = True
            form = services.catalog.identify(covered.element)
            if form is not None:
                return signature, covered, form

    code = ErrorCode.UNKNOWN_FORM if covered_any else ErrorCode.UNSIGNED_CONTENT
    log.warning("refused", extra={"sha256": digest, "reason": code.value})
    raise RequestError(code, 422)


def _is_form(services: Services) -> Callable[[Any], bool]:
    """Tell whether an element is the root of one of the catalog's forms."""
    return lambda element: services.catalog.identify(element) is not None


def check_allowed(submission: Submission, form: FormVersion, digest: str) -> None:
    """Refuse a form the sender may not submit (403), before it is stored."""
    allowed = submission.allowed_forms
    if allowed is None or form.form_id in allowed:
        return

    code = ErrorCode.FORBIDDEN_FORM
    log.warning("refused", extra={"sha256": digest, "reason": code.value})
    raise RequestError(code, 403)


def _register(
    services: Services,
    data: bytes,
    digest: str,
    submission: Submission,
    validation: ValidationResult,
    signature: SignatureResult,
    form: FormVersion | None,
    issues: list[FormIssue],
    extra: dict[str, Any] | None = None,
    blobs: list[tuple[str, str, int | None]] | None = None,
) -> Outcome:
    signer = signature.signer
    received_at = datetime.now(UTC)

    stamped_at_issue = False

    def receipt_builder(document: Document) -> bytes:
        nonlocal stamped_at_issue
        issued = issue_receipt(services, document)
        stamped_at_issue = issued.timestamped
        return issued.xml

    # Concurrent registrations of this process share a transaction (group
    # commit); this returns once this document is committed.
    with _registry_conflict(digest):
        document, receipt = services.registrar.register(
            received_at=received_at,
            channel=submission.channel,
            form_id=form.form_id if form else None,
            form_version=form.version if form else None,
            form_namespace=form.namespace if form else None,
            schema_sha256=form.schema_sha256 if form else None,
            sender=submission.sender,
            signer_name=storable(signer.name) if signer else None,
            signer_identifier=(
                storable(signer.identifier, SIGNER_IDENTIFIER_LENGTH)
                if signer
                else None
            ),
            signer_cert_sha256=signer.certificate_sha256 if signer else None,
            signing_time=signature.signing_time,
            sha256=digest,
            size=len(data),
            media_type=submission.media_type,
            indication=validation.indication.value,
            subindication=(
                validation.subindication.value if validation.subindication else None
            ),
            report_json=_report(validation, form, issues, extra),
            department=form.department if form else services.settings.pdf_department,
            client_id=submission.client_id,
            blobs=blobs or [],
            receipt_builder=receipt_builder,
            on_registered=enqueue_registered,
        )

    return Outcome(document, receipt, validation, form, tuple(issues), stamped_at_issue)


@contextmanager
def _registry_conflict(digest: str) -> Iterator[None]:
    """Answer a registration the database refused as a duplicate with 503.

    The transaction was rolled back, so nothing is written; it is not the
    sender's fault and it does not pass by itself: a registry counter set
    behind the last document (review 2, finding 3) gives every submission
    a number in use until the administrator puts it right, which
    ``flask registry verify`` names.
    """
    try:
        yield
    except IntegrityError as exc:
        cause = type(getattr(exc, "orig", None) or exc).__name__
        log.critical(
            "registration refused by the database: a registry number or id "
            "already in use; run flask registry verify",
            extra={"sha256": digest, "error": cause},
        )
        raise RequestError(ErrorCode.REGISTRY_CONFLICT, 503) from None


def _report(
    validation: ValidationResult,
    form: FormVersion | None,
    issues: list[FormIssue],
    extra: dict[str, Any] | None = None,
) -> str:
    """The stored report; a PDF letter has no schema, which the report says.
    ``extra`` adds what other shapes know (the parts received, a container)."""
    if form is not None and not extra:
        return report_json(validation, issues)

    report = report_dict(validation, issues)
    if form is None:
        report["schema"]["applies"] = False
    report.update(extra or {})
    return json.dumps(report, ensure_ascii=False)
