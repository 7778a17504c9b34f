"""``flask clients …``: the administrator's commands for API credentials."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import click
from flask.cli import AppGroup

from app.api.clients import (
    ClientError,
    IssuedKey,
    create_client,
    list_clients,
    revoke_client,
    rotate_key,
)
from app.api.idempotency import purge_expired
from app.services import current_services

T = TypeVar("T")


@click.group("clients", cls=AppGroup)
def clients_cli() -> None:
    """Manage the platforms allowed to use the API with a key."""


@clients_cli.command("create")
@click.argument("name")
@click.option("--forms", default="", help="Comma-separated form ids (default: all).")
@click.option("--rate", default=None, help="Rate limit, e.g. 120/minute.")
@click.option("--webhook", default=None, help="http(s) URL told of registrations.")
@click.option("--mtls-sha256", default=None, help="SHA-256 of its TLS certificate.")
def create_command(
    name: str,
    forms: str,
    rate: str | None,
    webhook: str | None,
    mtls_sha256: str | None,
) -> None:
    """Create a client and print its key (shown this once only)."""
    services = current_services()
    form_ids = [form.strip() for form in forms.split(",") if form.strip()]
    known = {form.form_id for form in services.catalog.forms()}
    unknown = sorted(set(form_ids) - known)
    if unknown:
        raise click.ClickException(f"Unknown form ids: {', '.join(unknown)}")

    with services.sessions() as session:
        issued = _or_fail(
            lambda: create_client(
                session,
                name,
                rate_limit=rate or services.settings.client_rate_limit,
                forms=form_ids,
                webhook_url=webhook,
                mtls_sha256=mtls_sha256,
                private_targets=services.settings.webhook_private_targets,
            )
        )

    _show(issued)


@clients_cli.command("list")
def list_command() -> None:
    """List clients: id, key prefix, state, rate limit, forms, name."""
    with current_services().sessions() as session:
        for row in list_clients(session):
            state = "revoked" if row.revoked_at else "active"
            forms = ",".join(row.allowed_forms) or "*"
            click.echo(
                f"{row.id}\t{row.key_prefix}…\t{state}\t{row.rate_limit}\t"
                f"{forms}\t{row.name}"
            )


@clients_cli.command("rotate")
@click.argument("client_id", type=int)
@click.option(
    "--grace",
    type=click.IntRange(min=0),
    default=0,
    help="Seconds the old key keeps working (default: stops at once).",
)
def rotate_command(client_id: int, grace: int) -> None:
    """Give a client a new key and print it (shown this once only)."""
    with current_services().sessions() as session:
        issued = _or_fail(lambda: rotate_key(session, client_id, grace))

    _show(issued)


@clients_cli.command("revoke")
@click.argument("client_id", type=int)
def revoke_command(client_id: int) -> None:
    """Revoke a client: every request with its keys is refused from now on."""
    with current_services().sessions() as session:
        _or_fail(lambda: revoke_client(session, client_id))

    click.echo(f"API client {client_id} revoked.")


@clients_cli.command("purge-keys")
def purge_keys_command() -> None:
    """Delete answered Idempotency-Keys older than 24 hours."""
    sessions = current_services().sessions
    gone = purge_expired(sessions, datetime.now(UTC))
    click.echo(f"{gone} expired idempotency keys deleted.")


def _or_fail(action: Callable[[], T]) -> T:
    try:
        return action()
    except ClientError as exc:
        raise click.ClickException(str(exc)) from exc


def _show(issued: IssuedKey) -> None:
    click.echo(f"client id: {issued.client_id}")
    click.echo(f"key:       {issued.key}")
    if issued.webhook_secret:
        click.echo(f"webhook secret: {issued.webhook_secret}")

    click.echo("Store the key now: it is kept only as a hash and not shown again.")
