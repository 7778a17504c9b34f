"""Remove orphan blobs: stored blobs that no registry row names.

The intake pipeline stores the bytes before the transaction that registers
them, so a crash in between leaves an orphan blob, never a row without its
blob. A blob is only removed when it was last put before a grace period
(an hour by default) and no document names it, neither as its original
nor as one of its other parts (``document_blob``); the store re-checks the age
under its lock at removal, so a submission of the same bytes in flight
keeps its blob.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from app.registry.models import Document, DocumentBlob

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=1)
# The transfer table (app.cases.records), named here without importing the
# case workspace into the registry.
_OUTGOING = table("transfer", column("package_sha256"))
BATCH = 500


class CollectableStore(Protocol):
    """A blob store that can list and remove its blobs."""

    def stored(self) -> Iterator[tuple[str, datetime]]:
        """List every stored blob's SHA-256 and when it was last put."""
        ...

    def delete(self, sha256: str) -> bool:
        """Remove a blob; return whether it was there."""
        ...


@dataclass(frozen=True)
class GcResult:
    """What a collection found and did."""

    orphans: tuple[str, ...]
    """SHA-256 of the orphan blobs past the grace period."""
    removed: tuple[str, ...]
    """Those actually removed (none on a dry run, or put again meanwhile)."""


def collect_garbage(
    session: Session,
    store: CollectableStore,
    grace: timedelta = DEFAULT_GRACE,
    dry_run: bool = False,
) -> GcResult:
    """Find orphan blobs older than ``grace`` and remove them unless ``dry_run``."""
    cutoff = datetime.now(UTC) - grace
    orphans = list(_orphans(session, store, cutoff))
    removed = [] if dry_run else [s for s in orphans if _remove(store, s, cutoff)]

    log.info(
        "garbage collected",
        extra={"orphans": len(orphans), "removed": len(removed), "dry_run": dry_run},
    )
    return GcResult(tuple(orphans), tuple(removed))


def _orphans(
    session: Session, store: CollectableStore, cutoff: datetime
) -> Iterator[str]:
    old = (sha256 for sha256, put_at in store.stored() if put_at <= cutoff)
    for batch in _batches(old):
        named = set(
            session.scalars(select(Document.sha256).where(Document.sha256.in_(batch)))
        )
        # The other parts a document refers to (a detached signature, the
        # draft a paper copy prints) are kept like its original.
        named.update(
            session.scalars(
                select(DocumentBlob.sha256).where(DocumentBlob.sha256.in_(batch))
            )
        )
        # Sealed packages sent to other offices (app.transfers) are kept too.
        named.update(
            session.scalars(
                select(_OUTGOING.c.package_sha256).where(
                    _OUTGOING.c.package_sha256.in_(batch)
                )
            )
        )
        yield from (sha256 for sha256 in batch if sha256 not in named)


def _remove(store: CollectableStore, sha256: str, cutoff: datetime) -> bool:
    # A store whose delete takes ``not_after`` re-checks the age atomically;
    # with any other the window is the time between listing and removing.
    if "not_after" in inspect.signature(store.delete).parameters:
        return bool(store.delete(sha256, not_after=cutoff))  # type: ignore[call-arg]

    log.warning("blob store cannot re-check a blob's age before removal")
    return store.delete(sha256)


def _batches(items: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []

    if batch:
        yield batch
