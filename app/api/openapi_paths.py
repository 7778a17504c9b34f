"""The operations of ``/api/v1``, as OpenAPI 3.1 path items."""

from __future__ import annotations

from typing import Any

from app.api.openapi_errors import error_responses
from app.api.openapi_schemas import ref

Operation = dict[str, Any]

BEARER_OPTIONAL: list[dict[str, list[str]]] = [{}, {"bearer": []}]
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
ACCESS_CODE = [
    {"$ref": "#/components/parameters/code"},
    {"$ref": "#/components/parameters/X-Access-Code"},
]
RECEIPT = [
    {"$ref": "#/components/parameters/year"},
    {"$ref": "#/components/parameters/sequence"},
    *ACCESS_CODE,
]
SUBMISSION = [{"$ref": "#/components/parameters/submissionId"}, *ACCESS_CODE]
PAGE = [
    {"$ref": "#/components/parameters/limit"},
    {"$ref": "#/components/parameters/cursor"},
]
XML_BODY = {
    "type": "string",
    "contentMediaType": "application/xml",
    "description": "The exact bytes: signatures cover them.",
}
PDF_BODY = {
    "type": "string",
    "contentMediaType": "application/pdf",
    "description": "A PAdES-signed PDF letter, the exact bytes: no form is named.",
}
ASIC_BODY = {
    "type": "string",
    "contentMediaType": "application/vnd.etsi.asic-e+zip",
    "description": (
        "An ASiC-E or ASiC-S container (ZIP) with XAdES or CAdES signatures, "
        "registered as a letter; every file in it must be signed."
    ),
}
CMS_BODY = {
    "type": "string",
    "contentMediaType": "application/pkcs7-mime",
    "description": "A CMS/CAdES signature with its content inside (.p7m).",
}
DETACHED_BODY = {
    "type": "object",
    "required": ["signature", "payload"],
    "properties": {
        "signature": {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": (
                "The detached signature: XAdES (.xades, .sig) or CAdES (.p7s). "
                "A part that is neither is `malformed-cms`; a signed PDF or "
                "container here is `not-detached-signature` (send it as the body)."
            ),
        },
        "payload": {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": "The file the signature signs, exactly as signed.",
        },
    },
    "additionalProperties": False,
}

TRANSFER_BODY = {
    "type": "string",
    "contentMediaType": "application/vnd.kancelaria.transfer+xml",
    "description": (
        "A transfer package of schemas/transfer.xsd sealed by a partner "
        "office, the exact bytes (also recognised by its root element when "
        "sent as application/xml)."
    ),
}


def paths() -> dict[str, dict[str, Operation]]:
    """Return the ``paths`` object of the document."""
    return {
        "/forms": {"get": _list_forms()},
        "/submissions": {"post": _create(), "get": _list()},
        "/submissions/{id}": {"get": _status()},
        "/submissions/{id}/report": {"get": _report()},
        "/submissions/{id}/report.xml": {"get": _report_xml()},
        "/receipts/{year}/{sequence}": {"get": _receipt()},
        "/receipts/{year}/{sequence}.pdf": {"get": _receipt_pdf()},
        "/receipts/{year}/{sequence}/proof": {"get": _proof()},
        "/receipts/check": {"post": _check()},
        "/office/trust.pem": {"get": _trust()},
        "/webhooks/deliveries": {"get": _deliveries()},
        "/openapi.json": {"get": _openapi()},
    }


def operation(
    operation_id: str, tag: str, summary: str, ok: dict[str, Any], **extra: Any
) -> Operation:
    """Return an operation with its success and documented error responses."""
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        **extra,
        "responses": {**ok, **error_responses(operation_id)},
    }


def json_ok(schema: str, description: str, status: str = "200") -> dict[str, Any]:
    """Return a success response whose body is a named JSON schema."""
    content = {"application/json": {"schema": ref(schema)}}
    return {status: {"description": description, "content": content}}


def file_ok(media_type: str, description: str) -> dict[str, Any]:
    """Return a success response whose body is a file to save."""
    schema = {"type": "string", "contentMediaType": media_type}
    return {
        "200": {"description": description, "content": {media_type: {"schema": schema}}}
    }


def _list_forms() -> Operation:
    return operation(
        "listForms",
        "forms",
        "List the forms the office takes in",
        json_ok("FormList", "The forms, with links to their schema and sample."),
        security=[{}],
    )


