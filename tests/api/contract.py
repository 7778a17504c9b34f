"""Check a real answer against what the OpenAPI document promises for it.

Schemas are checked strictly: an object the document describes with
properties may carry no other property, so that a field added to a route but
not to the document fails here rather than surprising a client.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from app.api.openapi import SERVER

CONVERTER = re.compile(r"<(?:[a-z]+:)?[a-z_]+>")
TEMPLATE = re.compile(r"\{[A-Za-z_]+\}")


def flask_operations(app: Flask) -> set[tuple[str, str]]:
    """Return every (METHOD, path template) the app routes under the API prefix."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(SERVER + "/"):
            continue

        path = CONVERTER.sub("{}", rule.rule.removeprefix(SERVER))
        for method in rule.methods or ():
            if method not in {"HEAD", "OPTIONS"}:
                found.add((method, path))

    return found


def documented_operations(doc: dict[str, Any]) -> set[tuple[str, str]]:
    """Return every (METHOD, path) of the document's ``paths``.

    Path parameters compare by place, not name: ``{id}`` matches Flask's
    ``<public_id>``.
    """
    return {
        (method.upper(), TEMPLATE.sub("{}", path))
        for path, item in doc["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def strict(schema: Any) -> Any:
    """Return a copy where described objects allow no undescribed property."""
    schema = copy.deepcopy(schema)
    _tighten(schema)
    return schema


def _tighten(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _tighten(item)
        return

    if not isinstance(node, dict):
        return

    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False

    for value in node.values():
        _tighten(value)


def check_answer(
    doc: dict[str, Any], answer: TestResponse, method: str, path: str
) -> dict[str, Any]:
    """Assert ``answer`` is documented for the operation; return its response spec.

    The status must be listed, the media type declared, a JSON body valid
    against its schema (strictly), required headers present, and an error
    code one the document gives to this operation and status.
    """
    operation = doc["paths"][path][method.lower()]
    status = str(answer.status_code)
    assert status in operation["responses"], (
        f"{method} {path} answered {status}, not documented: {answer.get_data()!r}"
    )
    spec: dict[str, Any] = operation["responses"][status]
    _check_headers(spec, answer)
    content = spec.get("content", {})
    if not content:
        return spec

    media = answer.mimetype
    assert media in content, f"{method} {path} {status}: {media} not in {content}"
    if media == "application/json":
        _check_json(doc, content[media], answer.get_json())

    return spec


def _check_headers(spec: dict[str, Any], answer: TestResponse) -> None:
    for name, header in spec.get("headers", {}).items():
        if header.get("required"):
            assert name in answer.headers, f"missing header {name}"


def assert_valid(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    """Assert ``value`` is valid against ``schema`` of ``doc``, strictly."""
    rooted = strict({"components": doc["components"], **schema})
    validator = Draft202012Validator(
        rooted, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    problems = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(value)
    ]
    assert not problems, problems


def _check_json(doc: dict[str, Any], media: dict[str, Any], body: Any) -> None:
    assert_valid(doc, media["schema"], body)

    examples = media.get("examples")
    if examples is not None:
        codes = {problem["error"] for problem in body["errors"]}
        assert codes <= set(examples), f"codes {codes} not documented here"
