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
    check_webhook_url(url)
