"""Signed webhook requests: the signature scheme, its check, and one delivery.

A request carries ``Kancelaria-Timestamp`` (Unix seconds) and
``Kancelaria-Signature: v1=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<body>"``
keyed with the client's webhook secret. Receivers check it with
:func:`verify_webhook_signature` (or the same three lines of ``hmac``) and
refuse timestamps older than a few minutes, so a captured request cannot be
replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from app.notifications.addresses import (
    IPAddress,
    WebhookAddressError,
    WebhookURLError,
    check_target_address,
    literal_address,
    pinned_address,
)
from app.notifications.pinning import pinned_session

log = logging.getLogger(__name__)

__all__ = [
    "WebhookAddressError",
    "WebhookURLError",
    "check_target_address",
    "check_webhook_url",
    "deliver",
    "sign",
    "verify_webhook_signature",
]

SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_S = 300
WEBHOOK_SCHEMES = frozenset({"http", "https"})
USER_AGENT = "Kancelaria-Webhooks/1"

HEADER_TIMESTAMP = "Kancelaria-Timestamp"
HEADER_SIGNATURE = "Kancelaria-Signature"
HEADER_EVENT = "Kancelaria-Event"
HEADER_DELIVERY = "Kancelaria-Delivery"


@dataclass(frozen=True)
class Attempt:
    """What one POST to a receiver gave: delivered or not, and why."""

    delivered: bool
    status_code: int | None
    error: str | None
    duration_ms: int


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``Kancelaria-Signature`` value for a body sent at ``timestamp``."""
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify_webhook_signature(
    secret: str,
    timestamp: str | int,
    body: bytes,
    header: str,
    tolerance: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """Say whether ``header`` signs ``body`` at a ``timestamp`` within tolerance.

    ``header`` may list several ``v1=`` values separated by commas (the form
    used while a secret is being rotated); one matching value is enough.
    """
    try:
        sent = int(str(timestamp).strip())
    except ValueError:
        return False

    current = time.time() if now is None else now
    if abs(current - sent) > tolerance:
        return False

    expected = sign(secret, sent, body)
    offered = [part.strip() for part in header.split(",")]
    return any(hmac.compare_digest(expected, value) for value in offered)


def check_webhook_url(url: str, private_targets: bool = False) -> str:
    """Return ``url`` if it is a plain absolute http(s) address; raise otherwise.

    Plain means: a host, a valid port, no credentials and no white space or
    control characters (which could smuggle headers into the request line).
    A host given as an address (or ``localhost``) must be one we send to, see
    :func:`check_target_address`; names are checked again when resolved.
    """
    message = "a webhook URL must be an absolute http or https URL"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise WebhookURLError(message)

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise WebhookURLError(message) from exc

    if parts.scheme.lower() not in WEBHOOK_SCHEMES or not parts.hostname:
        raise WebhookURLError(message)

    if parts.username is not None or parts.password is not None:
        raise WebhookURLError("a webhook URL must not carry credentials")

    host = parts.hostname.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        check_target_address(ipaddress.ip_address("127.0.0.1"), private_targets)
    else:
        literal = literal_address(host)
        if literal is not None:
            check_target_address(literal, private_targets)

    return url


def deliver(
    url: str,
    secret: str,
    event: str,
    delivery_id: str,
    body: bytes,
    timeout: float,
    private_targets: bool = False,
) -> Attempt:
    """POST one signed event; 2xx is delivered, anything else a failed attempt.

    Redirects are not followed, and nothing from the environment (proxies,
    .netrc credentials) is used. The receiver's answer body is never read.
    The host is resolved once, just before sending; every address it has
    must be one webhooks may reach (``private_targets`` as the operator set
    it), and the request goes to the address judged, under the host's name.
    """
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: sign(secret, timestamp, body),
        HEADER_EVENT: event,
        HEADER_DELIVERY: delivery_id,
    }
    started = time.monotonic()

    try:
        check_webhook_url(url, private_targets)
        address = pinned_address(url, private_targets)
        status = _post(url, address, body, headers, timeout)
    except WebhookURLError as exc:
        return Attempt(False, None, str(exc), _elapsed_ms(started))
    except requests.Timeout:
        return Attempt(
            False, None, f"timeout after {timeout:g} s", _elapsed_ms(started)
        )
    except requests.RequestException as exc:
        return Attempt(False, None, _describe(exc), _elapsed_ms(started))

    delivered = 200 <= status < 300
    error = None if delivered else f"receiver answered HTTP {status}"
    return Attempt(delivered, status, error, _elapsed_ms(started))


def _post(
    url: str,
    address: IPAddress,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
) -> int:
    """POST to ``address`` with a hard deadline over the whole exchange.

    requests' timeout bounds each socket read, so a receiver dripping one byte
    every few seconds could hold a sender for minutes. The exchange runs in a
    daemon thread; past the deadline its session is closed and it is left to
    die, and the attempt counts as a timeout.
    """
    session, target = pinned_session(url, address, headers)
    outcome: dict[str, int | BaseException] = {}

    def exchange() -> None:
        try:
            response = session.post(
                target,
                data=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            )
            response.close()
            outcome["status"] = response.status_code
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=exchange, name="webhook-delivery", daemon=True)
    worker.start()
    worker.join(timeout)
    session.close()
    if worker.is_alive():
        raise requests.Timeout(f"no complete answer within {timeout:g} s")

    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error

    status = outcome["status"]
    assert isinstance(status, int)
    return status


def _describe(exc: requests.RequestException) -> str:
    # The class name says enough (ConnectionError, SSLError, ...); the message
    # may carry the whole URL, query string included.
    return f"could not connect: {type(exc).__name__}"


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
