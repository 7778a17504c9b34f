"""Rate limits of the API (Flask-Limiter), one limiter per application.

Anonymous submissions are limited per remote address
(``KANCELARIA_ANONYMOUS_RATE_LIMIT``, "off" to switch off); an authenticated
client's requests to the submission routes share the client's own limit,
keyed by its id. Counters live in memory (per process) unless
``KANCELARIA_RATE_LIMIT_STORAGE`` names a Redis server, which gunicorn's
workers then share. A refusal is 429 ``rate-limited`` with ``Retry-After``.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded

from app.api.auth import current_client
from app.config import Settings
from app.errors import ErrorCode, envelope
from app.limits import EXTENSION, init_limiter
from app.services import current_services

log = logging.getLogger(__name__)

SUBMIT = "api.submit"
# Routes an authenticated client's limit counts; anonymous callers are
# limited on submissions only.
CLIENT_ROUTES = frozenset(
    {
        SUBMIT,
        "api.submission_status",
        "api.list_submissions",
        "api.submission_report",
        "api.submission_report_xml",
        "api.webhook_deliveries",
    }
)
OFF = frozenset({"off", "none", "0"})
UNREACHABLE = "1000000/second"


def init_limits(app: Flask, bp: Blueprint, settings: Settings) -> Limiter:
    """Add the API blueprint's shared limit to the application's limiter."""
    limiter = init_limiter(app, settings)
    limiter.shared_limit(_limit, scope="api", key_func=_key, exempt_when=_exempt)(bp)
    return limiter


def rate_limited(exc: RateLimitExceeded) -> Response:
    """Answer a breached limit with the envelope and ``Retry-After``."""
    answer = jsonify(envelope(ErrorCode.RATE_LIMITED))
    answer.status_code = 429
    answer.headers["Retry-After"] = str(_retry_after())
    log.warning("rate limited", extra={"endpoint": request.endpoint})
    return answer


def _retry_after() -> int:
    limiter: Limiter = current_app.extensions[EXTENSION]
    current = limiter.current_limit
    if current is None:
        return 1

    return max(1, math.ceil(current.reset_at - time.time()))


def _key() -> str:
    client = current_client()
    if client is not None:
        return client.scope

    return f"anon:{request.remote_addr or 'unknown'}"


def _limit() -> str:
    client = current_client()
    if client is not None:
        return client.rate_limit

    anonymous = current_services().settings.anonymous_rate_limit
    # Switched off, the request is exempt anyway; the limiter still parses the
    # string, so give it a valid one rather than "off".
    return UNREACHABLE if anonymous.strip().lower() in OFF else anonymous


def _exempt() -> bool:
    if request.endpoint not in CLIENT_ROUTES:
        return True

    if current_client() is not None:
        return False

    anonymous = current_services().settings.anonymous_rate_limit
    return request.endpoint != SUBMIT or anonymous.strip().lower() in OFF
