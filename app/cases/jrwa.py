"""The office's JRWA list, read from the NDAP exchange format (``WykazAkt.xsd``).

A ``wykaz`` in the namespace ``http://www.mswia.gov.pl/standardy/ndap``
holds ``akta`` entries: ``symbol``, ``haslo`` (title) and optionally
``kategoriaMerytoryczna`` (the archival category: A, B5, BE10, Bc…) and
``kategoriaInna``. Entries with a category are the classes cases are
opened under; the others group them. Loading adds new entries and updates
changed ones; entries missing from a new list stay, as cases may use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.events import record_office_event
from app.cases.models import Clerk, JrwaClass
from app.registry.numbering import JRWA_CLASS

NDAP = "http://www.mswia.gov.pl/standardy/ndap"
CATEGORY = re.compile(r"A|Bc|B[0-9]{1,3}|BE[0-9]{1,3}|Bc[0-9]{0,3}")
MAX_BYTES = 5 * 1024 * 1024


class JrwaFormatError(ValueError):
    """The file is not a JRWA list in the NDAP format."""


@dataclass(frozen=True)
class JrwaEntry:
    """One ``akta`` entry as read from the file."""

    symbol: str
    title: str
    category: str | None
    other_category: str | None


def read_jrwa(data: bytes) -> list[JrwaEntry]:
    """Parse a ``wykaz`` file; raise JrwaFormatError on anything unexpected."""
    if len(data) > MAX_BYTES:
        raise JrwaFormatError("The file is larger than 5 MB.")

    root = _parse(data)
    if root.tag != f"{{{NDAP}}}wykaz":
        raise JrwaFormatError("The root element is not ndap:wykaz.")

    entries = [_entry(akta) for akta in root]
    symbols = [entry.symbol for entry in entries]
    if len(set(symbols)) != len(symbols):
        raise JrwaFormatError("A symbol appears twice in the list.")

    if not entries:
        raise JrwaFormatError("The list has no entries.")

    return entries


def load_jrwa(
    session: Session, entries: list[JrwaEntry], by: Clerk | None = None
) -> tuple[int, int]:
    """Store the entries; return how many were added and how many changed."""
    known = {row.symbol: row for row in session.scalars(select(JrwaClass))}
    added = changed = 0

    for entry in entries:
        row = known.get(entry.symbol)
        if row is None:
            session.add(JrwaClass(**entry.__dict__))
            added += 1
        elif _differs(row, entry):
            row.title, row.category = entry.title, entry.category
            row.other_category = entry.other_category
            changed += 1

    record_office_event(session, "jrwa-loaded", by, added=added, changed=changed)
    return added, changed


def load_jrwa_file(
    session: Session, path: Path, by: Clerk | None = None
) -> tuple[int, int]:
    """Read and store the list in ``path``."""
    return load_jrwa(session, read_jrwa(path.read_bytes()), by)


def case_classes(session: Session) -> list[JrwaClass]:
    """The classes cases may be opened under, by symbol."""
    return list(
        session.scalars(
            select(JrwaClass)
            .where(JrwaClass.category.is_not(None))
            .order_by(JrwaClass.symbol)
        )
    )


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise JrwaFormatError("The file is not well-formed XML.") from exc

    if root.getroottree().docinfo.internalDTD is not None:
        raise JrwaFormatError("The file carries a DTD, which a JRWA list never needs.")

    return root


def _entry(akta: etree._Element) -> JrwaEntry:
    if akta.tag != f"{{{NDAP}}}akta":
        raise JrwaFormatError("The list holds an element other than ndap:akta.")

    fields = {child.tag: (child.text or "").strip() for child in akta}
    symbol = fields.get(f"{{{NDAP}}}symbol", "")
    title = fields.get(f"{{{NDAP}}}haslo", "")
    if not JRWA_CLASS.fullmatch(symbol):
        raise JrwaFormatError(f"Symbol {symbol[:8]!r} is not 1-4 digits.")

    if not title:
        raise JrwaFormatError(f"Entry {symbol} has no title (haslo).")

    category = fields.get(f"{{{NDAP}}}kategoriaMerytoryczna") or None
    other = fields.get(f"{{{NDAP}}}kategoriaInna") or None
    for value in (category, other):
        if value is not None and not CATEGORY.fullmatch(value):
            raise JrwaFormatError(f"Entry {symbol} has an unknown category.")

    return JrwaEntry(symbol, " ".join(title.split()), category, other)


def _differs(row: JrwaClass, entry: JrwaEntry) -> bool:
    return (row.title, row.category, row.other_category) != (
        entry.title,
        entry.category,
        entry.other_category,
    )


DEMO_LIST = Path(__file__).resolve().parent / "data" / "jrwa-demo.xml"
