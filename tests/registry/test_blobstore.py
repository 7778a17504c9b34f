"""FileBlobStore: content addressed, durable (fsync), atomic and idempotent."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.registry import BlobNotFoundError, BlobStore, FileBlobStore
from app.registry.blobstore import CHUNK_SIZE

CONTENT = "<wniosek>Zażółć gęślą jaźń</wniosek>".encode()


class ReadFailedError(OSError):
    """Stands for a client connection dropping in the middle of an upload."""


class BrokenStream(io.RawIOBase):
    """Yields one chunk, then fails, like an interrupted upload."""

    def __init__(self) -> None:
        self._calls = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self._calls += 1
        if self._calls > 1:
            raise ReadFailedError("connection reset")
        return b"x" * CHUNK_SIZE


@pytest.fixture
def store(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")


def test_put_returns_the_sha256_and_open_gives_the_exact_bytes(
    store: FileBlobStore,
) -> None:
    sha256 = store.put(CONTENT)

    assert sha256 == hashlib.sha256(CONTENT).hexdigest()
    with store.open(sha256) as blob:
        assert blob.read() == CONTENT


def test_put_streams_a_file_larger_than_one_chunk(store: FileBlobStore) -> None:
    content = os.urandom(CHUNK_SIZE * 2 + 123)

    sha256 = store.put(io.BytesIO(content))

    assert sha256 == hashlib.sha256(content).hexdigest()
    with store.open(sha256) as blob:
        assert blob.read() == content


def test_putting_the_same_content_twice_keeps_one_file(
    store: FileBlobStore, tmp_path: Path
) -> None:
    first = store.put(CONTENT)
    second = store.put(io.BytesIO(CONTENT))

    assert first == second
    assert _stored_files(tmp_path / "blobs") == [Path(first[:2], first[2:4], first)]


def test_blob_is_fanned_out_by_its_hash_and_read_only(
    store: FileBlobStore, tmp_path: Path
) -> None:
    sha256 = store.put(CONTENT)
    path = tmp_path / "blobs" / sha256[:2] / sha256[2:4] / sha256

    assert path.read_bytes() == CONTENT
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0


def test_file_is_fsynced_before_it_is_renamed_and_folder_after(
    store: FileBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        kind = "dir" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file"
        calls.append(f"fsync {kind}")
        real_fsync(descriptor)

    def replace(source: str | Path, target: str | Path) -> None:
        calls.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    store.put(CONTENT)

    assert calls.index("fsync file") < calls.index("rename")
    assert calls[-2:] == ["rename", "fsync dir"]


def test_interrupted_put_leaves_neither_blob_nor_partial_file(
    store: FileBlobStore, tmp_path: Path
) -> None:
    with pytest.raises(ReadFailedError):
        store.put(BrokenStream())

    assert _stored_files(tmp_path / "blobs") == []
    assert not store.exists(hashlib.sha256(b"x" * CHUNK_SIZE).hexdigest())


def test_exists_tells_stored_from_unknown(store: FileBlobStore) -> None:
    sha256 = store.put(CONTENT)

    assert store.exists(sha256)
    assert not store.exists(hashlib.sha256(b"other").hexdigest())


def test_opening_an_unknown_blob_raises_not_found(store: FileBlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        store.open(hashlib.sha256(b"never stored").hexdigest())


@pytest.mark.parametrize(
    "name",
    ["../../../etc/passwd", "A" * 64, "ab" * 31, "ab/cd", "", "g" * 64],
)
def test_names_that_are_not_sha256_digests_are_refused(
    store: FileBlobStore, name: str
) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        store.open(name)
    with pytest.raises(ValueError, match="SHA-256"):
        store.exists(name)


def test_concurrent_puts_of_the_same_content_agree(store: FileBlobStore) -> None:
    content = os.urandom(CHUNK_SIZE + 1)

    with ThreadPoolExecutor(max_workers=4) as pool:
        digests = set(pool.map(lambda _: store.put(content), range(8)))

    assert digests == {hashlib.sha256(content).hexdigest()}
    with store.open(digests.pop()) as blob:
        assert blob.read() == content


def test_file_blob_store_fulfils_the_blob_store_protocol(
    store: FileBlobStore,
) -> None:
    assert isinstance(store, BlobStore)


def _stored_files(root: Path) -> list[Path]:
    # Every file below the root, partial ones included.
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
