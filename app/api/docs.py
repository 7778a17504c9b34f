"""The API's reference page at ``/api/docs``: the OpenAPI document as HTML.

Rendered on the server from the same document ``/api/v1/openapi.json``
serves, with a template and the stylesheet we ship: no script, no other host.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Response, render_template
from flask.sansio.blueprints import BlueprintSetupState
from markupsafe import Markup, escape

from app.api import bp
from app.api.openapi import SERVER, document

METHODS = ("get", "post", "put", "patch", "delete")
CODE = Markup("<code>{}</code>")


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation, as the page lists it."""

    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Answer:
    """One documented response of an operation."""

    status: str
    description: str
    media_types: tuple[str, ...]
    schema: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    """One operation, ready for the template."""

    anchor: str
    method: str
    path: str
    summary: str
    description: str
    security: str
    parameters: tuple[Parameter, ...]
    body: tuple[str, ...]
    answers: tuple[Answer, ...]


@bp.record_once
def _add_docs_route(state: BlueprintSetupState) -> None:
    # The page lives beside the versioned API, not under its prefix.
    state.app.add_url_rule("/api/docs", "api_docs", api_docs)


def api_docs() -> Response:
    """Render the API reference from the OpenAPI document."""
    doc = document()
    page = render_template(
        "api_docs.html",
        doc=doc,
        server=SERVER,
        operations=_operations(doc, doc["paths"]),
        webhooks=_operations(doc, doc["webhooks"]),
        errors=_errors(doc),
        schemas=_schemas(doc),
        code=inline_code,
    )
    return Response(page, mimetype="text/html")


def _operations(doc: dict[str, Any], items: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in items.items():
        for method in METHODS:
            if method in item:
                found.append(_operation(doc, path, method, item[method]))

    return found


def _operation(
    doc: dict[str, Any], path: str, method: str, spec: dict[str, Any]
) -> Operation:
    body = spec.get("requestBody", {}).get("content", {})
    return Operation(
        anchor=spec["operationId"],
        method=method.upper(),
        path=path,
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        security=_security(spec.get("security", doc["security"])),
        parameters=tuple(_parameter(doc, p) for p in spec.get("parameters", [])),
        body=tuple(body),
        answers=tuple(
            _answer(status, answer) for status, answer in spec["responses"].items()
        ),
    )


def _security(requirements: list[dict[str, list[str]]]) -> str:
    schemes = ", ".join(name for requirement in requirements for name in requirement)
    if not schemes:
        return "none"

    if {} in requirements:
        return f"optional ({schemes})"

    return f"required ({schemes})"


def _parameter(doc: dict[str, Any], spec: dict[str, Any]) -> Parameter:
    spec = _resolve(doc, spec)
    return Parameter(
        name=spec["name"],
        where=spec["in"],
        required=spec.get("required", False),
        type=_type(spec["schema"]),
        description=spec.get("description", ""),
    )


def _answer(status: str, spec: dict[str, Any]) -> Answer:
    content = spec.get("content", {})
    first: dict[str, Any] = next(iter(content.values()), {})
    codes = tuple(first.get("examples", {}))
    return Answer(
        status=status,
        # Refusals are described by their codes, linked to the error table.
        description=_phrase(status) if codes else spec["description"],
        media_types=tuple(content),
        schema=_type(first.get("schema", {})) if content else "",
        codes=codes,
    )


def inline_code(text: str) -> Markup:
    """Escape ``text`` and render its `backticked` spans as code."""
    parts = text.split("`")
    return Markup("").join(
        CODE.format(part) if i % 2 else escape(part) for i, part in enumerate(parts)
    )


def _phrase(status: str) -> str:
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return status


def _errors(doc: dict[str, Any]) -> list[dict[str, Any]]:
    examples = doc["components"]["examples"]
    return [
        {
            "code": name.removeprefix("error-"),
            "summary": example["summary"],
            "returned_by": example["x-returned-by"],
            "example": json.dumps(example["value"], indent=2, ensure_ascii=False),
        }
        for name, example in examples.items()
    ]


def _schemas(doc: dict[str, Any]) -> dict[str, str]:
    return {
        name: json.dumps(schema, indent=2, ensure_ascii=False)
        for name, schema in doc["components"]["schemas"].items()
    }


def _resolve(doc: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in spec:
        return spec

    found: Any = doc
    for part in spec["$ref"].removeprefix("#/").split("/"):
        found = found[part]

    return dict(found)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]

    return str(schema.get("type", "any"))
