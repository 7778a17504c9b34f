"""Take in one submission: receive, recognise, validate, identify, store, register.

Each step is a small function; ``intake`` runs them in order. Nothing is
registered unless the bytes are durably stored first, and everything after that
happens in one database transaction (``app.registry.register``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from lxml import etree

from app.catalog import FormIssue, FormVersion
from app.errors import ErrorCode, RequestError
from app.intake.report import report_json
from app.receipts import build_receipt
from app.registry import register
from app.registry.models import Document, Receipt
from app.services import Services
from signing.errors import ForbiddenXMLError, MalformedXMLError, NotSignedError
from signing.result import SignatureResult, ValidationResult
from signing.validate import form_elements, validate_xml

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Submission:
    """What a channel hands to the pipeline besides the bytes."""

    channel: str
    sender: str | None = None
    media_type: str = "application/xml"


@dataclass(frozen=True)
class Outcome:
    """A registered submission: its registry row, receipt and validation."""

    document: Document
    receipt: Receipt
    validation: ValidationResult
    form: FormVersion
    issues: tuple[FormIssue, ...]


def intake(services: Services, stream: IO[bytes], submission: Submission) -> Outcome:
    """Run the whole pipeline on one body; raise RequestError to refuse it."""
    data = receive(stream, services.settings.max_upload_bytes)
    digest = hashlib.sha256(data).hexdigest()
    log.info("received", extra={"sha256": digest, "channel": submission.channel})

    recognise(data)
    validation = check_signature(services, data, digest)
    signature, element, form = identify_form(services, validation, digest)
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
    return outcome


def receive(stream: IO[bytes], limit: int) -> bytes:
    """Read the body, refusing it as soon as it grows past ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise RequestError(ErrorCode.TOO_LARGE, 413)
        parts.append(chunk)

    if size == 0:
        raise RequestError(ErrorCode.EMPTY_BODY, 400)

    return b"".join(parts)


def recognise(data: bytes) -> None:
    """Refuse bodies that are plainly not XML (PDF, images, ZIP, text)."""
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
) -> tuple[SignatureResult, etree._Element, FormVersion]:
    """Find the form among what a signature covers; only signed content counts."""
    covered_any = False
    for signature in validation.signatures:
        if signature.counter_signature_of is not None:
            continue

        for element in form_elements(signature):
            covered_any = True
            form = services.catalog.identify(element)
            if form is not None:
                return signature, element, form

    code = ErrorCode.UNKNOWN_FORM if covered_any else ErrorCode.UNSIGNED_CONTENT
    log.warning("refused", extra={"sha256": digest, "reason": code.value})
    raise RequestError(code, 422)


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
            receipt_builder=receipt_builder,
        )

    return Outcome(document, receipt, validation, form, tuple(issues))
