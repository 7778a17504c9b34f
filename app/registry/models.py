"""Registry tables: documents, receipts, the counters and the journal."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHA256_HEX = 64
STATUS_REGISTERED = "registered"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so values are normalised to UTC on the way in
    and marked UTC on the way out; naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None

        if value.tzinfo is None:
            raise ValueError("naive datetime given; the registry keeps UTC times")

        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None

        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)

        return value.astimezone(UTC)


def new_public_id() -> str:
    """Return a fresh opaque public id (a random UUID)."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


Row = TypeVar("Row", bound=Base)


def bulk_row(model: type[Row], values: Mapping[str, Any]) -> Row:
    """Return an instance holding ``values`` as a row loaded from the table would.

    For rows written by statements of their own (app.registry.batch): the
    constructor records every value as a change for a flush that never
    comes, which cost more CPU than writing the row. Attach the instance
    with ``make_transient_to_detached`` and ``Session.add`` once written.
    """
    mapper = model.__mapper__
    if not mapper.configured:  # as a constructor would, before the first row
        configure_mappers()

    row: Row = mapper.class_manager.new_instance()
    row.__dict__.update(values)
    return row


class Document(Base):
    """One incoming item in the RPW, with what validation found."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registry_number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(32))

    form_id: Mapped[str | None] = mapped_column(String(128))
    form_version: Mapped[str | None] = mapped_column(String(32))
    form_namespace: Mapped[str | None] = mapped_column(String(512))
    schema_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX))

    sender: Mapped[str | None] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(Text)
    signer_identifier: Mapped[str | None] = mapped_column(String(256))
    signer_cert_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX))
    signing_time: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(128))

    indication: Mapped[str] = mapped_column(String(32))
    subindication: Mapped[str | None] = mapped_column(String(64))
    report_json: Mapped[str] = mapped_column(Text)

    department: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default=STATUS_REGISTERED)
    access_code: Mapped[str] = mapped_column(String(64), unique=True)

    # Position of the document's ``registered`` journal entry (its Merkle
    # leaf index + 1); the receipt carries it.
    journal_position: Mapped[int | None] = mapped_column(Integer)

    # Opaque id the API names the document by (registry numbers are guessable).
    public_id: Mapped[str] = mapped_column(
        String(36), unique=True, index=True, default=new_public_id
    )
    # The API client that submitted it; None for anonymous and portal uploads.
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_client.id"), index=True
    )


class Receipt(Base):
    """The sealed receipt (UPO) issued for one document."""

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX))


class DocumentBlob(Base):
    """A stored blob a document refers to besides its original.

    The signature part of a detached submission, the portal draft a paper
    document is a printout of, the originals a transfer package carries:
    written with the document, in the same transaction, so that ``registry
    gc`` keeps and ``registry verify`` re-hashes them as it does the original.
    """

    __tablename__ = "document_blob"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id"), primary_key=True, autoincrement=False
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), index=True)
    # Unknown for references filled in from reports that did not record it.
    size: Mapped[int | None] = mapped_column(BigInteger)


class RegistryCounter(Base):
    """The last registry sequence handed out in a year."""

    __tablename__ = "registry_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(Integer)


class CaseCounter(Base):
    """The last case sequence of one department, JRWA class and year."""

    __tablename__ = "case_counter"

    department: Mapped[str] = mapped_column(String(8), primary_key=True)
    jrwa: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(Integer)


class JournalEntry(Base):
    """One registry event, chained to the previous one by its hash."""

    __tablename__ = "journal_entry"

    position: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    event: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id"), index=True
    )
    payload_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True)


class Checkpoint(Base):
    """A sealed statement of the journal's Merkle root at one tree size."""

    __tablename__ = "checkpoint"

    tree_size: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False
    )
    root_hash: Mapped[str] = mapped_column(String(SHA256_HEX))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX))
    # JSON list of hex roots of the complete subtrees the tree splits into,
    # largest first: the next checkpoint continues from it.
    frontier_json: Mapped[str] = mapped_column(Text)


class MerkleNode(Base):
    """The root of one complete subtree of the journal's Merkle tree.

    Only subtrees of 2**level leaves with level at or above a floor are
    kept, so that proofs need O(log n) lookups and a few journal rows.
    """

    __tablename__ = "merkle_node"

    level: Mapped[int] = mapped_column(
        SmallInteger, primary_key=True, autoincrement=False
    )
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class ApiClient(Base):
    """A platform allowed to use the API with a key (only its hash is kept)."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True)
    # The key a rotation replaced, accepted until previous_key_expires_at.
    previous_key_hash: Mapped[str | None] = mapped_column(
        String(SHA256_HEX), unique=True
    )
    previous_key_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Prefix of the key the current one replaced (for the operator's list).
    rotated_from: Mapped[str | None] = mapped_column(String(16))
    # Form ids the client may submit; an empty list allows every form.
    allowed_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_limit: Mapped[str] = mapped_column(String(64))
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    # SHA-256 of the client's TLS certificate, checked when a proxy passes it.
    mtls_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyKey(Base):
    """One Idempotency-Key of one caller: claimed before intake, answered after."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "client:<id>" or "anon:<remote address>".
    scope: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(255))
    body_sha256: Mapped[str] = mapped_column(String(SHA256_HEX))
    status: Mapped[str] = mapped_column(String(16))
    response_json: Mapped[str | None] = mapped_column(Text)
    response_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
