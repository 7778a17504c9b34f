"""``flask drafts purge``: remove drafts older than a number of days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask.cli import AppGroup

from app.drafts.store import purge_drafts
from app.services import current_services

drafts_cli = AppGroup("drafts", help="Filled forms kept for their paper copy.")


@drafts_cli.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    required=True,
    help="Remove drafts created more than this many days ago.",
)
def purge_command(days: int) -> None:
    """Remove old drafts: they hold what residents typed in."""
    before = datetime.now(UTC) - timedelta(days=days)
    with current_services().sessions() as session:
        count = purge_drafts(session, before)

    click.echo(f"Drafts removed: {count} (created before {before:%Y-%m-%d %H:%M} UTC).")
