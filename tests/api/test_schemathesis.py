"""schemathesis against the served OpenAPI document: no 500, no schema break.

Operations are generated from the document the app serves (the same data,
built without an app so that collecting stays cheap;
``test_served_document_loads_in_schemathesis`` loads the served copy), and
requests go to the app in process through WSGI: once anonymous, once with a
client's key, against an application holding a submission and a delivery.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from app.api.openapi import document
from tests.api.seeded import Seeded, seeded

__all__ = ["seeded"]

# Not among them: checks that need what a schema cannot say (a valid
# signature, a cursor we issued) and that read our real key as a made-up one.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
]
BOUNDS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schemathesis.serializer(
    "application/pdf",
    "application/vnd.etsi.asic-e+zip",
    "application/vnd.etsi.asic-s+zip",
    "application/zip",
    "application/pkcs7-mime",
)
def _pdf_body(ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    """Send a generated binary body (PDF, container, CMS) as it is: random
    bytes, or text as UTF-8."""
    return value if isinstance(value, bytes) else str(value).encode()


schema = schemathesis.openapi.from_dict(document())


# The second parametrization also gives each operation its own test id:
# under pytest 9.2 schemathesis' own "[METHOD /path]" suffix is otherwise lost.
@schema.parametrize()
@pytest.mark.parametrize("caller", ["anonymous", "client"])
@BOUNDS
def test_generated_requests_answer_as_documented(
    case: schemathesis.Case[Any], seeded: Seeded, caller: str
) -> None:
    headers = seeded.auth if caller == "client" else None
    case.call_and_validate(app=seeded.app, headers=headers, checks=CHECKS)


def test_served_document_loads_in_schemathesis(seeded: Seeded) -> None:
    served = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded.app)

    served_labels = _labels(served)
    built_labels = _labels(schema)
    # schemathesis leaves out the operation that serves the document itself.
    assert built_labels - served_labels == {"GET /openapi.json"}


def _labels(loaded: schemathesis.BaseSchema) -> set[str]:
    found = set()
    for result in loaded.get_all_operations():
        assert isinstance(result, Ok), result
        found.add(result.ok().label)

    return found
