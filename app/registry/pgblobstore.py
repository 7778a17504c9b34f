"""Blobs kept in PostgreSQL as large objects, so web hosts need no shared disk.

Each blob is one large object, named in the ``blobstore.blob`` table by the
SHA-256 of its content (migration 0003). The table has a schema of its own:
it is storage, not part of the registry the models describe, and an
operator may give it its own tablespace. Bytes go in and come out in chunks of
:data:`~app.registry.blobstore.CHUNK_SIZE` through the server functions
``lo_from_bytea``, ``lo_put`` and ``lo_get``: a 100 MiB upload never sits in
memory whole. A put is its own transaction, committed (and so flushed to the
write-ahead log, with ``synchronous_commit`` on) before the caller registers
anything that names the blob. Large objects are transactional: a put that
fails or is killed half-way leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO, TypeGuard

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import OID, insert
from sqlalchemy.sql.dml import ReturningInsert

from app.registry.blobstore import CHUNK_SIZE, BlobNotFoundError, Content
from app.registry.driver import driver_of, translated

log = logging.getLogger(__name__)

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

# Not part of the registry models: the table exists on PostgreSQL only.
BLOB_SCHEMA = "blobstore"
BLOB_METADATA = MetaData(schema=BLOB_SCHEMA)
BLOB_TABLE = Table(
    "blob",
    BLOB_METADATA,
    Column("sha256", String(64), primary_key=True),
    Column("oid", OID, nullable=False),
    Column("size", BigInteger, nullable=False),
    # When the blob was last put: a second put of the same bytes refreshes it,
    # so that a garbage collector's grace period covers every put in flight.
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_CREATE_OBJECT = text("SELECT lo_from_bytea(0, :data)")
_APPEND = text("SELECT lo_put(:oid, :offset, :data)")
_READ = text("SELECT lo_get(:oid, :offset, :length)")
_UNLINK = text("SELECT lo_unlink(:oid)")

# One round trip for a form-sized original: create the large object and name
# it (or, for bytes stored before, refresh the row; the caller then drops the
# new object). RETURNING gives both oids.
_PUT_SMALL = """
    WITH new AS (SELECT lo_from_bytea(0, %(data)s) AS oid)
    INSERT INTO blobstore.blob AS blob (sha256, oid, size, created_at)
    SELECT %(sha256)s, new.oid, %(size)s, now() FROM new
    ON CONFLICT (sha256) DO UPDATE SET created_at = now()
    RETURNING (SELECT oid FROM new), blob.oid
    """


class PostgresBlobStore:
    """Content-addressed blobs in the ``blobstore.blob`` table, as large objects."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("PostgresBlobStore needs a PostgreSQL engine")

        self._engine = engine

    def put(self, content: Content) -> str:
        """Store ``content`` durably, streaming it; return its SHA-256."""
        with self._engine.connect() as connection:
            # Begun here: a statement sent on psycopg itself begins none.
            connection.begin()
            if _is_small(content):
                oid, sha256, stored_oid = _put_small(connection, bytes(content))
            else:
                oid, sha256, size = _write_object(connection, content)
                upsert = _upsert(sha256, oid, size)
                stored_oid = connection.execute(upsert).scalar_one()

            if stored_oid != oid:
                # Stored before: keep the first copy, drop this one.
                connection.execute(_UNLINK, {"oid": oid})

            connection.commit()

        log.info("blob stored", extra={"sha256": sha256, "new": stored_oid == oid})
        return sha256

    def open(self, sha256: str) -> BinaryIO:
        """Open the blob for reading in chunks; raise if it is not stored."""
        oid, size = self._find(sha256)
        reader = _LargeObjectReader(self._engine, oid, size)
        return io.BufferedReader(reader, CHUNK_SIZE)

    def exists(self, sha256: str) -> bool:
        """Tell whether the blob is stored."""
        try:
            self._find(sha256)
        except BlobNotFoundError:
            return False

        return True

    def stored(self) -> Iterator[tuple[str, datetime]]:
        """List every stored blob's SHA-256 and when it was last put."""
        query = select(BLOB_TABLE.c.sha256, BLOB_TABLE.c.created_at).order_by(
            BLOB_TABLE.c.sha256
        )

        # Streamed with a server-side cursor: a million blobs is no list.
        with self._engine.connect() as connection:
            rows = connection.execution_options(yield_per=1000).execute(query)
            yield from ((sha256, created_at) for sha256, created_at in rows)

    def delete(self, sha256: str, not_after: datetime | None = None) -> bool:
        """Remove a blob and its large object; return whether it was removed.

        With ``not_after``, only a blob not put since then is removed. The
        check is part of the DELETE, and a put of the same bytes waits for
        the row lock, so a put in flight either refreshes the blob first or
        stores it anew after.
        """
        _check_digest(sha256)
        query = BLOB_TABLE.delete().where(BLOB_TABLE.c.sha256 == sha256)
        if not_after is not None:
            query = query.where(BLOB_TABLE.c.created_at <= not_after)

        with self._engine.connect() as connection:
            returning = query.returning(BLOB_TABLE.c.oid)
            oid = connection.execute(returning).scalar_one_or_none()
            if oid is not None:
                connection.execute(_UNLINK, {"oid": oid})

            connection.commit()

        log.info("blob removed", extra={"sha256": sha256, "found": oid is not None})
        return oid is not None

    def _find(self, sha256: str) -> tuple[int, int]:
        _check_digest(sha256)
        query = select(BLOB_TABLE.c.oid, BLOB_TABLE.c.size).where(
            BLOB_TABLE.c.sha256 == sha256
        )

        with self._engine.connect() as connection:
            row = connection.execute(query).first()

        if row is None:
            raise BlobNotFoundError(sha256)

        return int(row.oid), int(row.size)


