"""Re-check stored originals against the registry: present, same hash, same size."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.registry.blobstore import CHUNK_SIZE, BlobNotFoundError, BlobStore
from app.registry.models import Document

log = logging.getLogger(__name__)


def verify_blobs(
    session: Session,
    store: BlobStore,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Re-hash the original of every document; return the problems found.

    A detached signature received beside its document (a ``parts`` entry of
    the stored report) is re-hashed too.  ``progress`` is told each document
    checked.
    """
    problems: list[str] = []
    rows = session.execute(
        select(
            Document.registry_number,
            Document.sha256,
            Document.size,
            Document.report_json,
        ).order_by(Document.id)
    )

    for number, sha256, size, report in rows:
        problem = _check_blob(store, sha256, size)
        if problem:
            problems.append(f"document {number}: {problem}")
        for part, problem in _check_parts(store, sha256, report):
            problems.append(f"document {number}, {part}: {problem}")
        if progress is not None:
            progress(1)

    if problems:
        log.warning("stored originals differ", extra={"problems": len(problems)})

    return problems


def _check_parts(store: BlobStore, sha256: str, report: str) -> list[tuple[str, str]]:
    """Check the other parts received with a document (a detached signature)."""
    if '"parts"' not in report:
        return []

    found = []
    for part in json.loads(report).get("parts") or []:
        if part.get("sha256") == sha256:
            continue
        problem = _check_blob(store, str(part["sha256"]), int(part["size"]))
        if problem:
            found.append((str(part.get("part", "part")), problem))

    return found


def _check_blob(store: BlobStore, sha256: str, size: int) -> str | None:
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

    if length != size:
        return f"original has {length} bytes, registered {size}"

    return None
