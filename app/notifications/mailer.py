"""Work the mail rows of the outbox: one pass claims due mail and sends each once.

The transport is configuration: SMTP, or .eml files in a folder (the demo's
default without a mail server, see ``mailfile``). With transport "off", or
SMTP without a server, the pass does nothing and mail stays queued.
Transient failures (server down, 4xx, a full disk) are retried on the
outbox's backoff schedule; a 5xx refusal gives the row up at once. Logs
carry outbox ids and SMTP codes only.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from app.config import Settings
from app.notifications.mail import Mail
from app.notifications.mailfile import write_mail
from app.notifications.models import KIND_MAIL
from app.notifications.outbox import Claimed, OutboxPolicy, claim, give_up, settle
from app.notifications.smtp import MailAttempt, send_mail
from app.notifications.webhooks import Attempt
from app.services import Services

log = logging.getLogger(__name__)


def send_mail_once(
    services: Services, policy: OutboxPolicy, now: datetime | None = None
) -> list[str]:
    """Claim one batch of due mail, try each once; return their new states."""
    if not mail_leaves(services.settings):
        return []

    claimed = claim(services.sessions, policy, now, kind=KIND_MAIL)
    return [_send(services, row, policy, now) for row in claimed]


def mail_leaves(settings: Settings) -> bool:
    """Whether the configured transport can deliver mail at all."""
    if settings.mail_transport == "smtp":
        return bool(settings.smtp_host)

    return settings.mail_transport == "file"


def _send(
    services: Services, row: Claimed, policy: OutboxPolicy, now: datetime | None
) -> str:
    mail = Mail.from_payload(json.loads(row.payload))
    if services.settings.mail_transport == "file":
        attempt = write_mail(services.settings, mail, row.id)
    else:
        attempt = send_mail(services.settings, mail, policy.timeout_s)

    if attempt.permanent:
        give_up(services.sessions, row, attempt.error or "refused")
        state = "failed"
    else:
        state = settle(services.sessions, row, _as_attempt(attempt), policy, now)

    _log(row, attempt, state)
    return state


def _as_attempt(attempt: MailAttempt) -> Attempt:
    return Attempt(
        attempt.delivered, attempt.status_code, attempt.error, attempt.duration_ms
    )


def _log(row: Claimed, attempt: MailAttempt, state: str) -> None:
    extra = {
        "outbox_id": row.id,
        "attempt": row.attempts + 1,
        "smtp_code": attempt.status_code,
        "state": state,
    }
    if state == "delivered":
        log.info("mail sent", extra=extra)
    elif state == "failed":
        log.error("mail refused", extra={**extra, "error": attempt.error})
    else:
        log.warning("mail not sent", extra={**extra, "error": attempt.error})
