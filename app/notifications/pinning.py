"""A requests session that connects to one checked address under the host's name.

The URL's host is replaced by the address that was resolved and judged
(app.notifications.addresses), so nothing is looked up again when
connecting; the ``Host`` header, and for https the TLS server name and the
certificate check, keep the host's name (review R12).
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from app.notifications.addresses import IPAddress, WebhookURLError


class _NamedTLSAdapter(HTTPAdapter):
    """Send the host's name as TLS server name and check the certificate for it."""

    def __init__(self, hostname: str) -> None:
        self.hostname = hostname  # read by init_poolmanager, called below
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Make every pool name the host, whatever address it connects to."""
        kwargs.update(server_hostname=self.hostname, assert_hostname=self.hostname)
        super().init_poolmanager(*args, **kwargs)


def pinned_session(
    url: str, address: IPAddress, headers: dict[str, str]
) -> tuple[requests.Session, str]:
    """Return a session and the URL to post to; ``headers`` gain the Host."""
    parts = urlsplit(url)
    name = _ascii_host(parts.hostname or "")
    port = f":{parts.port}" if parts.port is not None else ""
    headers["Host"] = f"{_bracketed(name)}{port}"

    session = requests.Session()
    session.trust_env = False
    session.mount("https://", _NamedTLSAdapter(name))
    netloc = f"{_bracketed(str(address))}{port}"
    target = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return session, target


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise WebhookURLError("a webhook URL must have a valid host name") from exc


def _bracketed(host: str) -> str:
    try:
        is_v6 = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        is_v6 = False

    return f"[{host}]" if is_v6 else host
