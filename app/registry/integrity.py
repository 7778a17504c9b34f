"""Re-check stored originals against the registry: present, same hash, same size."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from app.registry.blobstore import CHUNK_SIZE, BlobNotFoundError, BlobStore
from app.registry.models import Document, DocumentBlob

log = logging.getLogger(__name__)

# Sealed packages sent to other offices (app.cases.records.Transfer).
_TRANSFERS = table(
    "transfer",
    column("id"),
    column("package_id"),
    column("direction"),
    column("package_sha256"),
)


def verify_blobs(
    session: Session,
    store: BlobStore,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Re-hash the original of every document; return the problems found.

    Every other blob a document refers to (``document_blob``: a detached
    signature received beside it, the draft a paper copy prints) is
    re-hashed too, and so is every sealed transfer package sent.
    ``progress`` is told each document checked.
    """
    problems: list[str] = []
    rows = session.execute(
        select(
            Document.registry_number,
            Document.sha256,
            Document.size,
        ).order_by(Document.id)
    )

    for number, sha256, size in rows:
        problem = _check_blob(store, sha256, size)
        if problem:
            problems.append(f"document {number}: {problem}")
        if progress is not None:
            progress(1)

    for number, role, part_sha256, part_size in _other_parts(session):
        problem = _check_blob(store, part_sha256, part_size)
        if problem:
            problems.append(f"document {number}, {role}: {problem}")

    for package_id, package_sha256 in session.execute(
        select(_TRANSFERS.c.package_id, _TRANSFERS.c.package_sha256)
        .where(_TRANSFERS.c.direction == "out")
        .order_by(_TRANSFERS.c.id)
    ):
        problem = _check_blob(store, package_sha256, None)
        if problem:
            problems.append(f"transfer package {package_id}: {problem}")

    if problems:
        log.warning("stored originals differ", extra={"problems": len(problems)})

    return problems


def _other_parts(session: Session) -> Iterator[tuple[str, str, str, int | None]]:
    """Every other blob a document refers to (``document_blob``), in order."""
    rows = session.execute(
        select(
            Document.registry_number,
            DocumentBlob.role,
            DocumentBlob.sha256,
            DocumentBlob.size,
        )
        .join(Document, Document.id == DocumentBlob.document_id)
        .order_by(DocumentBlob.document_id, DocumentBlob.role)
    )
    for row in rows:
        yield row.registry_number, row.role, row.sha256, row.size


def _check_blob(store: BlobStore, sha256: str, size: int | None) -> str | None:
    digest, length = hashlib.sha256(), 0

    try:
        with store.open(sha256) as blob:
            while chunk := blob.read(CHUNK_SIZE):
                digest.update(chunk)
                length += len(chunk)
    except BlobNotFoundError:
        return "original is missing"

    if digest.hexdigest() != sha256:
        return "original does not match its SHA-256"

    if size is not None and length != size:
        return f"original has {length} bytes, registered {size}"

    return None
