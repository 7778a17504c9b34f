"""GET /submissions/{id} and the client's own list of submissions."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api import bp
from app.api.access import given_code, same_code
from app.api.auth import current_client, require_client
from app.api.links import document_json
from app.api.paging import make_cursor, page_limit, read_cursor
from app.cases.queries import case_numbers
from app.errors import ErrorCode, RequestError
from app.limits import guard_code_lookup, note_wrong_code
from app.registry.models import Document
from app.services import current_services as services

MAX_PUBLIC_ID = 64


@bp.get("/submissions/<public_id>")
def submission_status(public_id: str) -> Response:
    """Return a submission's status to its client or the holder of its code."""
    with services().sessions() as session:
        document = visible_document(session, public_id)
        numbers = case_numbers(session, [document.id])
        return jsonify(document_json(document, numbers.get(document.id)))


@bp.get("/submissions")
def list_submissions() -> Response:
    """List the authenticated client's submissions, newest first, by cursor."""
    client = require_client()
    limit = page_limit()
    after = read_cursor("d")
    query = select(Document).where(Document.client_id == client.id)
    if after is not None:
        query = query.where(Document.id < after)

    query = query.order_by(Document.id.desc()).limit(limit + 1)
    with services().sessions() as session:
        rows = session.scalars(query).all()
        shown = rows[:limit]
        numbers = case_numbers(session, [row.id for row in shown])
        page = [document_json(row, numbers.get(row.id)) for row in shown]
        more = rows[limit - 1].id if len(rows) > limit else None

    next_cursor = make_cursor("d", more) if more is not None else None
    return jsonify({"submissions": page, "next_cursor": next_cursor})


def visible_document(session: Session, public_id: str) -> Document:
    """Return the document if this request may see it; else 404 alike.

    Its own client (by key) sees it, and so does whoever gives its access
    code; an unknown id and a refusal answer the same.
    """
    client = current_client()
    code = given_code()
    if code:
        guard_code_lookup()
    document = None
    if len(public_id) <= MAX_PUBLIC_ID:
        document = session.scalars(
            select(Document).where(Document.public_id == public_id)
        ).one_or_none()

    if document is None:
        if code:
            note_wrong_code()
        raise RequestError(ErrorCode.NOT_FOUND, 404)

    if client is not None and document.client_id == client.id:
        return document

    if code and same_code(code, document.access_code):
        return document

    if code:
        note_wrong_code()
    raise RequestError(ErrorCode.NOT_FOUND, 404)
