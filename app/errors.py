"""Stable error codes and the JSON error envelope every channel answers with."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from app.i18n import N_, translate


class ErrorCode(enum.StrEnum):
    """Machine-readable causes of a refused request; never renamed once published."""

    MALFORMED_XML = "malformed-xml"
    MALFORMED_PDF = "malformed-pdf"
    FORBIDDEN_XML = "forbidden-xml"
    NOT_XML = "not-xml"
    NOT_SIGNED = "not-signed"
    UNSIGNED_CONTENT = "unsigned-content"
    CONTENT_OUTSIDE_SIGNATURE = "content-outside-signature"
    UNKNOWN_FORM = "unknown-form"
    TOO_LARGE = "too-large"
    EMPTY_BODY = "empty-body"
    INCOMPLETE_BODY = "incomplete-body"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    UNSUPPORTED_CONTENT_ENCODING = "unsupported-content-encoding"
    UNSUPPORTED_TRANSFER_ENCODING = "unsupported-transfer-encoding"
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    BAD_REQUEST = "bad-request"
    NOT_A_RECEIPT = "not-a-receipt"
    UNAVAILABLE = "unavailable"
    REGISTRY_CONFLICT = "registry-conflict"
    UNAUTHORIZED = "unauthorized"
    CREDENTIAL_REVOKED = "credential-revoked"
    FORBIDDEN_FORM = "forbidden-form"
    RATE_LIMITED = "rate-limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency-key-in-use"
    BAD_IDEMPOTENCY_KEY = "bad-idempotency-key"
    TRANSFER_MALFORMED = "transfer-malformed"
    TRANSFER_UNKNOWN_OFFICE = "transfer-unknown-office"
    TRANSFER_SEAL_INVALID = "transfer-seal-invalid"
    TRANSFER_WRONG_RECIPIENT = "transfer-wrong-recipient"
    TRANSFER_DIGEST_MISMATCH = "transfer-digest-mismatch"
    TRANSFER_DUPLICATE = "transfer-duplicate"
    MISSING_PART = "missing-part"
    DUPLICATE_PART = "duplicate-part"
    UNEXPECTED_PART = "unexpected-part"
    MISSING_PAYLOAD = "missing-payload"
    PAYLOAD_NOT_COVERED = "payload-not-covered"
    MALFORMED_CMS = "malformed-cms"
    BAD_CONTAINER = "bad-container"
    CONTAINER_TOO_LARGE = "container-too-large"
    CONTAINER_BAD_NAME = "container-bad-name"
    CONTAINER_DUPLICATE_NAME = "container-duplicate-name"
    CONTAINER_TOO_MANY_MEMBERS = "container-too-many-members"
    CONTAINER_ENCRYPTED = "container-encrypted"
    OWN_RECEIPT = "own-receipt"
    NOT_DETACHED_SIGNATURE = "not-detached-signature"
    PDF_RECEIPT = "pdf-receipt"
    URI_TOO_LONG = "uri-too-long"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.MALFORMED_XML: N_("The document is not well-formed XML."),
    ErrorCode.MALFORMED_PDF: N_(
        "The document starts as a PDF but cannot be read as one."
    ),
    ErrorCode.FORBIDDEN_XML: N_(
        "The document uses XML features or a structure we never accept (DTD, "
        "entities, XInclude, excessive nesting, size or number of signatures)."
    ),
    # Intake's words; the receipt check says its own (app.receipts.check).
    ErrorCode.NOT_XML: N_(
        "The document is neither XML nor any other kind we take in (PDF, an ASiC "
        "or ZIP container, a .p7s or .p7m signature)."
    ),
    ErrorCode.NOT_SIGNED: N_("The document carries no electronic signature."),
    ErrorCode.UNSIGNED_CONTENT: N_(
        "The signature is damaged or does not cover form content we could take in."
    ),
    ErrorCode.CONTENT_OUTSIDE_SIGNATURE: N_(
        "The document holds content its signature does not cover. If comments "
        "(<!-- … -->) are left in the form, remove them and sign again; otherwise "
        "send the signed form alone."
    ),
    ErrorCode.UNKNOWN_FORM: N_("The signed content is not one of the office's forms."),
    ErrorCode.TOO_LARGE: N_("The document is larger than the office accepts."),
    ErrorCode.EMPTY_BODY: N_("The request carried no document."),
    ErrorCode.INCOMPLETE_BODY: N_("The upload ended before the announced length."),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: N_(
        "Send the document as application/xml (or text/xml), application/pdf, "
        "an ASiC container (application/vnd.etsi.asic-s+zip, "
        "application/vnd.etsi.asic-e+zip or application/zip), "
        "application/pkcs7-mime, or a detached signature with its file as "
        "multipart/form-data."
    ),
    ErrorCode.UNSUPPORTED_CONTENT_ENCODING: N_(
        "Send the document as it is, without a Content-Encoding (gzip, deflate "
        "or another): the office reads and keeps the exact bytes it receives."
    ),
    ErrorCode.UNSUPPORTED_TRANSFER_ENCODING: N_(
        "Send the document with no Transfer-Encoding but chunked (no gzip, "
        "deflate or another): the office reads and keeps the exact bytes it "
        "receives."
    ),
    ErrorCode.NOT_FOUND: N_("There is nothing at this address."),
    ErrorCode.METHOD_NOT_ALLOWED: N_("This address does not accept that method."),
    ErrorCode.BAD_REQUEST: N_("The request could not be understood."),
    ErrorCode.NOT_A_RECEIPT: N_("The file is not a receipt issued by this system."),
    ErrorCode.UNAVAILABLE: N_("The service is briefly unavailable; try again shortly."),
    ErrorCode.REGISTRY_CONFLICT: N_(
        "The registry could not give the document a number, so nothing was "
        "registered; the office has been alerted. Try again later."
    ),
    ErrorCode.UNAUTHORIZED: N_(
        "The request needs a valid API key: send Authorization: Bearer <key>."
    ),
    ErrorCode.CREDENTIAL_REVOKED: N_("This API key has been revoked or replaced."),
    ErrorCode.FORBIDDEN_FORM: N_("This API client may not submit this form."),
    ErrorCode.RATE_LIMITED: N_(
        "Too many requests; wait as Retry-After says and retry."
    ),
    ErrorCode.IDEMPOTENCY_KEY_REUSED: N_(
        "This Idempotency-Key was already used with a different body."
    ),
    ErrorCode.IDEMPOTENCY_KEY_IN_USE: N_(
        "A request with this Idempotency-Key is still being processed; retry later."
    ),
    ErrorCode.BAD_IDEMPOTENCY_KEY: N_(
        "The Idempotency-Key must be 1 to 255 visible ASCII characters."
    ),
    ErrorCode.TRANSFER_MALFORMED: N_(
        "The transfer package does not match the office's transfer schema."
    ),
    ErrorCode.TRANSFER_UNKNOWN_OFFICE: N_(
        "The transfer package comes from an office this office does not exchange "
        "packages with."
    ),
    ErrorCode.TRANSFER_SEAL_INVALID: N_(
        "The seal on the transfer package does not verify against the sending "
        "office's trusted seal."
    ),
    ErrorCode.TRANSFER_WRONG_RECIPIENT: N_(
        "The transfer package is addressed to another office."
    ),
    ErrorCode.TRANSFER_DIGEST_MISMATCH: N_(
        "A document in the transfer package does not have the SHA-256 or size "
        "the package states."
    ),
    ErrorCode.TRANSFER_DUPLICATE: N_("This transfer package was already taken in."),
    ErrorCode.MISSING_PART: N_(
        "A multipart submission needs both parts: signature and payload."
    ),
    ErrorCode.DUPLICATE_PART: N_("Send one signature and one payload, each once."),
    ErrorCode.UNEXPECTED_PART: N_(
        "A multipart submission may carry only the parts signature and payload."
    ),
    ErrorCode.MISSING_PAYLOAD: N_(
        "This is a detached signature: add the file it signs (the second file "
        "field on the portal, the multipart part payload in the API)."
    ),
    ErrorCode.PAYLOAD_NOT_COVERED: N_(
        "The signature does not sign the file sent with it."
    ),
    ErrorCode.MALFORMED_CMS: N_(
        "The signature is not a readable CMS (.p7s) structure."
    ),
    ErrorCode.BAD_CONTAINER: N_("The container is not a readable ZIP (ASiC) archive."),
    ErrorCode.CONTAINER_TOO_LARGE: N_("The container unpacks to more than we accept."),
    ErrorCode.CONTAINER_BAD_NAME: N_(
        "A file in the container has an unsafe name (absolute, '..' or odd)."
    ),
    ErrorCode.CONTAINER_DUPLICATE_NAME: N_("Two files in the container share a name."),
    ErrorCode.CONTAINER_TOO_MANY_MEMBERS: N_("The container holds too many files."),
    ErrorCode.CONTAINER_ENCRYPTED: N_("The container holds an encrypted file."),
    ErrorCode.OWN_RECEIPT: N_(
        "This is a receipt the office issued, not a letter to it; keep it as your "
        "proof of sending."
    ),
    ErrorCode.NOT_DETACHED_SIGNATURE: N_(
        "The file sent as the signature is a signed PDF or container, not a "
        "detached signature: send it alone, as the document, without a second file."
    ),
    ErrorCode.PDF_RECEIPT: N_(
        "This is the printed (PDF) copy of a receipt: check the XML receipt here, "
        "or the registry number and access code printed on the PDF."
    ),
    ErrorCode.URI_TOO_LONG: N_(
        "The address is longer than we accept: at most 2,048 characters."
    ),
}


def message_in(code: ErrorCode, lang: str | None = None) -> str:
    """Return the sentence for a code in ``lang`` (default: the page's language).

    The API answers in English (:data:`MESSAGES`); pages take the Polish
    words from the gettext catalog.
    """
    return translate(MESSAGES[code], lang)


class RequestError(Exception):
    """A client's request refused with a stable code and an HTTP status.

    ``message`` replaces the code's own sentence (English, marked with
    ``N_`` so pages can translate it); ``words`` fill its ``%(name)s``
    places, e.g. the parts of a form its signature leaves out.
    """

    def __init__(
        self,
        code: ErrorCode,
        status: int = 400,
        message: str | None = None,
        words: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(code.value)
        self.code = code
        self.status = status
        self.template = message or MESSAGES[code]
        self.words = dict(words or {})
        self.message = self.template % self.words if self.words else self.template

    def sentence(self, lang: str | None = None) -> str:
        """The refusal's own sentence in ``lang`` (default: the page's)."""
        text = translate(self.template, lang)
        return text % self.words if self.words else text


def envelope(code: ErrorCode, message: str | None = None) -> dict[str, Any]:
    """Return the error envelope: ``{"errors": [{"error", "message"}]}``."""
    return {"errors": [{"error": code.value, "message": message or MESSAGES[code]}]}
