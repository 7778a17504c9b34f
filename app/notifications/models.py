"""Outbox tables: events waiting to be sent, and every webhook delivery attempt.

The rows live in the registry's metadata (one Alembic history); the outbox is
written in the same transaction as the registry change it reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.registry.models import Base, UTCDateTime

KIND_WEBHOOK = "webhook"
# Mail rows: payload holds recipient, subject and text (never logged).
KIND_MAIL = "mail"
UUID_LENGTH = 36
ERROR_LENGTH = 256


class OutboxMessage(Base):
    """One event to deliver, retried with backoff until delivered or given up.

    ``delivery_id`` stays the same on every retry, so receivers can drop
    duplicates. ``claimed_until`` and ``claim_token`` are a sender's lease.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_client.id"), index=True
    )
    event: Mapped[str] = mapped_column(String(64))
    # The document a webhook reports: its events go out one after another.
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)
    delivery_id: Mapped[str] = mapped_column(String(UUID_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))

    @property
    def state(self) -> str:
        """``pending``, ``delivered`` or ``failed`` (given up)."""
        if self.delivered_at is not None:
            return "delivered"

        return "failed" if self.failed_at is not None else "pending"


class WebhookDelivery(Base):
    """One attempt to deliver an outbox message: what the receiver answered."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    duration_ms: Mapped[int] = mapped_column(Integer)
