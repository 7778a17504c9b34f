"""Stable error codes and the JSON error envelope every channel answers with."""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """Machine-readable causes of a refused request; never renamed once published."""

    MALFORMED_XML = "malformed-xml"
    FORBIDDEN_XML = "forbidden-xml"
    NOT_XML = "not-xml"
    NOT_SIGNED = "not-signed"
    UNSIGNED_CONTENT = "unsigned-content"
    UNKNOWN_FORM = "unknown-form"
    TOO_LARGE = "too-large"
    EMPTY_BODY = "empty-body"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    BAD_REQUEST = "bad-request"
    NOT_A_RECEIPT = "not-a-receipt"
    UNAVAILABLE = "unavailable"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.MALFORMED_XML: "The document is not well-formed XML.",
    ErrorCode.FORBIDDEN_XML: (
        "The document uses XML features we never accept (DTD, entities or XInclude)."
    ),
    ErrorCode.NOT_XML: "The body is not an XML document.",
    ErrorCode.NOT_SIGNED: "The document carries no electronic signature.",
    ErrorCode.UNSIGNED_CONTENT: (
        "The signature does not cover any form content we could take in."
    ),
    ErrorCode.UNKNOWN_FORM: "The signed content is not one of the office's forms.",
    ErrorCode.TOO_LARGE: "The document is larger than the office accepts.",
    ErrorCode.EMPTY_BODY: "The request carried no document.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "Send the document as application/xml.",
    ErrorCode.NOT_FOUND: "There is nothing at this address.",
    ErrorCode.METHOD_NOT_ALLOWED: "This address does not accept that method.",
    ErrorCode.BAD_REQUEST: "The request could not be understood.",
    ErrorCode.NOT_A_RECEIPT: "The file is not a receipt issued by this system.",
    ErrorCode.UNAVAILABLE: "The service is briefly unavailable; try again shortly.",
}


class RequestError(Exception):
    """A client's request refused with a stable code and an HTTP status."""

    def __init__(
        self, code: ErrorCode, status: int = 400, message: str | None = None
    ) -> None:
        super().__init__(code.value)
        self.code = code
        self.status = status
        self.message = message or MESSAGES[code]


def envelope(code: ErrorCode, message: str | None = None) -> dict[str, Any]:
    """Return the error envelope: ``{"errors": [{"error", "message"}]}``."""
    return {"errors": [{"error": code.value, "message": message or MESSAGES[code]}]}
