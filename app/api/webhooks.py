"""GET /webhooks/deliveries: the authenticated client's webhook delivery log."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from app.api import bp
from app.api.auth import require_client
from app.api.paging import make_cursor, page_limit, read_cursor
from app.notifications.models import OutboxMessage, WebhookDelivery
from app.services import current_services as services

CURSOR_MARK = "w"


@bp.get("/webhooks/deliveries")
def list_deliveries() -> Response:
    """List the client's webhook delivery attempts, newest first, by cursor."""
    client = require_client()
    limit = page_limit()
    query = (
        select(WebhookDelivery, OutboxMessage)
        .join(OutboxMessage, WebhookDelivery.outbox_id == OutboxMessage.id)
        .where(OutboxMessage.client_id == client.id)
    )
    after = read_cursor(CURSOR_MARK)
    if after is not None:
        query = query.where(WebhookDelivery.id < after)

    query = query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)
    with services().sessions() as session:
        rows = session.execute(query).all()

    page = [_delivery_json(attempt, event) for attempt, event in rows[:limit]]
    more = rows[limit - 1][0].id if len(rows) > limit else None
    next_cursor = make_cursor(CURSOR_MARK, more) if more is not None else None
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
