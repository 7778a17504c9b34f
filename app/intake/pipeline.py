"""Take in one submission: receive, recognise, validate, identify, store, register.

Each step is a small function; ``intake`` runs them in order. Nothing is
registered unless the bytes are durably stored first, and everything after that
happens in one database transaction (``app.registry.register``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import IO

from app.catalog import FormIssue, FormVersion
from app.errors import ErrorCode, RequestError
from app.intake.coverage import wholly_signed
from app.intake.report import report_json
from app.notifications.outbox import enqueue_registered
from app.receipts import build_receipt
from app.receipts.timestamp import try_stamp_receipt
from app.registry import register
from app.registry.checkpoints import maybe_checkpoint
from app.registry.models import Document, Receipt
from app.services import Services
from signing.errors import ForbiddenXMLError, MalformedXMLError, NotSignedError
from signing.result import SignatureResult, SignedObject, ValidationResult
from signing.validate import FORM_ELEMENT_KINDS, validate_xml

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


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


@dataclass(frozen=True)
class Outcome:
    """A registered submission: its registry row, receipt and validation."""

    document: Document
    receipt: Receipt
    validation: ValidationResult
    form: FormVersion
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
    data = receive(stream, services.settings.max_upload_bytes, length)
    digest = hashlib.sha256(data).hexdigest()
    log.info("received", extra={"sha256": digest, "channel": submission.channel})

    recognise(data)
    validation = check_signature(services, data, digest)
    signature, covered, form = identify_form(services, validation, digest)
    check_allowed(submission, form, digest)
    if not wholly_signed(data, signature, covered):
        code = ErrorCode.CONTENT_OUTSIDE_SIGNATURE
        log.warning("refused", extra={"sha256": digest, "reason": code.value})
        raise RequestError(code, 422)

    assert covered.element is not None
    element = covered.element
    issues = services.catalog.validate(form, element)

    services.blobs.put(data)
    outcome = _register(
        services, data, digest, submission, validation, signature, form, issues
    )
    log.info(
        "registered",
        extra={
            "registry_number": outcome.document.registry_number,
            "sha256": digest,
            "indication": validation.indication.value,
        },
    )
    # After the commit: a failing TSA leaves a -BES receipt, never a failure.
    number = outcome.document.registry_number
    stamped = try_stamp_receipt(services, outcome.receipt, number)
    if stamped is not None:
        outcome = replace(outcome, receipt=stamped, receipt_timestamped=True)

    _checkpoint_if_due(services)
    return outcome


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
    form: FormVersion,
    issues: list[FormIssue],
) -> Outcome:
    signer = signature.signer
    received_at = datetime.now(UTC)

    def receipt_builder(document: Document) -> bytes:
        return build_receipt(services, document)

    with services.sessions() as session:
        document, receipt = register(
            session,
            received_at=received_at,
            channel=submission.channel,
            form_id=form.form_id,
            form_version=form.version,
            form_namespace=form.namespace,
            schema_sha256=form.schema_sha256,
            sender=submission.sender,
            signer_name=signer.name if signer else None,
            signer_identifier=signer.identifier if signer else None,
            signer_cert_sha256=signer.certificate_sha256 if signer else None,
            signing_time=signature.signing_time,
            sha256=digest,
            size=len(data),
            media_type=submission.media_type,
            indication=validation.indication.value,
            subindication=(
                validation.subindication.value if validation.subindication else None
            ),
            report_json=report_json(validation, issues),
            department=form.department,
            client_id=submission.client_id,
            receipt_builder=receipt_builder,
            on_registered=enqueue_registered,
        )

    return Outcome(document, receipt, validation, form, tuple(issues))
