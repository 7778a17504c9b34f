"""Sealed checkpoints of the journal: its size and Merkle root, signed by the office.

A checkpoint is ``<Checkpoint xmlns="urn:kancelaria:checkpoint:1">`` of
``schemas/checkpoint.xsd`` with the office name, the tree size, the root
(RFC 9162 §2.1 over the entries' hashes) and the time, sealed enveloped
with the office's XAdES signer. Once a checkpoint is handed out, cutting
entries off the end of the journal or changing one becomes visible.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from lxml import etree
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.db import begin_write
from app.registry.merkletree import EMPTY, TreeState, extend
from app.registry.models import Checkpoint, JournalEntry
from signing.merkle import format_journal_time
from signing.seal import XadesSigner

if TYPE_CHECKING:
    from app.services import Services

log = logging.getLogger(__name__)

CHECKPOINT_NS = "urn:kancelaria:checkpoint:1"

# Key of the PostgreSQL advisory lock that serialises checkpoint makers.
CHECKPOINT_LOCK = 0x4B434B50

# Per database (engine): the time of the newest checkpoint seen by this process.
_known_latest: WeakKeyDictionary[Engine, datetime] = WeakKeyDictionary()


class CheckpointError(RuntimeError):
    """The journal cannot be checkpointed as it stands."""


def make_checkpoint(
    session: Session, sealer: XadesSigner, office_name: str
) -> Checkpoint:
    """Seal the journal's current size and root now; commit and return the row.

    ``session`` must not have a transaction open. If the latest checkpoint
    already covers the whole journal, that one is returned.
    """
    return _make(session, sealer, office_name, not_after=None)


def latest_checkpoint(session: Session) -> Checkpoint | None:
    """Return the checkpoint with the largest tree size, or None."""
    return session.scalars(
        select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1)
    ).first()


def maybe_checkpoint(services: Services) -> Checkpoint | None:
    """Make a checkpoint if the latest is older than the interval and the log grew."""
    interval = timedelta(seconds=services.settings.checkpoint_interval)
    due = datetime.now(UTC) - interval
    # No database read while the newest checkpoint this process knows of is
    # recent enough: checkpoints are never taken back, so that stays true.
    known = _known_latest.get(services.engine)
    if known is not None and known > due:
        return None

    with services.sessions() as session:
        # Two cheap reads on the common path: no checkpoint XML is loaded.
        latest = session.execute(
            select(Checkpoint.tree_size, Checkpoint.at)
            .order_by(Checkpoint.tree_size.desc())
            .limit(1)
        ).first()
        if latest is not None:
            _known_latest[services.engine] = latest.at
            if latest.at > due:
                return None

        size = journal_size(session)
        if size == 0 or (latest is not None and size <= latest.tree_size):
            return None

        session.rollback()
        sealer, office = services.sealer, services.settings.office_name
        made = _make(session, sealer, office, not_after=due)
        _known_latest[services.engine] = made.at
        return made


def journal_size(session: Session) -> int:
    """Return the position of the last journal entry (0 when empty)."""
    return session.scalar(select(func.max(JournalEntry.position))) or 0


def checkpoint_element(
    office_name: str, tree_size: int, root: bytes, at: datetime
) -> etree._Element:
    """Lay out an unsealed checkpoint in the order the schema gives."""
    root_element = etree.Element(_q("Checkpoint"), nsmap={None: CHECKPOINT_NS})  # type: ignore[dict-item]
    root_element.set("Id", f"checkpoint-{tree_size}")

    office = etree.SubElement(root_element, _q("Office"))
    etree.SubElement(office, _q("Name")).text = office_name
    etree.SubElement(root_element, _q("TreeSize")).text = str(tree_size)
    etree.SubElement(root_element, _q("RootHash")).text = root.hex()
    etree.SubElement(root_element, _q("At")).text = format_journal_time(at)
    return root_element


def _make(
    session: Session,
    sealer: XadesSigner,
    office_name: str,
    not_after: datetime | None,
) -> Checkpoint:
    begin_write(session)

    try:
        checkpoint = _make_locked(session, sealer, office_name, not_after)
        session.commit()
    except BaseException:
        session.rollback()
        raise

    return checkpoint


def _make_locked(
    session: Session,
    sealer: XadesSigner,
    office_name: str,
    not_after: datetime | None,
) -> Checkpoint:
    _lock_checkpoints(session)
    latest = latest_checkpoint(session)
    size = journal_size(session)

    # Another process may have made one while this one waited for the lock.
    if latest is not None and (latest.tree_size == size or _recent(latest, not_after)):
        return latest

    if latest is not None and size < latest.tree_size:
        raise CheckpointError(
            f"the journal has {size} entries, checkpoint {latest.tree_size} had more"
        )

    state = _state_of(latest)
    grown = extend(session, state, size)
    at = datetime.now(UTC)
    element = checkpoint_element(office_name, size, grown.root, at)
    xml = sealer.sign_enveloped(element)

    checkpoint = Checkpoint(
        tree_size=size,
        root_hash=grown.root.hex(),
        at=at,
        xml=xml,
        sha256=hashlib.sha256(xml).hexdigest(),
        frontier_json=grown.frontier_json(),
    )
    session.add(checkpoint)
    session.flush()
    log.info("checkpoint sealed", extra={"tree_size": size, "from": state.size})
    return checkpoint


def _recent(latest: Checkpoint, not_after: datetime | None) -> bool:
    return not_after is not None and latest.at > not_after


def _state_of(latest: Checkpoint | None) -> TreeState:
    if latest is None:
        return EMPTY

    return TreeState.from_json(latest.tree_size, latest.frontier_json)


def _lock_checkpoints(session: Session) -> None:
    # SQLite's BEGIN IMMEDIATE already excludes other writers; PostgreSQL
    # needs a lock of its own, and registrations must not wait for it.
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHECKPOINT_LOCK}
        )


def _q(name: str) -> str:
    return f"{{{CHECKPOINT_NS}}}{name}"
