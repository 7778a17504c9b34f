"""`collect_garbage` removes old orphan blobs only, on both databases."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.registry.blobstore import FileBlobStore
from app.registry.gc import collect_garbage
from tests.registry.samples import register_sample

TWO_HOURS = 2 * 3600


def _age(root: Path, sha256: str, seconds: int) -> None:
    # Make the blob look as if it was last put ``seconds`` ago.
    path = root / sha256[:2] / sha256[2:4] / sha256
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def test_gc_removes_an_old_orphan_and_keeps_fresh_and_referenced_blobs(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    referenced = store.put(b"<wniosek/>")
    old_orphan = store.put(b"<porzucony/>")
    fresh_orphan = store.put(b"<w-locie/>")
    for sha256 in (referenced, old_orphan):
        _age(tmp_path / "blobs", sha256, TWO_HOURS)

    with sessions() as session:
        register_sample(session, b"<wniosek/>")
        result = collect_garbage(session, store)

    assert result.orphans == (old_orphan,)
    assert result.removed == (old_orphan,)
    assert not store.exists(old_orphan)
    assert store.exists(referenced)
    assert store.exists(fresh_orphan)


def test_gc_dry_run_lists_the_orphan_and_removes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    orphan = store.put(b"<porzucony/>")
    _age(tmp_path / "blobs", orphan, TWO_HOURS)

    with sessions() as session:
        result = collect_garbage(session, store, dry_run=True)

    assert result.orphans == (orphan,)
    assert result.removed == ()
    assert store.exists(orphan)


def test_putting_an_old_orphan_again_keeps_it_from_gc(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    orphan = store.put(b"<znowu/>")
    _age(tmp_path / "blobs", orphan, TWO_HOURS)

    store.put(b"<znowu/>")  # a submission of the same bytes, not yet registered
    with sessions() as session:
        result = collect_garbage(session, store)

    assert result.orphans == ()
    assert store.exists(orphan)


def test_a_blob_put_between_listing_and_removal_is_kept(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    orphan = store.put(b"<wyscig/>")
    _age(tmp_path / "blobs", orphan, TWO_HOURS)
    cutoff_listed = next(put_at for sha, put_at in store.stored() if sha == orphan)

    store.put(b"<wyscig/>")

    assert store.delete(orphan, not_after=cutoff_listed) is False
    assert store.exists(orphan)
