"""``flask kancelaria …`` commands for operators and newcomers."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.config import Settings
from app.services import Services, current_services
from signing.seal import XadesSigner


@click.group("kancelaria", cls=AppGroup)
def kancelaria_cli() -> None:
    """Manage this Kancelaria instance."""


@kancelaria_cli.command("init")
def init_command() -> None:
    """Initialise the instance folder and say where everything is."""
    services = _services()
    settings = services.settings
    click.echo(f"Instance folder: {settings.instance}")
    click.echo(f"Database:        {_safe_url(settings.database_url)}")
    click.echo(f"Blob folder:     {settings.blob_dir}")
    click.echo(
        f"Forms:           {len(services.catalog.forms())} in {settings.forms_dir}"
    )
    click.echo(f"Office seal:     SHA-256 {services.seal_fingerprint}")
    click.echo(f"Time-stamps:     {_tsa_summary(services)}")
    click.echo(f"Mail:            {_mail_summary(settings)}")
    if services.demo is not None:
        demo = services.demo
        click.echo(f"Demo PKI:        {demo.folder} (root trusted; not for production)")
        click.echo(f"  citizen key:   {demo.citizen_p12} (password in {demo.folder})")
        click.echo(
            "  sign a sample: .venv/bin/flask --app wsgi kancelaria sign-demo "
            "forms/pismo-ogolne/1/sample.xml -o signed.xml"
        )
        _case_hint(services, "pismo-ogolne")
        _seed_demo_office(services)


@kancelaria_cli.command("sign-demo")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the signed file (default: SOURCE.signed.xml).",
)
def sign_demo_command(source: Path, output: Path | None) -> None:
    """Sign an XML file with the demo citizen's key (XAdES-BES, enveloped)."""
    services = _services()
    if services.demo is None:
        raise click.ClickException("The demo PKI is switched off (KANCELARIA_DEMO).")

    signer = XadesSigner.from_issued(services.demo.citizen)
    target = output or source.with_suffix(".signed.xml")
    target.write_bytes(signer.sign_enveloped(source.read_bytes()))
    click.echo(f"Signed as the demo citizen: {target}")


def _case_hint(services: Services, form_id: str) -> None:
    """Name the demo account that opens the case of the sample just signed."""
    try:
        unit = services.catalog.get(form_id).department
    except KeyError:
        return

    click.echo(
        f"  open its case: at /desk/ as kierownik.{unit.lower()} "
        f"(head of {unit}, where {form_id} goes)"
    )


def _mail_summary(settings: Settings) -> str:
    """Where the office's mail goes, in a few words."""
    if settings.mail_transport == "file":
        return f".eml files in {settings.mail_folder} (no SMTP server set)"

    if settings.mail_transport == "smtp":
        return f"SMTP {settings.smtp_host}:{settings.smtp_port}"

    return "kept queued (no SMTP server set)"


def _seed_demo_office(services: Services) -> None:
    """Create the demo departments, JRWA list and desk accounts once."""
    from app.cases import writing
    from app.cases.demo import seed_demo

    with writing(services.sessions) as session:
        made = seed_demo(session, services.catalog.forms())

    if not made:
        click.echo("Desk accounts:   demo accounts exist (passwords shown when made)")
        return

    click.echo("Desk accounts (passwords shown this once; sign in at /desk/):")
    for account in made:
        where = f", {account.department}" if account.department else ""
        click.echo(f"  {account.login} ({account.role}{where}): {account.password}")


def _services() -> Services:
    return current_services()


def _tsa_summary(services: Services) -> str:
    """Say which time-stamping authority upgrades receipts to XAdES-T."""
    if services.timestamper is None:
        return "none (receipts stay XAdES-BES; set KANCELARIA_TSA_URL)"

    if services.settings.tsa_url:
        return f"RFC 3161 TSA at {_safe_url(services.settings.tsa_url)}"

    return "local demo TSA (demo PKI; not for production)"


def _safe_url(url: str) -> str:
    """Hide a password in a database URL."""
    if "@" not in url or "://" not in url:
        return url

    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


@click.group("registry", cls=AppGroup)
def registry_cli() -> None:
    """Check the document registry."""


# Commands kept beside what they run; imported for their registration.
from app.receipts import commands as _receipt_commands  # noqa: E402,F401
from app.registry import commands as _registry_commands  # noqa: E402,F401