class _LargeObjectReader(io.RawIOBase):
    """Reads a large object chunk by chunk, one short query per chunk."""

    def __init__(self, engine: Engine, oid: int, size: int) -> None:
        super().__init__()
        self._engine = engine
        self._oid = oid
        self._size = size
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        length = min(len(buffer), self._size - self._offset, CHUNK_SIZE)
        if length <= 0:
            return 0

        parameters = {"oid": self._oid, "offset": self._offset, "length": length}
        with self._engine.connect() as connection:
            chunk = connection.execute(_READ, parameters).scalar_one()

        if not chunk:
            raise OSError(f"large object {self._oid} ends before its recorded size")

        buffer[: len(chunk)] = chunk
        self._offset += len(chunk)
        return len(chunk)


def _is_small(content: Content) -> TypeGuard[bytes | bytearray | memoryview]:
    """Tell bytes of at most one chunk (a form) from a large or streamed blob."""
    if not isinstance(content, bytes | bytearray | memoryview):
        return False

    return memoryview(content).nbytes <= CHUNK_SIZE


def _put_small(connection: Connection, content: bytes) -> tuple[int, str, int]:
    """Store bytes of one chunk in one statement; return new oid, SHA-256, kept oid.

    Sent on psycopg itself (app.registry.driver): every submission puts
    one, and SQLAlchemy's execution of it cost as much CPU as the rest of it.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    parameters = {"data": content, "sha256": sha256, "size": len(content)}
    with translated(connection, _PUT_SMALL):
        row = driver_of(connection).execute(_PUT_SMALL, parameters).fetchone()

    new_oid, stored_oid = row
    return int(new_oid), sha256, int(stored_oid)


def _write_object(connection: Connection, content: Content) -> tuple[int, str, int]:
    """Write ``content`` into a new large object; return its oid, SHA-256, size."""
    digest = hashlib.sha256()
    oid: int | None = None
    size = 0

    for chunk in _chunks(content):
        digest.update(chunk)
        if oid is None:
            oid = connection.execute(_CREATE_OBJECT, {"data": chunk}).scalar_one()
        else:
            connection.execute(_APPEND, {"oid": oid, "offset": size, "data": chunk})

        size += len(chunk)

    if oid is None:
        oid = connection.execute(_CREATE_OBJECT, {"data": b""}).scalar_one()

    return int(oid), digest.hexdigest(), size


def _chunks(content: Content) -> Iterator[bytes | memoryview]:
    if isinstance(content, bytes | bytearray | memoryview):
        view = memoryview(content).cast("B")
        for start in range(0, len(view), CHUNK_SIZE):
            yield view[start : start + CHUNK_SIZE]
        return

    while chunk := content.read(CHUNK_SIZE):
        yield chunk


def _upsert(sha256: str, oid: int, size: int) -> ReturningInsert[int]:
    # A second put of the same bytes keeps the first large object and only
    # refreshes created_at; RETURNING says which object the row names.
    statement = insert(BLOB_TABLE).values(
        sha256=sha256, oid=oid, size=size, created_at=func.now()
    )
    return statement.on_conflict_do_update(
        index_elements=[BLOB_TABLE.c.sha256], set_={"created_at": func.now()}
    ).returning(BLOB_TABLE.c.oid)


def _check_digest(sha256: str) -> None:
    if not _SHA256_HEX.fullmatch(sha256):
        raise ValueError("not a lowercase hex SHA-256 digest")
