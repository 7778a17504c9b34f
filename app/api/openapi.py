"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``.

The document is Python data assembled from three modules: the operations
(``openapi_paths``), the bodies (``openapi_schemas``) and the error codes each
operation answers with (``openapi_errors``). tests/api/test_openapi.py keeps
it true against the routes and the real answers.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from flask import Response, jsonify

from app.api import bp
from app.api.openapi_errors import error_examples
from app.api.openapi_paths import paths
from app.api.openapi_schemas import ref, schemas
from app.api.paging import DEFAULT_LIMIT, MAX_LIMIT
from app.notifications.outbox import EVENT_REGISTERED, EVENT_STATUS_CHANGED

OPENAPI_VERSION = "3.1.1"
API_VERSION = "1.0.0"
SERVER = "/api/v1"

DESCRIPTION = """\
The town hall's front office for other systems: send a signed XML form, get a
gapless registry number and a sealed receipt (UPO), follow the case.

Every refusal answers with one envelope, `{"errors": [{"error", "message"}]}`:
`error` is a stable code (never renamed), `message` one sentence for a person.
Each code has an example under `components.examples`, which also names the
operations that return it.

Authenticate with `Authorization: Bearer <key>`; keys are issued by the
office's administrator. Submitting needs no key: the signature identifies the
sender, and a stricter rate limit per address applies.
"""


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """Return the OpenAPI 3.1 document of this API."""
    return jsonify(document())


def document() -> dict[str, Any]:
    """Return a fresh copy of the whole document."""
    return copy.deepcopy(_document())


@functools.cache
def _document() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Kancelaria API",
            "version": API_VERSION,
            "summary": "Signed forms in; registry number and sealed receipt out.",
            "description": DESCRIPTION,
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": SERVER}],
        "tags": _tags(),
        "security": [{}],
        "paths": paths(),
        "webhooks": _webhooks(),
        "components": _components(),
    }


def _tags() -> list[dict[str, str]]:
    return [
        {"name": "forms", "description": "The forms the office takes in."},
        {"name": "submissions", "description": "Sending documents, their status."},
        {"name": "receipts", "description": "Sealed receipts and their proofs."},
        {"name": "office", "description": "What checking receipts offline needs."},
        {"name": "webhooks", "description": "Events the office sends you."},
        {"name": "meta", "description": "This document."},
    ]


def _components() -> dict[str, Any]:
    return {
        "schemas": schemas(),
        "parameters": _parameters(),
        "examples": error_examples(),
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": (
                    "A client key (`kan_…`) issued by the administrator; it is "
                    "shown once, can be rotated and revoked."
                ),
            }
        },
    }


def _parameters() -> dict[str, Any]:
    code = {"type": "string", "minLength": 1, "maxLength": 64}
    number = {"type": "integer", "minimum": 0}
    return {
        "code": _parameter("code", "query", code, "The access code of the receipt."),
        "X-Access-Code": _parameter(
            "X-Access-Code", "header", code, "The access code, kept out of URLs."
        ),
        "year": _parameter("year", "path", number, "Year of the registry number."),
        "sequence": _parameter(
            "sequence", "path", number, "Sequence of the registry number."
        ),
        "submissionId": _parameter(
            "id", "path", {"type": "string"}, "The submission's `id` (a UUID)."
        ),
        "limit": _parameter(
            "limit",
            "query",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
            "Page size.",
        ),
        "cursor": _parameter(
            "cursor", "query", {"type": "string"}, "`next_cursor` of the last page."
        ),
        "Idempotency-Key": _parameter(
            "Idempotency-Key",
            "header",
            {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
            (
                "1–255 visible ASCII characters, new per document. A retry with "
                "the same key and body answers the first result again."
            ),
        ),
    }


def _parameter(
    name: str, where: str, schema: dict[str, Any], description: str
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


def _webhooks() -> dict[str, Any]:
    return {
        EVENT_REGISTERED: _webhook(
            "A submission of yours was registered", EVENT_REGISTERED
        ),
        EVENT_STATUS_CHANGED: _webhook(
            "A submission of yours changed status", EVENT_STATUS_CHANGED
        ),
    }


def _webhook(summary: str, event: str) -> dict[str, Any]:
    text = {"type": "string"}
    headers = [
        ("Kancelaria-Event", {"type": "string", "const": event}, "The event."),
        ("Kancelaria-Delivery", {"type": "string", "format": "uuid"}, _DELIVERY),
        ("Kancelaria-Timestamp", {"type": "string", "pattern": "^[0-9]+$"}, _TIME),
        ("Kancelaria-Signature", {**text, "pattern": SIGNATURE}, _SIG),
    ]
    parameters = [
        {**_parameter(name, "header", schema, description), "required": True}
        for name, schema, description in headers
    ]
    return {
        "post": {
            "operationId": f"webhook-{event}",
            "tags": ["webhooks"],
            "summary": summary,
            "description": _WEBHOOK,
            "parameters": parameters,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("WebhookEvent")}},
            },
            "responses": {
                "2XX": {"description": "Delivered: the office stops sending it."},
                "default": {"description": "Not delivered: retried with backoff."},
            },
        }
    }


_DELIVERY = "Unique per event: a retry repeats it, so you can drop duplicates."
_TIME = "Unix seconds when this attempt was signed."
_SIG = (
    '`v1=` and the hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with your '
    "webhook secret; while a secret is rotated, several comma-separated values "
    "(one matching is enough)."
)
SIGNATURE = "^v1=[0-9a-f]{64}(, *v1=[0-9a-f]{64})*$"
_WEBHOOK = """\
Sent to your webhook URL by POST, in the order events happened for one
submission. Verify `Kancelaria-Signature` on the raw body before parsing it,
with a constant-time comparison, and refuse timestamps older than five
minutes. Answer 2xx within 5 seconds; anything else (or no answer) is retried
after about 10 s, 1 min, 5 min, 30 min, 2 h and 6 h, up to 8 attempts. Every
attempt is in `GET /webhooks/deliveries`.
"""
