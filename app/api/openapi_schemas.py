"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the API's bodies.

Enumerations are read from the code that produces the values, so that the
document cannot list an indication or an error code the server never sends.
"""

from __future__ import annotations

from typing import Any

from app.errors import ErrorCode
from app.notifications.outbox import EVENT_REGISTERED, EVENT_STATUS_CHANGED
from signing.result import Indication, SubIndication

Schema = dict[str, Any]

EVENTS = (EVENT_REGISTERED, EVENT_STATUS_CHANGED)
STATUSES = ["registered", "in-case", "decided"]
REGISTRY_NUMBER = r"^RPW/[0-9]+/[0-9]{4}$"
SHA256_HEX = r"^[0-9a-f]{64}$"


def ref(name: str) -> Schema:
    """Return a reference to a schema in ``components.schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """Return ``schema`` or JSON null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _url(description: str) -> Schema:
    return {"type": "string", "format": "uri-reference", "description": description}


def _object(properties: dict[str, Schema], *optional: str) -> Schema:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "required": required, "properties": properties}


def schemas() -> dict[str, Schema]:
    """Return every named schema of ``components.schemas``."""
    return {
        "Error": _error(),
        "ErrorCode": {
            "type": "string",
            "enum": [code.value for code in ErrorCode],
            "description": "Stable machine code of a refusal; never renamed.",
        },
        "Indication": {
            "type": "string",
            "enum": [value.value for value in Indication],
            "description": "ETSI EN 319 102-1 main indication of the signatures.",
        },
        "SubIndication": nullable(
            {"type": "string", "enum": [value.value for value in SubIndication]}
        ),
        "Status": {
            "type": "string",
            "enum": STATUSES,
            "description": "Where the document is in the office's work.",
        },
        "FormRef": _object(
            {
                "id": nullable({"type": "string"}),
                "version": nullable({"type": "string"}),
            },
        ),
        "Form": _form(),
        "FormList": _object({"forms": {"type": "array", "items": ref("Form")}}),
        "SchemaIssue": _object(
            {"path": {"type": "string"}, "message": {"type": "string"}}
        ),
        "Submission": _submission(),
        "SubmissionStatus": _status(),
        "SubmissionList": _object(
            {
                "submissions": {"type": "array", "items": ref("SubmissionStatus")},
                "next_cursor": nullable(
                    {
                        "type": "string",
                        "description": "Pass as `cursor` for the next page.",
                    }
                ),
            }
        ),
        "ValidationReport": _report(),
        "ReceiptCheck": _receipt_check(),
        "InclusionProof": _proof(),
        "WebhookDelivery": _delivery(),
        "WebhookDeliveryList": _object(
            {
                "deliveries": {"type": "array", "items": ref("WebhookDelivery")},
                "next_cursor": nullable({"type": "string"}),
            }
        ),
        "WebhookEvent": _event(),
    }


def _error() -> Schema:
    problem = _object(
        {
            "error": ref("ErrorCode"),
            "message": {
                "type": "string",
                "description": "One plain English sentence for the person.",
            },
        }
    )
    return {
        "type": "object",
        "description": "The one error envelope every refusal carries.",
        "required": ["errors"],
        "properties": {"errors": {"type": "array", "minItems": 1, "items": problem}},
    }


def _form() -> Schema:
    return _object(
        {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "namespace": {"type": "string"},
            "root": {"type": "string", "description": "Local name of the root."},
            "title": _object({"pl": {"type": "string"}, "en": {"type": "string"}}),
            "department": nullable({"type": "string"}),
            "jrwa": nullable({"type": "string"}),
            "deadline_days": nullable({"type": "integer"}),
            "schema_url": _url("The form's XML Schema."),
            "sample_url": _url("An unsigned sample instance."),
        }
    )


def _submission() -> Schema:
    schema = _object(
        {
            "id": {"type": "string", "format": "uuid"},
            "registry_number": {"type": "string", "pattern": REGISTRY_NUMBER},
            "status": ref("Status"),
            "indication": ref("Indication"),
            "subindication": ref("SubIndication"),
            "form": ref("FormRef"),
            "sha256": {"type": "string", "pattern": SHA256_HEX},
            "access_code": {
                "type": "string",
                "description": "Shown once: opens the receipt and the status.",
            },
            "schema_valid": {"type": "boolean"},
            "schema_issues": {"type": "array", "items": ref("SchemaIssue")},
            "receipt_timestamped": {"type": "boolean"},
            "receipt_url": _url("Sealed receipt (UPO) XML, with the access code."),
            "receipt_pdf_url": _url("Sealed PDF receipt, with the access code."),
            "proof_url": _url("Merkle inclusion proof, with the access code."),
            "status_url": _url("Status of the submission, with the access code."),
            "report_url": _url("Validation report, with the access code."),
        }
    )
    schema["description"] = "A registered submission, as answered once."
    return schema


def _status() -> Schema:
    unknown = nullable({"type": "string"})
    return _object(
        {
            "id": {"type": "string", "format": "uuid"},
            "registry_number": {"type": "string", "pattern": REGISTRY_NUMBER},
            "status": ref("Status"),
            "indication": ref("Indication"),
            "subindication": ref("SubIndication"),
            "form": _object({"id": unknown, "version": unknown}),
            "sha256": {"type": "string", "pattern": SHA256_HEX},
            "received_at": {"type": "string", "format": "date-time"},
            "case_number": nullable(
                {"type": "string", "description": "Once a clerk opens a case."}
            ),
            "receipt_url": _url("Sealed receipt XML, with the access code."),
            "receipt_pdf_url": _url("Sealed PDF receipt, with the access code."),
            "proof_url": _url("Merkle inclusion proof, with the access code."),
            "status_url": _url("This status, with the access code."),
            "report_url": _url("Validation report, with the access code."),
        }
    )


def _report() -> Schema:
    signature = {
        "type": "object",
        "required": ["indication", "subindication"],
        "properties": {
            "indication": ref("Indication"),
            "subindication": ref("SubIndication"),
            "validation_time": {"type": "string", "format": "date-time"},
            "signatures": {"type": "array", "items": {"type": "object"}},
        },
    }
    schema = _object(
        {
            "signature": signature,
            "schema": _object(
                {
                    "valid": {"type": "boolean"},
                    "issues": {"type": "array", "items": ref("SchemaIssue")},
                }
            ),
        }
    )
    schema["description"] = "The validation report stored at registration."
    return schema


def _receipt_check() -> Schema:
    problem = _object({"code": {"type": "string"}, "message": {"type": "string"}})
    return _object(
        {
            "genuine": {"type": "boolean"},
            "registry_number": nullable({"type": "string"}),
            "matches_registry": {"type": "boolean"},
            "problems": {"type": "array", "items": problem},
        }
    )


def _proof() -> Schema:
    hex_hash = {"type": "string", "pattern": SHA256_HEX}
    entry = _object(
        {
            "position": {"type": "integer", "minimum": 1},
            "at": {"type": "string"},
            "event": {"type": "string"},
            "document_id": nullable({"type": "integer"}),
            "payload": {"type": "object"},
            "prev_hash": hex_hash,
            "entry_hash": hex_hash,
        }
    )
    return _object(
        {
            "registry_number": {"type": "string", "pattern": REGISTRY_NUMBER},
            "journal_entry": entry,
            "leaf_index": {"type": "integer", "minimum": 0},
            "tree_size": {"type": "integer", "minimum": 1},
            "audit_path": {"type": "array", "items": hex_hash},
            "root_hash": hex_hash,
            "checkpoint": {"type": "string", "description": "Sealed XML."},
        }
    )


def _delivery() -> Schema:
    when = {"type": "string", "format": "date-time"}
    schema = _object(
        {
            "delivery_id": {
                "type": "string",
                "format": "uuid",
                "description": "`Kancelaria-Delivery`: the same on every retry.",
            },
            "event": {"type": "string", "enum": list(EVENTS)},
            "submission_id": nullable({"type": "string", "format": "uuid"}),
            "attempt": {"type": "integer", "minimum": 1},
            "attempted_at": when,
            "status_code": nullable(
                {"type": "integer", "description": "Your answer's status."}
            ),
            "error": nullable(
                {"type": "string", "description": "Why the attempt failed."}
            ),
            "duration_ms": {"type": "integer", "minimum": 0},
            "succeeded": {"type": "boolean"},
            "event_state": {
                "type": "string",
                "enum": ["pending", "delivered", "failed"],
                "description": "`failed`: retries are exhausted.",
            },
            "next_attempt_at": nullable(when),
        }
    )
    schema["description"] = "One attempt to deliver one event."
    return schema


def _event() -> Schema:
    return _object(
        {
            "event": {"type": "string", "enum": list(EVENTS)},
            "id": {"type": "string", "format": "uuid"},
            "registry_number": {"type": "string", "pattern": REGISTRY_NUMBER},
            "status": ref("Status"),
            "previous_status": {
                **ref("Status"),
                "description": "Only in `submission.status_changed`.",
            },
            "indication": ref("Indication"),
            "occurred_at": {"type": "string", "format": "date-time"},
        },
        "previous_status",
    )
