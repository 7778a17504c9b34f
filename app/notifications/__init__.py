"""Notifications through an outbox: events written with the registry change,
delivered later (webhooks to API clients), retried with backoff, never lost.
"""

from app.notifications.outbox import (
    EVENT_REGISTERED,
    EVENT_STATUS_CHANGED,
    OutboxPolicy,
    enqueue,
    enqueue_registered,
    enqueue_status_change,
)
from app.notifications.webhooks import (
    WebhookURLError,
    check_webhook_url,
    verify_webhook_signature,
)

__all__ = [
    "EVENT_REGISTERED",
    "EVENT_STATUS_CHANGED",
    "OutboxPolicy",
    "WebhookURLError",
    "check_webhook_url",
    "enqueue",
    "enqueue_registered",
    "enqueue_status_change",
    "verify_webhook_signature",
]
