"""Where a client's webhooks go: its URL and signing secret, while it is active."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.registry.models import ApiClient


@dataclass(frozen=True)
class WebhookTarget:
    """A receiver's address and the secret requests to it are signed with."""

    url: str
    secret: str = field(repr=False)


def webhook_target(session: Session, client_id: int) -> WebhookTarget | None:
    """Return the client's webhook receiver; None when it has none or is revoked."""
    client = session.get(ApiClient, client_id)
    if client is None or _revoked(client):
        return None

    if not client.webhook_url or not client.webhook_secret:
        return None

    return WebhookTarget(url=client.webhook_url, secret=client.webhook_secret)


def _revoked(client: ApiClient) -> bool:
    return client.revoked_at is not None and client.revoked_at <= datetime.now(UTC)
