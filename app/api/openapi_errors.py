"""Which error codes each operation answers with, and their documented examples.

One table says, per operation, which HTTP statuses carry which stable codes;
the operations' error responses and the ``components.examples`` entry of each
code (with the operations that return it) are both made from it.
"""

from __future__ import annotations

from typing import Any

from app.errors import MESSAGES, ErrorCode, envelope

Codes = dict[int, tuple[str, ...]]

BODY = ("empty-body", "incomplete-body", "not-xml", "malformed-xml", "forbidden-xml")
CREDENTIALS = ("unauthorized", "credential-revoked")
TRANSFER = (
    "transfer-malformed",
    "transfer-unknown-office",
    "transfer-seal-invalid",
    "transfer-wrong-recipient",
    "transfer-digest-mismatch",
)
MULTIPART = ("missing-part", "duplicate-part", "unexpected-part", "malformed-cms")
CONTAINER = (
    "bad-container",
    "container-too-large",
    "container-bad-name",
    "container-duplicate-name",
    "container-too-many-members",
    "container-encrypted",
)
# A body in a content coding (gzip, …): refused before it is read, with
# Accept-Encoding: identity; so is one in a transfer coding but chunked
# (app/input_guard.py).
CODED = ("unsupported-content-encoding", "unsupported-transfer-encoding")
UNAVAILABLE: Codes = {503: ("unavailable",)}
LIMITED: Codes = {429: ("rate-limited",)}
BY_CODE: Codes = {404: ("not-found",)}

OPERATION_ERRORS: dict[str, Codes] = {
    "listForms": {},
    "createSubmission": {
        400: (
            "bad-request",
            *BODY,
            "malformed-pdf",
            "bad-idempotency-key",
            *MULTIPART,
            *CONTAINER,
        ),
        401: CREDENTIALS,
        403: ("forbidden-form",),
        409: (
            "idempotency-key-reused",
            "idempotency-key-in-use",
            "transfer-duplicate",
        ),
        413: ("too-large",),
        415: ("unsupported-media-type", *CODED),
        422: (
            "not-signed",
            "unsigned-content",
            "content-outside-signature",
            "unknown-form",
            *TRANSFER,
            "missing-payload",
            "payload-not-covered",
            "not-detached-signature",
            "own-receipt",
        ),
        **LIMITED,
        503: ("unavailable", "registry-conflict"),
    },
    "listSubmissions": {
        400: ("bad-request",),
        401: CREDENTIALS,
        **LIMITED,
        **UNAVAILABLE,
    },
    "getSubmission": {401: CREDENTIALS, **BY_CODE, **LIMITED, **UNAVAILABLE},
    "getSubmissionReport": {401: CREDENTIALS, **BY_CODE, **LIMITED, **UNAVAILABLE},
    "getSubmissionReportXml": {
        401: CREDENTIALS,
        **BY_CODE,
        **LIMITED,
        **UNAVAILABLE,
    },
    # Wrong access codes are limited per address (KANCELARIA_LOOKUP_RATE_LIMIT).
    "getReceipt": {**BY_CODE, **LIMITED, **UNAVAILABLE},
    "getReceiptPdf": {**BY_CODE, **LIMITED, **UNAVAILABLE},
    "getReceiptProof": {**BY_CODE, **LIMITED, **UNAVAILABLE},
    "checkReceipt": {
        400: BODY,
        413: ("too-large",),
        415: CODED,
        422: ("not-a-receipt", "pdf-receipt"),
        **UNAVAILABLE,
    },
    "getOfficeTrust": {},
    "listWebhookDeliveries": {
        400: ("bad-request",),
        401: CREDENTIALS,
        **LIMITED,
        **UNAVAILABLE,
    },
    "getOpenApi": {},
}

# Every operation refuses a NUL character in its address, query or access
# code header (app/input_guard.py): PostgreSQL text cannot hold one.
GUARDED = ("bad-request",)
# And an address over 2,048 characters (app/input_guard.py) on any of them.
TOO_LONG = ("uri-too-long",)

# Codes no operation names: the router's answers for any address.
ANYWHERE: Codes = {404: ("not-found",), 405: ("method-not-allowed",)}

RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "`Bearer` with the realm and the error.",
            "schema": {"type": "string"},
        }
    },
    409: {"Retry-After": {**RETRY_AFTER, "required": False}},
    415: {
        "Accept-Encoding": {
            "description": (
                "`identity` with `unsupported-content-encoding`: send the body "
                "without a Content-Encoding."
            ),
            "required": False,
            "schema": {"type": "string"},
        }
    },
    429: {"Retry-After": {**RETRY_AFTER, "required": True}},
    503: {"Retry-After": RETRY_AFTER},
}


def error_responses(operation_id: str) -> dict[str, Any]:
    """Return the documented error responses of one operation, by status."""
    return {
        str(status): _response(status, codes)
        for status, codes in sorted(operation_errors(operation_id).items())
        if _known(codes)
    }


def operation_errors(operation_id: str) -> Codes:
    """Return the table row of one operation, with the guard's 400 and 414."""
    table = dict(OPERATION_ERRORS[operation_id])
    table[400] = tuple(dict.fromkeys((*table.get(400, ()), *GUARDED)))
    table[414] = TOO_LONG
    return table


def error_examples() -> dict[str, Any]:
    """Return ``components.examples``: one envelope per code, with its callers."""
    returned_by = _returned_by()
    return {
        example_name(code.value): {
            "summary": MESSAGES[code],
            "description": _where(returned_by.get(code.value, [])),
            "value": envelope(code),
            "x-returned-by": returned_by.get(code.value, []),
        }
        for code in ErrorCode
    }


def example_name(code: str) -> str:
    """Return the ``components.examples`` key of an error code."""
    return f"error-{code}"


def documented_codes() -> set[str]:
    """Return every code the table gives to some operation or to the router."""
    every: Codes = {414: TOO_LONG}
    tables = [*OPERATION_ERRORS.values(), ANYWHERE, every]
    return {code for table in tables for codes in table.values() for code in codes}


def _response(status: int, codes: tuple[str, ...]) -> dict[str, Any]:
    known = _known(codes)
    examples = {
        code: {"$ref": f"#/components/examples/{example_name(code)}"} for code in known
    }
    response: dict[str, Any] = {
        "description": "Refused: " + ", ".join(f"`{code}`" for code in known) + ".",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": examples,
            }
        },
    }
    if status in HEADERS:
        response["headers"] = HEADERS[status]

    return response


def _known(codes: tuple[str, ...]) -> list[str]:
    # Codes another change has yet to add to ErrorCode are left out, never
    # invented: tests/api/test_openapi.py fails until the two agree.
    values = {code.value for code in ErrorCode}
    return [code for code in codes if code in values]


def _returned_by() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for operation_id in OPERATION_ERRORS:
        for status, codes in sorted(operation_errors(operation_id).items()):
            for code in codes:
                found.setdefault(code, []).append(f"{operation_id} ({status})")

    for status, codes in ANYWHERE.items():
        for code in codes:
            found.setdefault(code, []).append(f"any address ({status})")

    return found


def _where(callers: list[str]) -> str:
    if not callers:
        return "Returned by no operation of this version."

    return "Returned by: " + ", ".join(callers) + "."
