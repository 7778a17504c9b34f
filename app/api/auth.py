"""API credentials: a Bearer key names a client, a proxy may vouch for its TLS.

Keys are ``kan_`` and 43 URL-safe base64 characters (32 random bytes); only
their SHA-256 is stored. A request without ``Authorization`` is anonymous;
one with a malformed, unknown, revoked or replaced key is refused with 401
and ``WWW-Authenticate: Bearer``. When ``KANCELARIA_MTLS_HEADER`` names a
header, a key whose client is bound to a certificate is accepted only with
that certificate's SHA-256 in the header, and a header that is present must
name the key's client's certificate. Without the setting the header is never
read.
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import g, request
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clients import key_hash
from app.errors import ErrorCode, RequestError
from app.registry.models import ApiClient
from app.services import current_services

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"kan_[A-Za-z0-9_-]{43}")
BEARER = re.compile(r"Bearer +(\S+) *", re.IGNORECASE)
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class ApiIdentity:
    """The authenticated client of a request."""

    id: int
    name: str
    # None: every form is allowed.
    allowed_forms: frozenset[str] | None
    rate_limit: str

    @property
    def scope(self) -> str:
        """Name of this client in idempotency and rate-limit keys."""
        return f"client:{self.id}"


def current_client() -> ApiIdentity | None:
    """Authenticate this request once; return its client, or None if anonymous."""
    if "api_client" not in g:
        g.api_client = _authenticate_request()

    found: ApiIdentity | None = g.api_client
    return found


def require_client() -> ApiIdentity:
    """Return this request's client; refuse anonymous requests with 401."""
    client = current_client()
    if client is None:
        raise RequestError(ErrorCode.UNAUTHORIZED, 401)

    return client


def authenticate(
    session: Session,
    authorization: str | None,
    certificate_sha256: str | None,
    now: datetime,
) -> ApiIdentity | None:
    """Return the client an ``Authorization`` value names; None when absent.

    ``certificate_sha256`` is what the trusted proxy header said, or None
    when the header is not configured or not sent.
    """
    if authorization is None or not authorization.strip():
        return None

    key = _bearer_key(authorization)
    digest = key_hash(key)
    row = session.scalars(
        select(ApiClient).where(
            or_(ApiClient.key_hash == digest, ApiClient.previous_key_hash == digest)
        )
    ).one_or_none()
    if row is None:
        raise _refused(ErrorCode.UNAUTHORIZED, "unknown key")

    _check_key_state(row, digest, now)
    _check_certificate(row, certificate_sha256)
    return _identity(row)


def _authenticate_request() -> ApiIdentity | None:
    authorization = request.headers.get("Authorization")
    if authorization is None or not authorization.strip():
        return None  # anonymous: no session to open

    services = current_services()
    header = services.settings.mtls_header
    certificate = request.headers.get(header) if header else None

    with services.sessions() as session:
        client = authenticate(
            session, authorization, certificate or None, datetime.now(UTC)
        )

    if client is not None:
        log.debug("authenticated", extra={"client_id": client.id})

    return client


def _bearer_key(authorization: str) -> str:
    match = BEARER.fullmatch(authorization)
    if match is None or not KEY_PATTERN.fullmatch(match.group(1)):
        raise _refused(ErrorCode.UNAUTHORIZED, "malformed credentials")

    return match.group(1)


def _check_key_state(row: ApiClient, digest: str, now: datetime) -> None:
    """Refuse a revoked client, or a replaced key past its grace period."""
    if row.revoked_at is not None and row.revoked_at <= now:
        raise _refused(ErrorCode.CREDENTIAL_REVOKED, "revoked client", row.id)

    if hmac.compare_digest(row.key_hash, digest):
        return

    # The key a rotation replaced: valid only until its grace period ends.
    previous = row.previous_key_hash or ""
    expires = row.previous_key_expires_at
    if not hmac.compare_digest(previous, digest) or expires is None or expires <= now:
        raise _refused(ErrorCode.CREDENTIAL_REVOKED, "replaced key", row.id)


def _check_certificate(row: ApiClient, given: str | None) -> None:
    """Apply the mutual-TLS rule; ``given`` is None without a trusted header."""
    if given is None and row.mtls_sha256 is None:
        return

    expected = (row.mtls_sha256 or "").lower()
    presented = (given or "").strip().lower()
    if not SHA256_HEX.fullmatch(presented) or not hmac.compare_digest(
        presented, expected
    ):
        raise _refused(ErrorCode.UNAUTHORIZED, "certificate mismatch", row.id)


def _identity(row: ApiClient) -> ApiIdentity:
    forms = frozenset(row.allowed_forms or ())
    return ApiIdentity(
        id=row.id,
        name=row.name,
        allowed_forms=forms or None,
        rate_limit=row.rate_limit,
    )


def _refused(
    code: ErrorCode, reason: str, client_id: int | None = None
) -> RequestError:
    log.warning("credentials refused", extra={"reason": reason, "client_id": client_id})
    return RequestError(code, 401)
