"""GET /submissions/{id} and the client's own list of submissions."""

from __future__ import annotations

import base64
import binascii

from flask import Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api import bp
from app.api.access import given_code, same_code
from app.api.auth import current_client, require_client
from app.api.links import document_json
from app.errors import ErrorCode, RequestError
from app.registry.models import Document
from app.services import current_services as services

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_PUBLIC_ID = 64
MAX_ID = 2**31 - 1


@bp.get("/submissions/<public_id>")
def submission_status(public_id: str) -> Response:
    """Return a submission's status to its client or the holder of its code."""
    with services().sessions() as session:
        document = visible_document(session, public_id)
        return jsonify(document_json(document))


@bp.get("/submissions")
def list_submissions() -> Response:
    """List the authenticated client's submissions, newest first, by cursor."""
    client = require_client()
    limit = _limit()
    after = _cursor()
    query = select(Document).where(Document.client_id == client.id)
    if after is not None:
        query = query.where(Document.id < after)

    query = query.order_by(Document.id.desc()).limit(limit + 1)
    with services().sessions() as session:
        rows = session.scalars(query).all()
        page = [document_json(row) for row in rows[:limit]]
        more = rows[limit - 1].id if len(rows) > limit else None

    next_cursor = _encode_cursor(more) if more is not None else None
    return jsonify({"submissions": page, "next_cursor": next_cursor})


def visible_document(session: Session, public_id: str) -> Document:
    """Return the document if this request may see it; else 404 alike.

    Its own client (by key) sees it, and so does whoever gives its access
    code; an unknown id and a refusal answer the same.
    """
    client = current_client()
    document = None
    if len(public_id) <= MAX_PUBLIC_ID:
        document = session.scalars(
            select(Document).where(Document.public_id == public_id)
        ).one_or_none()

    if document is None:
        raise RequestError(ErrorCode.NOT_FOUND, 404)

    if client is not None and document.client_id == client.id:
        return document

    code = given_code()
    if code and same_code(code, document.access_code):
        return document

    raise RequestError(ErrorCode.NOT_FOUND, 404)


def _limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not (raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MAX_LIMIT):
        raise RequestError(
            ErrorCode.BAD_REQUEST, 400, f"limit must be 1 to {MAX_LIMIT}."
        )

    return int(raw)


def _cursor() -> int | None:
    raw = request.args.get("cursor")
    if raw is None:
        return None

    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        digits = text[1:]
        plain = digits.isascii() and digits.isdigit() and len(digits) <= 12
        if not text.startswith("d") or not plain:
            raise ValueError("not a cursor")
    except (ValueError, binascii.Error) as exc:
        raise RequestError(
            ErrorCode.BAD_REQUEST, 400, "The cursor is not one we gave out."
        ) from exc

    # Ids are 32-bit: keep the database's integer from overflowing.
    return min(int(digits), MAX_ID)


def _encode_cursor(document_id: int) -> str:
    return base64.urlsafe_b64encode(f"d{document_id}".encode()).decode().rstrip("=")
