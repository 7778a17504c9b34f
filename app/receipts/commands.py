"""``flask registry stamp-pending``: time-stamp the receipts still XAdES-BES."""

from __future__ import annotations

import click

from app.cli import registry_cli
from app.receipts.timestamp import pending_receipts, stamp_pending
from app.services import current_services


@registry_cli.command("stamp-pending")
@click.option(
    "--limit", type=click.IntRange(min=1), help="Stamp at most this many receipts."
)
def stamp_pending_command(limit: int | None) -> None:
    """Ask the TSA again for the receipts it failed to time-stamp."""
    services = current_services()
    if services.timestamper is None:
        raise click.ClickException(
            "No time-stamping authority: set KANCELARIA_TSA_URL (or KANCELARIA_DEMO)."
        )

    pending = pending_receipts(services, limit)
    result = stamp_pending(services, pending)
    click.echo(
        f"Receipts time-stamped: {result.stamped} of {len(pending)} pending"
        f" ({result.failed} failed)."
    )
    if result.failed:
        raise click.ClickException(
            f"{result.failed} receipt(s) not time-stamped; try again later."
        )
