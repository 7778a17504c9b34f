"""A per-address limit on failed desk sign-ins, beside the per-account lockout.

Five wrong passwords lock one account for 15 minutes; this limit stops one
address from trying logins at all after ``FAILURES`` failed sign-ins within
the window (429 with ``Retry-After``), so that nobody can keep every known
login locked or spray passwords across accounts. Counters live where the
API's do (``KANCELARIA_RATE_LIMIT_STORAGE``: memory per process, or Redis
shared by the workers).
"""

from __future__ import annotations

import math
import time

from flask import current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.services import current_services as services

FAILURES: RateLimitItem = parse("20 per 15 minutes")
EXTENSION = "kancelaria_desk_sign_in_limit"


def wait_seconds() -> int | None:
    """Seconds this address must wait before trying again; None if it may try."""
    limiter = _limiter()
    key = _key()
    if limiter.test(FAILURES, *key):
        return None

    reset = limiter.get_window_stats(FAILURES, *key).reset_time
    return max(1, math.ceil(reset - time.time()))


def count_failure() -> None:
    """Count one failed sign-in against this request's address."""
    _limiter().hit(FAILURES, *_key())


def _limiter() -> FixedWindowRateLimiter:
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        storage = storage_from_string(services().settings.rate_limit_storage)
        found = FixedWindowRateLimiter(storage)
        current_app.extensions[EXTENSION] = found

    limiter: FixedWindowRateLimiter = found
    return limiter


def _key() -> tuple[str, str, str]:
    prefix = services().settings.rate_limit_prefix
    return (prefix, "desk-sign-in", request.remote_addr or "unknown")
