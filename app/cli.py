"""``flask kancelaria …`` commands for operators and newcomers."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.registry.integrity import verify_blobs
from app.registry.journal import verify_chain
from app.registry.queries import count_documents
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
    if services.demo is not None:
        demo = services.demo
        click.echo(f"Demo PKI:        {demo.folder} (root trusted; not for production)")
        click.echo(f"  citizen key:   {demo.citizen_p12} (password in {demo.folder})")
        click.echo(
            "  sign a sample: .venv/bin/flask --app wsgi kancelaria sign-demo "
            "forms/pismo-ogolne/1/sample.xml -o signed.xml"
        )


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


def _services() -> Services:
    return current_services()


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


@registry_cli.command("verify")
def verify_command() -> None:
    """Re-read the journal chain and every stored original; report any change."""
    services = _services()
    with services.sessions() as session:
        problems = verify_chain(session) + verify_blobs(session, services.blobs)
        count = count_documents(session)

    for problem in problems:
        click.echo(f"PROBLEM: {problem}")

    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {count} documents")

    click.echo(
        f"Registry intact: {count} documents, journal chain and originals verified."
    )
