"""A webhook goes to the address that was checked; embedded forms are refused.

Review R12. Everything runs on 127.0.0.1 and 127.0.0.2; names are answered
by a resolver the test controls (``socket.getaddrinfo`` replaced: the thing
under test is our sender, not the system's resolver), and refused addresses
are refused before any connection is tried.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from urllib3.util import connection

from app.clients import ClientError, check_webhook_url
from app.notifications.addresses import WebhookAddressError, check_target_address
from app.notifications.pinning import pinned_session
from app.notifications.webhooks import deliver
from tests.notifications.receiver import Receiver, free_port

NAME = "hooks.example"

# Refused ranges carried inside IPv6 forms (169.254.169.254: cloud metadata).
EMBEDDED_LINK_LOCAL = [
    "2002:a9fe:a9fe::",  # 6to4
    "64:ff9b::a9fe:a9fe",  # NAT64 well-known prefix
    "64:ff9b:1::a9fe:a9fe",  # NAT64 local use
    "::ffff:169.254.169.254",  # IPv4-mapped
    "::169.254.169.254",  # IPv4-compatible
    "2001:0:c000:201:0:0:5601:5601",  # Teredo, client 169.254.169.254
]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Stop, and fail on, any connection these tests would open off loopback.

    A sender without the fix would connect to the embedded addresses; this
    keeps that attempt from leaving the machine.
    """
    tried: list[str] = []
    real = connection.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        host = address[0].strip("[]")
        found = socket.getaddrinfo(host, address[1], type=socket.SOCK_STREAM)
        if not all(ipaddress.ip_address(f[4][0]).is_loopback for f in found):
            tried.append(host)
            raise OSError("the test allows loopback connections only")

        return real(address, *args, **kwargs)

    monkeypatch.setattr(connection, "create_connection", guarded)
    yield tried
    assert tried == [], f"a connection off loopback was tried: {tried}"


class Resolver:
    """Answers NAME with the next address of a list; other names as usual."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
        self.answers: Iterator[str] = iter(answers)
        self.lookups = 0
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != NAME:
            return self._real(host, port, *args, **kwargs)

        self.lookups += 1
        address = next(self.answers)
        if ipaddress.ip_address(address).version == 6:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]

        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


def test_a_name_that_rebinds_after_the_check_is_not_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    checked = Receiver(port).start()
    rebound = Receiver(port, host="127.0.0.2").start()
    resolver = Resolver(monkeypatch, "127.0.0.1", "127.0.0.2")
    try:
        attempt = deliver(
            f"http://{NAME}:{port}/hook",
            "s",
            "submission.registered",
            "d1",
            b"{}",
            2.0,
            private_targets=True,
        )
    finally:
        checked.stop()
        rebound.stop()

    assert attempt.delivered, attempt.error
    assert resolver.lookups == 1
    assert rebound.received == []
    assert [r.headers["Host"] for r in checked.received] == [f"{NAME}:{port}"]


@pytest.mark.parametrize("address", EMBEDDED_LINK_LOCAL)
def test_an_embedded_link_local_address_is_refused(address: str) -> None:
    url = f"http://[{address}]/hook"

    attempt = deliver(url, "s", "e", "d", b"{}", 2.0, private_targets=True)
    with pytest.raises(ClientError):
        check_webhook_url(url, private_targets=True)

    assert not attempt.delivered and attempt.status_code is None
    assert "link-local" in (attempt.error or "")


def test_a_name_resolving_to_an_embedded_form_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Resolver(monkeypatch, "64:ff9b::a9fe:a9fe")

    attempt = deliver(f"http://{NAME}/hook", "s", "e", "d", b"{}", 2.0, True)

    assert not attempt.delivered and "link-local" in (attempt.error or "")


def test_embedded_loopback_needs_the_private_targets_setting() -> None:
    loopback_6to4 = ipaddress.ip_address("2002:7f00:1::")

    with pytest.raises(WebhookAddressError, match="PRIVATE_TARGETS"):
        check_target_address(loopback_6to4, private_targets=False)

    check_target_address(loopback_6to4, private_targets=True)
    check_target_address(ipaddress.ip_address("2002:808:808::"), False)


def test_https_keeps_the_name_for_the_server_name_and_certificate() -> None:
    headers: dict[str, str] = {}
    address = ipaddress.ip_address("::1")

    session, target = pinned_session(f"https://{NAME}:8443/h?x=1", address, headers)
    adapter = session.get_adapter(target)
    pool_kw = adapter.poolmanager.connection_pool_kw  # type: ignore[attr-defined]

    assert target == "https://[::1]:8443/h?x=1"
    assert headers["Host"] == f"{NAME}:8443"
    assert pool_kw["server_hostname"] == pool_kw["assert_hostname"] == NAME
