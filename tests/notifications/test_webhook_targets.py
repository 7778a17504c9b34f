"""Webhook targets are checked again when sent, after resolving (review F27).

Everything here runs against a receiver on 127.0.0.1; nothing leaves loopback.
"""

from __future__ import annotations

from dataclasses import replace

from app.notifications.outbox import OutboxPolicy
from app.notifications.sender import run_once
from app.notifications.webhooks import deliver
from app.services import Services
from signing.seal import XadesSigner
from tests.notifications.conftest import add_client, submit
from tests.notifications.receiver import Receiver

FAST = OutboxPolicy(timeout_s=2.0, jitter=0.0)


def test_name_resolving_to_loopback_is_not_sent_to_without_the_setting(
    receiver: Receiver,
) -> None:
    url = f"http://localhost:{receiver.port}/hook"

    refused = deliver(url, "s", "submission.registered", "d1", b"{}", 2.0)
    allowed = deliver(
        url, "s", "submission.registered", "d2", b"{}", 2.0, private_targets=True
    )

    assert not refused.delivered and refused.status_code is None
    assert "KANCELARIA_WEBHOOK_PRIVATE_TARGETS" in (refused.error or "")
    assert allowed.delivered
    assert len(receiver.wait_for(1)) == 1


def test_sender_stored_loopback_target_gets_nothing_when_setting_is_off(
    services: Services, citizen: XadesSigner, receiver: Receiver
) -> None:
    # A row stored earlier (or written past the CLI) still meets the check.
    client_id, _, _ = add_client(services, receiver.url)
    submit(services, citizen, client_id)
    strict = replace(
        services, settings=replace(services.settings, webhook_private_targets=False)
    )

    report = run_once(strict, FAST)

    assert report.delivered == 0
    assert receiver.received == []
