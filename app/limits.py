"""Per-address limits shared by the channels (reviews F14, F5).

One Flask-Limiter per application (its storage: memory, or the Redis of
``KANCELARIA_RATE_LIMIT_STORAGE``, shared by gunicorn's workers). The API
adds its decorator limits on top (app/api/limits.py); the portal and the
API both use the counters here:

- :func:`limit_uploads`: every portal upload and draft saved counts against
  the anonymous limit (``KANCELARIA_ANONYMOUS_RATE_LIMIT``), as API
  submissions without a key do;
- :func:`guard_code_lookup` / :func:`note_wrong_code`: wrong access or draft
  codes count against ``KANCELARIA_LOOKUP_RATE_LIMIT`` per address; past it
  every lookup is refused until the window ends, right code or not.

A refusal is :class:`TooManyAttempts`: 429 ``rate-limited`` with
``Retry-After``, an error page or the API envelope.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.strategies import RateLimiter

from app.config import Settings
from app.errors import ErrorCode, RequestError

EXTENSION = "kancelaria_limiter"
OFF = frozenset({"off", "none", "0"})
UPLOADS = "portal-upload"
WRONG_CODES = "wrong-code"


class TooManyAttempts(RequestError):
    """Too many requests of one kind from one address: 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(ErrorCode.RATE_LIMITED, 429)
        self.retry_after = retry_after


def init_limiter(app: Flask, settings: Settings) -> Limiter:
    """Give ``app`` its limiter (once; later calls return the same one)."""
    found: Limiter | None = app.extensions.get(EXTENSION)
    if found is not None:
        return found

    limiter = Limiter(
        key_func=caller_address,
        storage_uri=settings.rate_limit_storage,
        key_prefix=settings.rate_limit_prefix,
        strategy="fixed-window",
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    return limiter


def caller_address() -> str:
    """The caller's address (ProxyFix has applied trusted hops already)."""
    return request.remote_addr or "unknown"


def is_off(limit: str) -> bool:
    """Tell whether a limit setting switches the limit off."""
    return limit.strip().lower() in OFF


def limit_uploads() -> None:
    """Count one anonymous upload from this address; refuse past the limit."""
    item = _item(_settings().anonymous_rate_limit)
    if item is None:
        return

    if not _strategy().hit(item, UPLOADS, caller_address()):
        raise TooManyAttempts(_retry_after(item, UPLOADS))


def guard_code_lookup() -> None:
    """Refuse a code lookup from an address that guessed wrong too often."""
    item = _item(_settings().lookup_rate_limit)
    if item is not None and not _strategy().test(item, WRONG_CODES, caller_address()):
        raise TooManyAttempts(_retry_after(item, WRONG_CODES))


def note_wrong_code() -> None:
    """Count one wrong (or unknown) code given by this address."""
    item = _item(_settings().lookup_rate_limit)
    if item is not None:
        _strategy().hit(item, WRONG_CODES, caller_address())


def _item(limit: str) -> RateLimitItem | None:
    return None if is_off(limit) else parse(limit)


def _retry_after(item: RateLimitItem, scope: str) -> int:
    stats = _strategy().get_window_stats(item, scope, caller_address())
    return max(1, math.ceil(stats.reset_time - time.time()))


def _strategy() -> RateLimiter:
    limiter: Limiter = current_app.extensions[EXTENSION]
    strategy: RateLimiter = limiter.limiter
    return strategy


def _settings() -> Settings:
    settings: Settings = current_app.extensions["kancelaria"].settings
    return settings
