"""``flask registry verify|checkpoint|gc``: check, seal and tidy the registry."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import click

from app.cases.casecheck import verify_cases
from app.cases.journalled import document_states
from app.cli import registry_cli
from app.registry.checkpoint_audit import (
    SealCheck,
    count_checkpoints,
    verify_checkpoints,
)
from app.registry.checkpoints import journal_size, make_checkpoint
from app.registry.gc import DEFAULT_GRACE, CollectableStore, collect_garbage
from app.registry.integrity import verify_blobs
from app.registry.journal import verify_chain
from app.registry.queries import count_documents
from app.registry.receiptcheck import verify_receipts
from app.registry.rowcheck import verify_rows
from app.registry.tailcheck import tail_note, verify_tail
from app.services import Services, current_services

Advance = Callable[[int], None]

# What ``verify`` compares; the summary says exactly this (README lists it).
CHECKED = (
    "journal chain, document rows, case rows, case events, case messages, "
    "receipts, traces past the journal's end, originals and checkpoints"
)


@registry_cli.command("verify")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr (default: only when stderr is a terminal).",
)
def verify_command(progress: bool | None) -> None:
    """Re-read the journal, rows, receipts, originals, checkpoints; report changes."""
    services = current_services()
    show = sys.stderr.isatty() if progress is None else progress
    seal = SealCheck(services.receipt_policy, services.seal_fingerprint)

    with services.sessions() as session:
        count, entries = count_documents(session), journal_size(session)
        with _bar(show, entries, "journal chain") as advance:
            problems = verify_chain(session, progress=advance)
        with _bar(show, count, "rows         ") as advance:
            later = document_states(session)
            problems += verify_rows(session, later, progress=advance)
        problems += verify_cases(session) + verify_receipts(session)
        problems += verify_tail(session)
        with _bar(show, count, "originals    ") as advance:
            problems += verify_blobs(session, services.blobs, advance)
        with _bar(show, entries, "checkpoints  ") as advance:
            problems += verify_checkpoints(session, seal, advance)
        checkpoints = count_checkpoints(session)
        note = tail_note(session)

    for problem in problems:
        click.echo(f"PROBLEM: {problem}")

    if problems:
        click.echo(note)
        raise click.ClickException(f"{len(problems)} problem(s) in {count} documents")

    click.echo(
        f"Registry intact: {count} documents, {entries} journal entries, "
        f"{checkpoints} checkpoints; {CHECKED} verified."
    )
    click.echo(note)


@registry_cli.command("checkpoint")
def checkpoint_command() -> None:
    """Seal a checkpoint of the journal now."""
    services = current_services()
    with services.sessions() as session:
        checkpoint = make_checkpoint(
            session, services.sealer, services.settings.office_name
        )

    click.echo(
        f"Checkpoint sealed: {checkpoint.tree_size} journal entries, "
        f"root {checkpoint.root_hash}."
    )


@registry_cli.command("gc")
@click.option(
    "--grace",
    type=click.IntRange(min=0),
    default=int(DEFAULT_GRACE.total_seconds()),
    show_default=True,
    help="Keep orphan blobs put less than this many seconds ago.",
)
@click.option("--dry-run", is_flag=True, help="Say what would go; remove nothing.")
def gc_command(grace: int, dry_run: bool) -> None:
    """Remove stored originals that no registry row names (orphans of crashes)."""
    services = current_services()
    store = _collectable(services)

    with services.sessions() as session:
        result = collect_garbage(session, store, timedelta(seconds=grace), dry_run)

    listed = result.orphans if dry_run else result.removed
    verb = "would remove" if dry_run else "removed"
    for sha256 in listed:
        click.echo(f"{verb} {sha256}")

    click.echo(f"{len(result.orphans)} orphan blob(s); {len(listed)} {verb}.")


def _collectable(services: Services) -> CollectableStore:
    store = services.blobs
    if not (hasattr(store, "stored") and hasattr(store, "delete")):
        raise click.ClickException("This blob store cannot list or remove blobs.")

    collectable: CollectableStore = store  # type: ignore[assignment]
    return collectable


@contextmanager
def _bar(show: bool, length: int, label: str) -> Iterator[Advance]:
    if not show or length == 0:
        yield lambda _steps: None
        return

    if not sys.stderr.isatty():
        # click hides its bar off a terminal; asked for, print tenths instead.
        yield _tenths(length, label.strip())
        click.echo(f"{label.strip()}: done", err=True)
        return

    with click.progressbar(
        length=length, label=label, file=sys.stderr, show_pos=True
    ) as bar:
        yield bar.update


def _tenths(length: int, label: str) -> Advance:
    done, shown = 0, 0

    def advance(steps: int) -> None:
        nonlocal done, shown
        done += steps
        tenth = min(10, done * 10 // length)
        if tenth > shown:
            shown = tenth
            click.echo(f"{label}: {min(done, length)}/{length}", err=True)

    return advance
