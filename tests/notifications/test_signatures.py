"""The webhook signature scheme, its check for receivers, and the retry delays."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from flask import Flask

from app.notifications.outbox import OutboxPolicy, retry_delay
from app.notifications.webhooks import (
    WebhookURLError,
    check_webhook_url,
    sign,
    verify_webhook_signature,
)

SECRET = "b1946ac92492d2347c6235b4d2611184"
BODY = b'{"event":"submission.registered","id":"x"}'
NOW = 1_800_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1800000000." + BODY, hashlib.sha256)

    assert sign(SECRET, NOW, BODY) == "v1=" + expected.hexdigest()


def test_fresh_signature_verifies() -> None:
    header = sign(SECRET, NOW, BODY)

    assert verify_webhook_signature(SECRET, str(NOW), BODY, header, now=NOW + 5)


def test_one_matching_value_among_several_verifies_during_secret_rotation() -> None:
    header = sign("old-secret", NOW, BODY) + ", " + sign(SECRET, NOW, BODY)

    assert verify_webhook_signature(SECRET, NOW, BODY, header, now=NOW)


@pytest.mark.parametrize(
    ("secret", "stamp", "body", "now"),
    [
        ("another-secret", str(NOW), BODY, NOW),
        (SECRET, str(NOW), BODY + b" ", NOW),
        (SECRET, str(NOW + 1), BODY, NOW),
        (SECRET, str(NOW), BODY, NOW + 301),
        (SECRET, str(NOW), BODY, NOW - 301),
        (SECRET, "soon", BODY, NOW),
    ],
    ids=["wrong-secret", "changed-body", "changed-stamp", "too-old", "future", "junk"],
)
def test_signature_check_refuses(
    secret: str, stamp: str, body: bytes, now: int
) -> None:
    header = sign(SECRET, NOW, BODY)

    assert not verify_webhook_signature(secret, stamp, body, header, now=now)


def test_signature_without_version_prefix_is_refused() -> None:
    bare = sign(SECRET, NOW, BODY).removeprefix("v1=")

    assert not verify_webhook_signature(SECRET, NOW, BODY, bare, now=NOW)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://h/", "/relative", "http://"],
)
def test_webhook_url_other_than_absolute_http_is_refused(url: str) -> None:
    with pytest.raises(WebhookURLError):
        check_webhook_url(url)


def test_http_and_https_webhook_urls_are_accepted() -> None:
    assert check_webhook_url("https://platform.example/hooks")
    assert check_webhook_url("http://127.0.0.1:9/hooks", private_targets=True)


def test_retry_delays_follow_the_schedule_within_the_jitter() -> None:
    policy = OutboxPolicy()

    for attempts, base in enumerate(policy.retry_schedule, start=1):
        for _ in range(20):
            seconds = retry_delay(attempts, policy).total_seconds()
            assert base * 0.8 <= seconds <= base * 1.2

    assert retry_delay(50, policy).total_seconds() <= 21600 * 1.2


def test_retry_delays_are_spread_not_identical() -> None:
    delays = {retry_delay(3, OutboxPolicy()) for _ in range(20)}

    assert len(delays) > 1


def test_outbox_run_once_command_reports_the_pass(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])

    assert result.exit_code == 0, result.output
    assert "claimed" in result.output and "delivered" in result.output
