"""Webhook addresses an administrator types are checked before they are stored."""

from __future__ import annotations

import pytest

from app.api.clients import ClientError, check_webhook_url


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:8091/x",
        "http:///nohost",
        "http://[::1/",
        "http://127.0.0.1:99999/",
        "http://user:secret@127.0.0.1:8091/h",
        "http://127.0.0.1:8091/a\r\nX-Injected: 1",
        "http://127.0.0.1:8091/a b",
    ],
    ids=[
        "file",
        "gopher",
        "no-host",
        "broken-ipv6",
        "port-range",
        "credentials",
        "header-injection",
        "space",
    ],
)
def test_unusable_webhook_urls_are_refused_with_a_sentence(url: str) -> None:
    with pytest.raises(ClientError, match="webhook URL"):
        check_webhook_url(url)


@pytest.mark.parametrize(
    "url", ["https://bridge.example.gov.pl/hooks", "http://[::1]:8080/h"]
)
def test_plain_http_and_https_webhook_urls_are_accepted(url: str) -> None:
    check_webhook_url(url, private_targets=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/h",
        "http://0.0.0.0:8080/h",
        "http://[::]/h",
        "http://224.0.0.1/h",
        "http://[ff02::1]/h",
        "http://[::ffff:169.254.169.254]/h",
        "http://2852039166/h",
    ],
    ids=[
        "metadata",
        "ipv6-link-local",
        "unspecified",
        "ipv6-unspecified",
        "multicast",
        "ipv6-multicast",
        "mapped-link-local",
        "decimal-link-local",
    ],
)
def test_link_local_multicast_unspecified_webhook_refused_even_when_private_allowed(
    url: str,
) -> None:
    with pytest.raises(ClientError, match="link-local"):
        check_webhook_url(url, private_targets=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8091/h",
        "http://localhost:8091/h",
        "http://[::1]:8091/h",
        "http://10.1.2.3/admin",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://2130706433/h",
    ],
)
def test_private_or_loopback_webhook_refused_unless_operator_allows(url: str) -> None:
    with pytest.raises(ClientError, match="KANCELARIA_WEBHOOK_PRIVATE_TARGETS"):
        check_webhook_url(url)

    check_webhook_url(url, private_targets=True)
