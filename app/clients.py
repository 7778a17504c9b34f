"""Managing API clients: create, rotate and revoke keys; the key is shown once.

A capability module: the API authenticates with :func:`key_hash`, the
``flask clients`` commands and the administrator's desk pages manage
clients with the functions below. Given ``by`` (the administrator's login),
each change is also written to the registry journal, in the same
transaction.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from limits import parse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import begin_write
from app.notifications.webhooks import WebhookURLError
from app.notifications.webhooks import check_webhook_url as webhook_url_rule
from app.registry import journal
from app.registry.models import ApiClient

log = logging.getLogger(__name__)

KEY_PREFIX = "kan_"
KEY_BYTES = 32
SHOWN_PREFIX = 8
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


EVENT_CREATED = "api-client-created"
EVENT_ROTATED = "api-key-rotated"
EVENT_REVOKED = "api-client-revoked"


class ClientError(ValueError):
    """An operator's request about a client that cannot be carried out."""


@dataclass(frozen=True)
class IssuedKey:
    """A client and its new key, to be shown once and never again."""

    client_id: int
    key: str
    webhook_secret: str | None = None


def key_hash(key: str) -> str:
    """Return the stored form of a key: the hex SHA-256 of its text."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """Return a new random API key (``kan_`` + 32 bytes, URL-safe base64)."""
    raw = secrets.token_bytes(KEY_BYTES)
    return KEY_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def create_client(
    session: Session,
    name: str,
    *,
    rate_limit: str,
    forms: Sequence[str] = (),
    webhook_url: str | None = None,
    mtls_sha256: str | None = None,
    by: str | None = None,
) -> IssuedKey:
    """Add a client with a fresh key; commit; return the key to show once."""
    _check_rate(rate_limit)
    if webhook_url is not None:
        check_webhook_url(webhook_url)

    key = new_key()
    secret = secrets.token_hex(32) if webhook_url else None
    row = ApiClient(
        name=name,
        key_prefix=key[:SHOWN_PREFIX],
        key_hash=key_hash(key),
        allowed_forms=sorted(set(forms)),
        rate_limit=rate_limit,
        webhook_url=webhook_url,
        webhook_secret=secret,
        mtls_sha256=_certificate(mtls_sha256),
        created_at=datetime.now(UTC),
    )
    begin_write(session)
    session.add(row)
    session.flush()
    _journal(session, EVENT_CREATED, row, by, forms=row.allowed_forms)
    session.commit()
    log.info("api client created", extra={"client_id": row.id})
    return IssuedKey(row.id, key, secret)


def rotate_key(
    session: Session, client_id: int, grace_seconds: int = 0, by: str | None = None
) -> IssuedKey:
    """Give a client a new key; the old one works ``grace_seconds`` longer."""
    if grace_seconds < 0:
        raise ClientError("The grace period cannot be negative.")

    begin_write(session)
    row = _active(session, client_id)
    key = new_key()
    now = datetime.now(UTC)
    row.rotated_from = row.key_prefix
    # Kept after the grace period too, to answer "credential-revoked".
    row.previous_key_hash = row.key_hash
    row.previous_key_expires_at = now + timedelta(seconds=grace_seconds)
    row.key_prefix = key[:SHOWN_PREFIX]
    row.key_hash = key_hash(key)
    _journal(session, EVENT_ROTATED, row, by, grace_seconds=grace_seconds)
    session.commit()
    log.info("api key rotated", extra={"client_id": client_id})
    return IssuedKey(client_id, key)


def revoke_client(session: Session, client_id: int, by: str | None = None) -> None:
    """Stop every key of a client at once."""
    begin_write(session)
    row = _active(session, client_id)
    row.revoked_at = datetime.now(UTC)
    row.previous_key_expires_at = None
    _journal(session, EVENT_REVOKED, row, by)
    session.commit()
    log.info("api client revoked", extra={"client_id": client_id})


def list_clients(session: Session) -> Sequence[ApiClient]:
    """Return every client, oldest first."""
    return session.scalars(select(ApiClient).order_by(ApiClient.id)).all()


def check_webhook_url(url: str) -> None:
    """Refuse webhook addresses that are not plain http(s) URLs with a host."""
    try:
        webhook_url_rule(url)
    except WebhookURLError as exc:
        raise ClientError(
            "The webhook URL must be a plain http:// or https:// address "
            "(a host, no credentials, no spaces)."
        ) from exc


def _journal(
    session: Session, event: str, row: ApiClient, by: str | None, **details: object
) -> None:
    # Only changes made by a named person; the key itself is never written.
    if by is not None:
        payload = {"by": by, "client": row.id, "prefix": row.key_prefix, **details}
        journal.append(session, event, None, payload)


def _active(session: Session, client_id: int) -> ApiClient:
    row = session.get(ApiClient, client_id)
    if row is None:
        raise ClientError(f"No API client {client_id}.")

    if row.revoked_at is not None:
        raise ClientError(f"API client {client_id} is revoked.")

    return row


def _check_rate(rate_limit: str) -> None:
    try:
        parse(rate_limit)
    except ValueError as exc:
        raise ClientError(
            f"{rate_limit!r} is not a rate limit such as 120/minute."
        ) from exc


def _certificate(value: str | None) -> str | None:
    if value is None:
        return None

    normalised = value.strip().lower().replace(":", "")
    if not SHA256_HEX.fullmatch(normalised):
        raise ClientError("The certificate fingerprint must be a SHA-256 in hex.")

    return normalised
