"""PostgresBlobStore: streamed large objects, content addressed, durable, idempotent."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.db import make_engine, upgrade
from app.registry import BlobNotFoundError, BlobStore
from app.registry.blobstore import CHUNK_SIZE
from app.registry.pgblobstore import PostgresBlobStore

pytestmark = pytest.mark.postgres

CONTENT = "<wniosek>Zażółć gęślą jaźń</wniosek>".encode()


class ReadFailedError(OSError):
    """Stands for a client connection dropping in the middle of an upload."""


class ChunkStream(io.RawIOBase):
    """Yields ``count`` pseudo-random chunks, then optionally fails."""

    def __init__(self, count: int, fail: bool = False) -> None:
        self._left = count
        self._fail = fail
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._left == 0:
            if self._fail:
                raise ReadFailedError("connection reset")
            return b""

        self._left -= 1
        chunk = hashlib.sha256(str(self._left).encode()).digest() * (CHUNK_SIZE // 32)
        self.digest.update(chunk)
        return chunk


@pytest.fixture
def pg_engine(new_postgres_database: str) -> Iterator[Engine]:
    upgrade(new_postgres_database)
    engine = make_engine(new_postgres_database)
    yield engine
    engine.dispose()


@pytest.fixture
def store(pg_engine: Engine) -> PostgresBlobStore:
    return PostgresBlobStore(pg_engine)


def test_put_returns_the_sha256_and_open_gives_the_exact_bytes(
    store: PostgresBlobStore,
) -> None:
    sha256 = store.put(CONTENT)

    assert sha256 == hashlib.sha256(CONTENT).hexdigest()
    with store.open(sha256) as blob:
        assert blob.read() == CONTENT


def test_put_and_read_stream_a_large_blob_in_chunks_not_whole(
    store: PostgresBlobStore,
) -> None:
    stream = ChunkStream(24)  # 24 MiB

    tracemalloc.start()
    try:
        sha256 = store.put(stream)
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        read_digest = _hash_blob(store, sha256)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert sha256 == stream.digest.hexdigest() == read_digest
    assert put_peak < 8 * CHUNK_SIZE
    assert read_peak < 8 * CHUNK_SIZE


def test_empty_content_is_stored_and_read_back(store: PostgresBlobStore) -> None:
    sha256 = store.put(b"")

    with store.open(sha256) as blob:
        assert blob.read() == b""


def test_putting_the_same_content_twice_keeps_one_row_and_one_object(
    store: PostgresBlobStore, pg_engine: Engine
) -> None:
    before = _large_objects(pg_engine)

    first = store.put(CONTENT)
    second = store.put(CONTENT)
    third = store.put(io.BytesIO(CONTENT))

    assert first == second == third
    assert _blob_rows(pg_engine) == 1
    assert _large_objects(pg_engine) == before + 1


@pytest.mark.parametrize("size", [7000, CHUNK_SIZE + 1])
def test_concurrent_puts_of_the_same_content_leave_one_object(
    store: PostgresBlobStore, pg_engine: Engine, size: int
) -> None:
    content = os.urandom(size)

    with ThreadPoolExecutor(max_workers=4) as pool:
        digests = set(pool.map(lambda _: store.put(content), range(8)))

    assert digests == {hashlib.sha256(content).hexdigest()}
    assert _blob_rows(pg_engine) == 1
    assert _large_objects(pg_engine) == 1
    with store.open(digests.pop()) as blob:
        assert blob.read() == content


def test_interrupted_put_leaves_neither_row_nor_large_object(
    store: PostgresBlobStore, pg_engine: Engine
) -> None:
    with pytest.raises(ReadFailedError):
        store.put(ChunkStream(2, fail=True))

    assert _blob_rows(pg_engine) == 0
    assert _large_objects(pg_engine) == 0


def test_put_is_committed_before_it_returns(
    store: PostgresBlobStore, new_postgres_database: str
) -> None:
    sha256 = store.put(CONTENT)

    # A separate engine (another process would do the same) sees it at once.
    other = make_engine(new_postgres_database)
    try:
        assert PostgresBlobStore(other).exists(sha256)
    finally:
        other.dispose()


def test_exists_tells_stored_from_unknown(store: PostgresBlobStore) -> None:
    sha256 = store.put(CONTENT)

    assert store.exists(sha256)
    assert not store.exists(hashlib.sha256(b"other").hexdigest())


def test_opening_an_unknown_blob_raises_not_found(store: PostgresBlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        store.open(hashlib.sha256(b"never stored").hexdigest())


@pytest.mark.parametrize("name", ["' OR 1=1 --", "A" * 64, "ab" * 31, ""])
def test_names_that_are_not_sha256_digests_are_refused(
    store: PostgresBlobStore, name: str
) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        store.open(name)
    with pytest.raises(ValueError, match="SHA-256"):
        store.exists(name)


def test_delete_removes_the_row_and_its_large_object(
    store: PostgresBlobStore, pg_engine: Engine
) -> None:
    sha256 = store.put(CONTENT)

    assert store.delete(sha256)
    assert not store.exists(sha256)
    assert _large_objects(pg_engine) == 0
    assert not store.delete(sha256)


def test_delete_with_not_after_keeps_a_blob_put_again_since(
    store: PostgresBlobStore,
) -> None:
    sha256 = store.put(CONTENT)
    listed = dict(store.stored())[sha256]

    store.put(CONTENT)  # put again: refreshed, so newer than the listing

    assert not store.delete(sha256, not_after=listed)
    assert store.exists(sha256)
    assert store.delete(sha256, not_after=datetime.now(UTC))


def test_stored_lists_each_blob_with_the_time_it_was_put(
    store: PostgresBlobStore,
) -> None:
    digests = {store.put(CONTENT), store.put(b"second")}

    listed = dict(store.stored())

    assert set(listed) == digests
    assert all(moment.tzinfo is not None for moment in listed.values())


def test_a_changed_large_object_no_longer_hashes_to_its_name(
    store: PostgresBlobStore, pg_engine: Engine
) -> None:
    sha256 = store.put(CONTENT)

    with pg_engine.begin() as connection:
        oid = connection.execute(text("SELECT oid FROM blobstore.blob")).scalar_one()
        connection.execute(text("SELECT lo_put(:oid, 0, '\\x58')"), {"oid": oid})

    assert _hash_blob(store, sha256) != sha256


def test_postgres_store_fulfils_the_blob_store_protocol(
    store: PostgresBlobStore,
) -> None:
    assert isinstance(store, BlobStore)


def test_postgres_store_refuses_an_sqlite_engine(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(ValueError, match="PostgreSQL"):
            PostgresBlobStore(engine)
    finally:
        engine.dispose()


def _hash_blob(store: PostgresBlobStore, sha256: str) -> str:
    digest = hashlib.sha256()
    with store.open(sha256) as blob:
        while chunk := blob.read(CHUNK_SIZE):
            digest.update(chunk)

    return digest.hexdigest()


def _blob_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        count: int = connection.execute(
            text("SELECT count(*) FROM blobstore.blob")
        ).scalar_one()
        return count


def _large_objects(engine: Engine) -> int:
    query = text("SELECT count(*) FROM pg_largeobject_metadata")
    with engine.connect() as connection:
        count: int = connection.execute(query).scalar_one()
        return count
