"""Senders that work the outbox (webhooks, then mail): one pass, a loop, or a
thread in the web process.

Any number of senders may run at once (``flask outbox run`` processes, the
background thread of each web worker): the claim in :mod:`outbox` keeps them
off each other's rows. A slow or failing receiver only delays its own events.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from datetime import datetime

from app.notifications.mailer import mail_leaves, send_mail_once
from app.notifications.outbox import Claimed, OutboxPolicy, claim, give_up, record
from app.notifications.targets import webhook_target
from app.notifications.webhooks import deliver
from app.services import Services

log = logging.getLogger(__name__)

DEFAULT_POLL_S = 2.0
# Rounds of one pass at most: a submission's events queued together go in
# one pass, and a steady stream cannot keep a pass from ending.
MAX_ROUNDS = 8
NO_RECEIVER = "the client has no webhook receiver any more"


@dataclass(frozen=True)
class SendReport:
    """What one pass did with the rows it claimed."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def run_once(
    services: Services,
    policy: OutboxPolicy | None = None,
    now: datetime | None = None,
) -> SendReport:
    """Claim one batch of due events and try each once.

    An event waits for an earlier one of the same submission (review R13):
    when a short batch delivered some, the events they held back are claimed
    at once in another round instead of a poll later.
    """
    rules = policy or OutboxPolicy()
    states: list[str] = []
    for _round in range(MAX_ROUNDS):
        claimed = claim(services.sessions, rules, now)
        sent = [_send(services, row, rules, now) for row in claimed]
        states += sent
        if len(claimed) == rules.batch or "delivered" not in sent:
            break

    states += send_mail_once(services, rules, now)

    report = SendReport(
        claimed=len(states),
        delivered=states.count("delivered"),
        retrying=states.count("pending"),
        failed=states.count("failed"),
    )
    if states:
        log.info("outbox pass", extra=asdict(report))
    return report


def run_forever(
    services: Services,
    stop: threading.Event,
    policy: OutboxPolicy | None = None,
    poll_s: float = DEFAULT_POLL_S,
) -> None:
    """Work the outbox until ``stop`` is set; wait ``poll_s`` when it is empty."""
    rules = policy or OutboxPolicy()

    while not stop.is_set():
        try:
            report = run_once(services, rules)
        except Exception as exc:  # a database outage must not end the loop
            log.warning("outbox pass failed", extra={"error": type(exc).__name__})
            report = SendReport()

        if report.claimed < rules.batch:
            stop.wait(poll_s)


class OutboxThread:
    """A daemon thread running :func:`run_forever` beside the web application."""

    def __init__(
        self,
        services: Services,
        policy: OutboxPolicy | None = None,
        poll_s: float = DEFAULT_POLL_S,
    ) -> None:
        self.services = services
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=run_forever,
            args=(services, self.stop_event, policy, poll_s),
            name="kancelaria-outbox",
            daemon=True,
        )

    def start(self) -> OutboxThread:
        """Start sending; return self."""
        self.thread.start()
        settings = self.services.settings
        mail = settings.mail_transport if mail_leaves(settings) else "queued"
        log.info("outbox thread started", extra={"mail": mail})
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end after its current pass, and wait for it."""
        self.stop_event.set()
        self.thread.join(timeout)


def _send(
    services: Services,
    row: Claimed,
    policy: OutboxPolicy,
    now: datetime | None,
) -> str:
    target = None
    if row.client_id is not None:
        with services.sessions() as session:
            target = webhook_target(session, row.client_id)

    if target is None:
        give_up(services.sessions, row, NO_RECEIVER)
        log.warning("webhook dropped", extra={"outbox_id": row.id})
        return "failed"

    body = row.payload.encode("utf-8")
    attempt = deliver(
        target.url,
        target.secret,
        row.event,
        row.delivery_id,
        body,
        policy.timeout_s,
        private_targets=services.settings.webhook_private_targets,
    )
    state = record(services.sessions, row, attempt, policy, now)
    _log_attempt(row, attempt.status_code, attempt.error, state)
    return state


def _log_attempt(
    row: Claimed, status_code: int | None, error: str | None, state: str
) -> None:
    extra = {
        "outbox_id": row.id,
        "delivery_id": row.delivery_id,
        "attempt": row.attempts + 1,
        "status_code": status_code,
        "state": state,
    }
    if state == "delivered":
        log.info("webhook delivered", extra=extra)
    else:
        log.warning("webhook not delivered", extra={**extra, "error": error})
