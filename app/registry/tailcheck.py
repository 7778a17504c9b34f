"""Look for traces of entries cut off the end of the journal.

The hash chain and the sealed checkpoints find an entry changed, removed or
reordered anywhere up to the last checkpoint. Entries after it can be cut
off the end and the chain still holds (review 1, finding 5). Such a cut
leaves traces unless every one is removed too, and they are looked for
here: rows naming a journal position past the end (documents, case events,
routing and transfer records), registry and case counters ahead of the rows
they number, registry numbers with no document, and notifications waiting
for a document that is not there. A cut that removes all of these as well
cannot be seen from the database alone; :func:`tail_note` says how many
entries that concerns. A counter behind (or, for the registry, missing
under) the rows it numbers is named too: it is no trace of a cut, but the
next number it gives is one in use (review 2, finding 3).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import TableClause, column, func, select, table
from sqlalchemy.orm import Session

from app.registry.models import (
    CaseCounter,
    Checkpoint,
    Document,
    JournalEntry,
    RegistryCounter,
)
from app.registry.numbering import format_case_number, format_registry_number

# Rows of other capabilities that name a journal position; not imported, so
# that the registry does not depend on them (as app.registry.integrity).
_POSITIONED = {
    name: table(name, column("id"), column("journal_position"))
    for name in ("case_event", "routing", "transfer")
}
_OUTBOX = table("outbox", column("id"), column("document_id"))
_CASES = table(
    "case_file",
    column("number"),
    column("jrwa"),
    column("year"),
    column("sequence"),
)


def verify_tail(session: Session) -> list[str]:
    """Return one problem per trace of entries cut off the journal's end."""
    # Rows and counters first, the journal's end last: a registration that
    # commits meanwhile only moves the end further, never raises a problem.
    problems = list(_registry_counters(session)) + list(_case_counters(session))
    problems += _missing_documents(session)
    highest = {name: _highest(session, t) for name, t in _POSITIONED.items()}
    highest_document = session.scalar(select(func.max(Document.journal_position)))
    end = journal_end(session)

    if (highest_document or 0) > end:
        problems += _documents_past(session, end)

    for name, position in highest.items():
        if (position or 0) > end:
            problems.append(
                f"{name}: rows name journal entries up to {position}, past the "
                f"journal's last entry {end} (entries were cut off its end)"
            )

    return problems


def journal_end(session: Session) -> int:
    """Return the position of the journal's last entry (0 when empty)."""
    return session.scalar(select(func.max(JournalEntry.position))) or 0


def tail_note(session: Session) -> str:
    """Say what verify cannot see: a tail cut with every trace of it."""
    end = journal_end(session)
    sealed = session.scalar(select(func.max(Checkpoint.tree_size))) or 0
    return (
        f"Not detectable from the database alone: entries cut off the journal's "
        f"end together with every row, counter and checkpoint naming them. "
        f"{end - sealed} of {end} entries are after the last sealed checkpoint "
        f"({sealed}); only a copy kept outside (a receipt's proof or checkpoint "
        "someone holds, a backup) shows such a cut, and sealing checkpoints "
        "more often (KANCELARIA_CHECKPOINT_INTERVAL) narrows it."
    )


def _registry_counters(session: Session) -> Iterator[str]:
    counters = dict(
        session.execute(
            select(RegistryCounter.year, RegistryCounter.last_sequence)
        ).all()
    )
    years = session.scalars(select(Document.year).distinct()).all()
    for year in sorted(set(counters) | set(years)):
        highest, count = session.execute(
            select(func.max(Document.sequence), func.count()).where(
                Document.year == year
            )
        ).one()
        highest = highest or 0
        yield from _counter_problems(year, counters.get(year), highest)
        if count < highest:
            yield (
                f"registry {year}: {highest - count} number(s) up to "
                f"{format_registry_number(highest, year)} have no document"
            )


def _counter_problems(year: int, last: int | None, highest: int) -> Iterator[str]:
    # Ahead: documents were cut off. Behind or gone (review 2, finding 3):
    # the next registration would collide with a number already used.
    last_document = _last_document(highest, year)
    if last is not None and last > highest:
        yield (
            f"registry counter {year}: at {format_registry_number(last, year)}, "
            f"but the last document is {last_document} (documents were cut off "
            "the end)"
        )
    elif last is None and highest:
        yield (
            f"registry counter {year}: missing, but the last document is "
            f"{last_document} {_COLLIDES}"
        )
    elif last is not None and last < highest:
        yield (
            f"registry counter {year}: at {format_registry_number(last, year)}, "
            f"behind the last document {last_document} {_COLLIDES}"
        )


_COLLIDES = "(the next registration would take a number in use)"


def _last_document(sequence: int, year: int) -> str:
    return format_registry_number(sequence, year) if sequence else "none"


def _case_counters(session: Session) -> Iterator[str]:
    counters = session.execute(
        select(
            CaseCounter.department,
            CaseCounter.jrwa,
            CaseCounter.year,
            CaseCounter.last_sequence,
        )
    )
    for department, jrwa, year, last in counters.all():
        # A routed case keeps its number, and so the counter of the
        # department that opened it: its number's first part, not its row's.
        highest = session.scalar(
            select(func.max(_CASES.c.sequence)).where(
                _CASES.c.number.startswith(f"{department}.", autoescape=True),
                _CASES.c.jrwa == jrwa,
                _CASES.c.year == year,
            )
        )
        at = format_case_number(department, jrwa, last, year)
        last_case = _last_case(department, jrwa, highest, year)
        if last > (highest or 0):
            yield (
                f"case counter {department}.{jrwa}.{year}: at {at}, but the "
                f"last case is {last_case} (cases were cut off the end)"
            )
        elif last < (highest or 0):
            yield (
                f"case counter {department}.{jrwa}.{year}: at {at}, behind the "
                f"last case {last_case} (the next case opened would take a "
                "number in use)"
            )


def _last_case(department: str, jrwa: str, sequence: int | None, year: int) -> str:
    return format_case_number(department, jrwa, sequence, year) if sequence else "none"


def _missing_documents(session: Session) -> list[str]:
    # Notifications are written with the document; one left for a document
    # that is gone is what a cut forgot.
    ids = session.scalars(
        select(_OUTBOX.c.document_id)
        .distinct()
        .where(
            _OUTBOX.c.document_id.is_not(None),
            _OUTBOX.c.document_id.not_in(select(Document.id)),
        )
        .order_by(_OUTBOX.c.document_id)
    ).all()
    return [
        f"outbox: notifications name document id {document_id}, which is not "
        "in the registry"
        for document_id in ids
    ]


def _highest(session: Session, positioned: TableClause) -> int | None:
    found: int | None = session.scalar(select(func.max(positioned.c.journal_position)))
    return found


def _documents_past(session: Session, end: int) -> list[str]:
    rows = session.execute(
        select(Document.registry_number, Document.journal_position)
        .where(Document.journal_position > end)
        .order_by(Document.journal_position)
    )
    return [
        f"document {number}: names journal entry {position}, past the journal's "
        f"last entry {end} (entries were cut off its end)"
        for number, position in rows
    ]
