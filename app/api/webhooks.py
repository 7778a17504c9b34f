"""GET /webhooks/deliveries: the authenticated client's webhook delivery log."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from app.api import bp
from app.api.auth import require_client
from app.errors import ErrorCode, RequestError
from app.notifications.models import OutboxMessage, WebhookDelivery
from app.services import current_services as services

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_ID = 2**31 - 1
CURSOR_MARK = "w"


@bp.get("/webhooks/deliveries")
def list_deliveries() -> Response:
    """List the client's webhook delivery attempts, newest first, by cursor."""
    client = require_client()
    limit = _limit()
    query = (
        select(WebhookDelivery, OutboxMessage)
        .join(OutboxMessage, WebhookDelivery.outbox_id == OutboxMessage.id)
        .where(OutboxMessage.client_id == client.id)
    )
    after = _cursor()
    if after is not None:
        query = query.where(WebhookDelivery.id < after)

    query = query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)
    with services().sessions() as session:
        rows = session.execute(query).all()

    page = [_delivery_json(attempt, event) for attempt, event in rows[:limit]]
    more = rows[limit - 1][0].id if len(rows) > limit else None
    next_cursor = _encode_cursor(more) if more is not None else None
    return jsonify({"deliveries": page, "next_cursor": next_cursor})


def _delivery_json(attempt: WebhookDelivery, event: OutboxMessage) -> dict[str, Any]:
    pending = event.state == "pending"
    return {
        "delivery_id": event.delivery_id,
        "event": event.event,
        "submission_id": json.loads(event.payload).get("id"),
        "attempt": attempt.attempt,
        "attempted_at": attempt.at.isoformat(timespec="seconds"),
        "status_code": attempt.status_code,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
        "succeeded": attempt.status_code is not None and attempt.error is None,
        "event_state": event.state,
        "next_attempt_at": (
            event.next_attempt_at.isoformat(timespec="seconds") if pending else None
        ),
    }


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
        if not text.startswith(CURSOR_MARK) or not plain:
            raise ValueError("not a cursor")
    except (ValueError, binascii.Error) as exc:
        raise RequestError(
            ErrorCode.BAD_REQUEST, 400, "The cursor is not one we gave out."
        ) from exc

    return min(int(digits), MAX_ID)


def _encode_cursor(delivery_id: int) -> str:
    text = f"{CURSOR_MARK}{delivery_id}".encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")
