"""Rate limits of the API (Flask-Limiter), one limiter per application.

Anonymous submissions are limited per remote address
(``KANCELARIA_ANONYMOUS_RATE_LIMIT``, "off" to switch off); an authenticated
client's requests to the submission routes share the client's own limit,
keyed by its id. Counters live in memory (per process) unless
``KANCELARIA_RATE_LIMIT_STORAGE`` names a Redis server, which gunicorn's
workers then share. A refusal is 429 ``rate-limited`` with ``Retry-After``.

The API counts its limit itself, before its views, in the application
limiter's storage and under the keys Flask-Limiter's shared limit used
(prefix, caller, scope ``api``): one hit per limited request. Flask-Limiter
is told to skip API requests, so it spends nothing on resolving limits no
API route has; give API routes no Flask-Limiter decorators.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.strategies import RateLimiter

from app.api.auth import current_client
from app.config import Settings
from app.limits import EXTENSION, TooManyAttempts, init_limiter
from app.services import current_services

log = logging.getLogger(__name__)

SUBMIT = "api.submit"
SCOPE = "api"
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


def init_limits(app: Flask, settings: Settings) -> Limiter:
    """Have Flask-Limiter leave the API alone: :func:`check_limit` counts it."""
    limiter = init_limiter(app, settings)
    limiter.request_filter(_is_api_request)
    _skip_api_requests(app, limiter)
    return limiter


def _skip_api_requests(app: Flask, limiter: Limiter) -> None:
    """Keep API requests out of Flask-Limiter's own check, not just its limits.

    Its request filter alone is asked only after it has resolved the view
    and its limits, which cost every submission more than the API's own
    count; the filter stays for any other way in.
    """
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit
    for index, hook in enumerate(hooks):
        if hook == check:
            hooks[index] = _outside_api(hook)


def _outside_api(hook: Callable[[], None]) -> Callable[[], None]:
    @wraps(hook)
    def run() -> None:
        if not _is_api_request():
            hook()

    return run


def check_limit() -> None:
    """Count this request against its caller's limit; refuse it past the limit."""
    if _exempt():
        return

    item = _parsed(_limit())
    identifiers = (current_services().settings.rate_limit_prefix, _key(), SCOPE)
    strategy = _strategy()
    if strategy.hit(item, *identifiers):
        return

    log.warning("rate limited", extra={"endpoint": request.endpoint})
    reset = strategy.get_window_stats(item, *identifiers).reset_time
    raise TooManyAttempts(max(1, math.ceil(reset - time.time())))


def _is_api_request() -> bool:
    return request.blueprint == "api"


@lru_cache(maxsize=64)
def _parsed(limit: str) -> RateLimitItem:
    return parse(limit)


def _strategy() -> RateLimiter:
    limiter: Limiter = current_app.extensions[EXTENSION]
    strategy: RateLimiter = limiter.limiter
    return strategy


def _key() -> str:
    client = current_client()
    if client is not None:
        return client.scope

    return f"anon:{request.remote_addr or 'unknown'}"


def _limit() -> str:
    client = current_client()
    if client is not None:
        return client.rate_limit

    # Switched off ("off"), anonymous requests are exempt and never get here.
    return current_services().settings.anonymous_rate_limit


def _exempt() -> bool:
    if request.endpoint not in CLIENT_ROUTES:
        return True

    if current_client() is not None:
        return False

    anonymous = current_services().settings.anonymous_rate_limit
    return request.endpoint != SUBMIT or anonymous.strip().lower() in OFF
