"""``flask outbox run [--once]``: send the queued webhooks and mail."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import AppGroup

from app.notifications.sender import DEFAULT_POLL_S, run_forever, run_once
from app.services import current_services


@click.group("outbox", cls=AppGroup)
def outbox_cli() -> None:
    """Send the events waiting in the outbox."""


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Make one pass over due events and exit.")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_POLL_S,
    show_default=True,
    help="Seconds to wait when nothing is due.",
)
def run_command(once: bool, poll: float) -> None:
    """Deliver due webhooks and mail, retrying failures with backoff, until stopped."""
    services = current_services()
    if once:
        report = run_once(services)
        click.echo(
            f"claimed {report.claimed}, delivered {report.delivered}, "
            f"retrying {report.retrying}, failed {report.failed}"
        )
        return

    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo("Sending webhooks and mail; stop with Ctrl-C or SIGTERM.")
    run_forever(services, stop, poll_s=poll)