def _create() -> Operation:
    created = json_ok("Submission", "Registered.", "201")
    created["201"]["headers"] = {
        "Location": {
            "description": "The submission's status URL.",
            "schema": {"type": "string", "format": "uri-reference"},
        },
        "Idempotent-Replayed": {
            "description": "`true` when this is the stored answer to a retry.",
            "schema": {"type": "string", "enum": ["true"]},
        },
    }
    return operation(
        "createSubmission",
        "submissions",
        "Register one signed document, or a detached signature with its file",
        created,
        description=(
            "Send the signed document as the raw body (XML, PDF, ASiC container "
            "or CMS), or a detached signature and the file it signs as "
            "`multipart/form-data` with the file parts `signature` and "
            "`payload` (`curl -F signature=@a.zip.xades -F payload=@a.zip`). "
            "Without credentials "
            "the signature identifies the sender and a stricter per-address "
            "rate limit applies. With an `Idempotency-Key`, a retry with the "
            "same key and body answers the first result again; the same key "
            "with another body is refused. A partner office sends a sealed "
            "transfer package the same way (`application/vnd.kancelaria."
            "transfer+xml`): its seal must verify against that office's "
            "trusted seal, and the carried documents' SHA-256 must match."
        ),
        security=BEARER_OPTIONAL,
        parameters=[{"$ref": "#/components/parameters/Idempotency-Key"}],
        requestBody={
            "required": True,
            "content": {
                "application/xml": {"schema": XML_BODY},
                "text/xml": {"schema": XML_BODY},
                "application/pdf": {"schema": PDF_BODY},
                "application/vnd.kancelaria.transfer+xml": {"schema": TRANSFER_BODY},
                "application/vnd.etsi.asic-e+zip": {"schema": ASIC_BODY},
                "application/vnd.etsi.asic-s+zip": {"schema": ASIC_BODY},
                "application/zip": {"schema": ASIC_BODY},
                "application/pkcs7-mime": {"schema": CMS_BODY},
                "multipart/form-data": {
                    "schema": DETACHED_BODY,
                    "encoding": {
                        "signature": {"contentType": "application/octet-stream"},
                        "payload": {"contentType": "application/octet-stream"},
                    },
                },
            },
        },
    )


def _list() -> Operation:
    return operation(
        "listSubmissions",
        "submissions",
        "List your own submissions, newest first",
        json_ok("SubmissionList", "One page of the client's submissions."),
        security=BEARER,
        parameters=PAGE,
    )


def _status() -> Operation:
    return operation(
        "getSubmission",
        "submissions",
        "Say where a submission is",
        json_ok("SubmissionStatus", "The submission's status."),
        description=(
            "Open to the client that submitted it and to anyone giving its "
            "access code; anyone else gets the same 404 as for an unknown id."
        ),
        security=BEARER_OPTIONAL,
        parameters=SUBMISSION,
    )


def _report() -> Operation:
    return operation(
        "getSubmissionReport",
        "submissions",
        "Return the validation report as stored at registration",
        json_ok("ValidationReport", "The validation report."),
        security=BEARER_OPTIONAL,
        parameters=SUBMISSION,
    )


def _report_xml() -> Operation:
    return operation(
        "getSubmissionReportXml",
        "submissions",
        "Return the validation report as ETSI TS 119 102-2 XML",
        file_ok("application/xml", "An ETSI TS 119 102-2 ValidationReport."),
        security=BEARER_OPTIONAL,
        parameters=SUBMISSION,
    )


def _receipt() -> Operation:
    return operation(
        "getReceipt",
        "receipts",
        "Return the sealed receipt (UPO) XML",
        file_ok("application/xml", "The receipt, sealed with XAdES."),
        security=[{}],
        parameters=RECEIPT,
    )


def _receipt_pdf() -> Operation:
    return operation(
        "getReceiptPdf",
        "receipts",
        "Return the sealed PDF receipt",
        file_ok("application/pdf", "The receipt as a PAdES-sealed PDF."),
        security=[{}],
        parameters=RECEIPT,
    )


def _proof() -> Operation:
    return operation(
        "getReceiptProof",
        "receipts",
        "Prove the registration is in the latest sealed checkpoint",
        json_ok("InclusionProof", "An RFC 9162 inclusion proof and its checkpoint."),
        security=[{}],
        parameters=RECEIPT,
    )


def _check() -> Operation:
    body = {"type": "string", "contentMediaType": "application/xml"}
    return operation(
        "checkReceipt",
        "receipts",
        "Say whether a receipt is genuine and matches the registry",
        json_ok("ReceiptCheck", "The verdict; `problems` says what did not hold."),
        description=(
            "Takes the sealed XML receipt. The printed PDF copy is refused as "
            "`pdf-receipt`: its PAdES seal is checked by a PDF reader, and what "
            "it says by the XML receipt or by its registry number and access "
            "code (`GET /receipts/{year}/{sequence}`)."
        ),
        security=[{}],
        requestBody={
            "required": True,
            "content": {"application/xml": {"schema": body}},
        },
    )


def _trust() -> Operation:
    return operation(
        "getOfficeTrust",
        "office",
        "Return the seal certificate and anchors to check receipts offline",
        file_ok("application/x-pem-file", "PEM certificates."),
        security=[{}],
    )


def _deliveries() -> Operation:
    return operation(
        "listWebhookDeliveries",
        "webhooks",
        "List your webhook delivery attempts, newest first",
        json_ok("WebhookDeliveryList", "One page of delivery attempts."),
        security=BEARER,
        parameters=PAGE,
    )


def _openapi() -> Operation:
    ok = {
        "200": {
            "description": "This document.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }
    return operation(
        "getOpenApi", "meta", "Return this OpenAPI document", ok, security=[{}]
    )
