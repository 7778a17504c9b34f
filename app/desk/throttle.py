"""A per-address limit on failed desk sign-ins, beside the per-account lockout.

Five wrong passwords lock one account for 15 minutes; this limit stops one
address from trying logins at all after ``FAILURES`` failed sign-ins within
the window (429 with ``Retry-After``), so that nobody can keep every known
login locked or spray passwords across accounts. Counters live where the
API's do (``KANCELARIA_RATE_LIMIT_STORAGE``: memory per process, or Redis
shared by the workers).

Logins that do not exist are "locked" like real ones after as many
failures (:func:`unknown_login_locked`), so that the answer does not tell
which logins exist; their counts live beside the address counters.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.cases.signin import LOCKOUT, MAX_FAILURES
from app.services import current_services as services

FAILURES: RateLimitItem = parse("20 per 15 minutes")
EXTENSION = "kancelaria_desk_sign_in_limit"
# A real account keeps its failure count until it signs in; a month is as
# long as anyone guessing slowly would notice the difference.
UNKNOWN_FAILURES_KEPT = 30 * 24 * 3600


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


def unknown_login_locked(login: str) -> bool:
    """Tell whether a login that does not exist now answers as locked."""
    return bool(_limiter().storage.get(_login_key("locked", login)))


def count_unknown_login_failure(login: str) -> None:
    """Count a failure for a login that does not exist; "lock" it at the limit."""
    storage = _limiter().storage
    failures = _login_key("failures", login)
    if storage.incr(failures, UNKNOWN_FAILURES_KEPT) >= MAX_FAILURES:
        storage.clear(failures)
        storage.incr(_login_key("locked", login), int(LOCKOUT.total_seconds()))


def _login_key(kind: str, login: str) -> str:
    # Only a digest: the counters need not hold what people typed as logins.
    digest = hashlib.sha256(login.encode()).hexdigest()
    return f"{services().settings.rate_limit_prefix}/desk-unknown-login/{kind}/{digest}"


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
