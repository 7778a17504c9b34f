"""Content-addressed, write-once storage of the original bytes received.

A blob's name is the SHA-256 of its content, so a stored blob can never
disagree with its name. :class:`FileBlobStore` writes to a temporary file,
fsyncs it, renames it into place atomically and fsyncs the folder: a blob
is either absent or complete and durable, never partly visible.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO, Protocol, runtime_checkable

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
PARTIAL_DIR = ".partial"
OWNER_ONLY_DIR = 0o700
# Read-only for the owner: a stored original is never rewritten in place.
BLOB_MODE = 0o400
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Readable(Protocol):
    """A binary stream: an upload, a spooled temporary file, an open file."""

    def read(self, size: int = -1, /) -> bytes: ...


Content = bytes | bytearray | memoryview | Readable


class BlobNotFoundError(KeyError):
    """No blob with the requested SHA-256 is stored."""


@runtime_checkable
class BlobStore(Protocol):
    """Where the registry keeps the bytes of what it registered."""

    def put(self, content: Content) -> str:
        """Store ``content`` durably; return its SHA-256 (lowercase hex)."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """Open the stored blob for reading."""
        ...

    def exists(self, sha256: str) -> bool:
        """Tell whether a blob with this SHA-256 is stored."""
        ...


class FileBlobStore:
    """A folder of blobs fanned out as ``ab/cd/abcd…`` by their SHA-256."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root)
        self._partial = self._root / PARTIAL_DIR
        # Originals carry personal data: the owner alone reads them (review
        # F18); a root made world-readable by an older version is closed too.
        self._partial.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
        for folder in (self._root, self._partial):
            if stat.S_IMODE(folder.stat().st_mode) & 0o077:
                folder.chmod(OWNER_ONLY_DIR)

    def put(self, content: Content) -> str:
        """Store ``content`` (bytes, or a binary file read to its end)."""
        digest = hashlib.sha256()
        descriptor, temp_name = tempfile.mkstemp(dir=self._partial)
        temp = Path(temp_name)

        try:
            with os.fdopen(descriptor, "wb") as out:
                _copy(content, out, digest)
                out.flush()
                os.fsync(out.fileno())

            sha256 = digest.hexdigest()
            self._move_into_place(temp, sha256)
        finally:
            temp.unlink(missing_ok=True)

        return sha256

    def open(self, sha256: str) -> BinaryIO:
        """Open the blob for reading; raise :class:`BlobNotFoundError` if absent."""
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobNotFoundError(sha256) from None

    def exists(self, sha256: str) -> bool:
        """Tell whether the blob is stored."""
        return self._path(sha256).is_file()

    def stored(self) -> Iterator[tuple[str, datetime]]:
        """List every stored blob's SHA-256 and when it was last put."""
        for path in sorted(self._root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
            if _SHA256_HEX.fullmatch(path.name):
                yield path.name, _modified(path)

    def delete(self, sha256: str, not_after: datetime | None = None) -> bool:
        """Remove a blob; with ``not_after``, only if not put since that time.

        Returns whether it was removed. The check and the removal hold the
        store's lock, which a put of the same bytes takes too, so a put in
        flight either refreshes the blob first or stores it again after.
        """
        path = self._path(sha256)
        with self._locked(fcntl.LOCK_EX):
            try:
                if not_after is not None and _modified(path) > not_after:
                    return False
                path.unlink()
            except FileNotFoundError:
                return False

        _fsync_dir(path.parent)
        log.info("blob removed", extra={"sha256": sha256})
        return True

    def _path(self, sha256: str) -> Path:
        # The name reaches the file system: only a real digest may pass.
        if not _SHA256_HEX.fullmatch(sha256):
            raise ValueError("not a lowercase hex SHA-256 digest")

        return self._root / sha256[:2] / sha256[2:4] / sha256

    def _move_into_place(self, temp: Path, sha256: str) -> None:
        target = self._path(sha256)

        if self._refresh(target):
            log.debug("blob already stored", extra={"sha256": sha256})
            return

        _make_fan_out_dirs(target.parent)
        temp.chmod(BLOB_MODE)
        os.replace(temp, target)
        _fsync_dir(target.parent)
        log.info("blob stored", extra={"sha256": sha256})

    def _refresh(self, target: Path) -> bool:
        # Mark a stored blob as put now, so that the garbage collector's
        # grace period covers the registration this put is for.
        with self._locked(fcntl.LOCK_SH):
            try:
                os.utime(target)
            except FileNotFoundError:
                return False

        return True

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        # The lock is on the partial folder itself: no extra file appears.
        descriptor = os.open(self._partial, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(descriptor, mode)
            yield
        finally:
            os.close(descriptor)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _copy(content: Content, out: IO[bytes], digest: hashlib._Hash) -> None:
    if isinstance(content, bytes | bytearray | memoryview):
        digest.update(content)
        out.write(content)
        return

    while chunk := content.read(CHUNK_SIZE):
        digest.update(chunk)
        out.write(chunk)


def _make_fan_out_dirs(folder: Path) -> None:
    # A new fan-out folder is itself an entry in its parent: fsync the parent
    # too, or the rename could survive a crash while its folder does not.
    for path in (folder.parent, folder):
        if not path.is_dir():
            path.mkdir(mode=OWNER_ONLY_DIR, exist_ok=True)
            _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)

    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
