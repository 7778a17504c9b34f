"""``flask desk …``: departments, accounts and the JRWA list, from the shell.

Passwords are asked for at a prompt (typed twice, not echoed), or read
from standard input with ``--password-stdin``; never taken as an argument.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from app.cases import writing
from app.cases.accounts import (
    AccountError,
    add_clerk,
    add_department,
    find_clerk,
    find_department,
    is_locked,
    list_clerks,
    list_departments,
    lock,
    set_password,
    unlock,
)
from app.cases.constants import Role
from app.cases.jrwa import JrwaFormatError, load_jrwa_file
from app.cases.models import Clerk, Department
from app.services import current_services as services

desk_cli = AppGroup("desk", help="Manage the clerk workspace.")
departments_cli = AppGroup("departments", help="Departments of the office.")
users_cli = AppGroup("users", help="Clerk accounts.")
jrwa_cli = AppGroup("jrwa", help="The office's JRWA list.")
desk_cli.add_command(departments_cli)
desk_cli.add_command(users_cli)
desk_cli.add_command(jrwa_cli)


@departments_cli.command("add")
@click.argument("symbol")
@click.option("--name-pl", required=True, help="Polish name.")
@click.option("--name-en", required=True, help="English name.")
@click.option("--email", default=None, help="Address for the department's notices.")
def add_department_command(
    symbol: str, name_pl: str, name_en: str, email: str | None
) -> None:
    """Add a department; SYMBOL starts its case numbers (e.g. FN)."""
    with _refusals(), writing(services().sessions) as db:
        add_department(db, symbol, name_pl, name_en, email)

    click.echo(f"Department {symbol} added.")


@departments_cli.command("list")
def list_departments_command() -> None:
    """List the departments."""
    with services().sessions() as db:
        for d in list_departments(db):
            click.echo(f"{d.symbol}\t{d.name_pl}\t{d.name_en}\t{d.email or '-'}")


@users_cli.command("add")
@click.argument("login")
@click.option("--name", "display_name", required=True, help="Name shown to others.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--department", default=None, help="Department symbol.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def add_user_command(
    login: str,
    display_name: str,
    role: str,
    department: str | None,
    password_stdin: bool,
) -> None:
    """Add a clerk account; the password is asked for."""
    password = _password(password_stdin)
    with _refusals(), writing(services().sessions) as db:
        unit = _department(db, department)
        add_clerk(db, login, display_name, password, role, unit)

    click.echo(f"Account {login} added.")


@users_cli.command("list")
def list_users_command() -> None:
    """List the accounts with role, department and state."""
    with services().sessions() as db:
        for c in list_clerks(db):
            unit = c.department.symbol if c.department else "-"
            state = "locked" if is_locked(c) else "active" if c.active else "inactive"
            click.echo(f"{c.login}\t{c.role}\t{unit}\t{state}\t{c.display_name}")


@users_cli.command("lock")
@click.argument("login")
def lock_user_command(login: str) -> None:
    """Lock an account until it is unlocked; its sessions end."""
    with _refusals(), writing(services().sessions) as db:
        lock(db, _clerk(db, login))

    click.echo(f"Account {login} locked.")


@users_cli.command("unlock")
@click.argument("login")
def unlock_user_command(login: str) -> None:
    """Unlock an account (also after five wrong passwords)."""
    with _refusals(), writing(services().sessions) as db:
        unlock(db, _clerk(db, login))

    click.echo(f"Account {login} unlocked.")


@users_cli.command("set-password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def set_password_command(login: str, password_stdin: bool) -> None:
    """Give an account a new password; its sessions end."""
    password = _password(password_stdin)
    with _refusals(), writing(services().sessions) as db:
        set_password(db, _clerk(db, login), password)

    click.echo(f"Password of {login} changed.")


@jrwa_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_jrwa_command(file: Path) -> None:
    """Load the JRWA list from FILE (NDAP format, WykazAkt.xsd)."""
    with _refusals(), writing(services().sessions) as db:
        added, changed = load_jrwa_file(db, file)

    click.echo(f"JRWA list loaded: {added} added, {changed} changed.")


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn a refused change into a one-line error and exit status 1."""
    try:
        yield
    except (AccountError, JrwaFormatError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")

    value: str = click.prompt(
        "Password", hide_input=True, confirmation_prompt=True, type=str
    )
    return value


def _department(db: Session, symbol: str | None) -> Department | None:
    if symbol is None:
        return None

    department = find_department(db, symbol)
    if department is None:
        raise click.ClickException(f"No department {symbol}.")

    return department


def _clerk(db: Session, login: str) -> Clerk:
    clerk = find_clerk(db, login)
    if clerk is None:
        raise click.ClickException(f"No account {login}.")

    return clerk
