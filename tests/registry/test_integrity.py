"""verify_blobs: every registered original is present and unchanged."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.registry import FileBlobStore, register
from app.registry.integrity import verify_blobs
from tests.registry.samples import fake_receipt, sample_fields

CONTENT = b"<wniosek>oryginal</wniosek>"


@pytest.fixture
def store(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")


def test_stored_and_registered_original_verifies(
    sessions: sessionmaker[Session], store: FileBlobStore
) -> None:
    _store_and_register(sessions, store, CONTENT)

    with sessions() as session:
        assert verify_blobs(session, store) == []


def test_missing_original_is_reported(
    sessions: sessionmaker[Session], store: FileBlobStore
) -> None:
    with sessions() as session:
        register(session, receipt_builder=fake_receipt, **sample_fields(CONTENT))

    with sessions() as session:
        assert verify_blobs(session, store) == [
            "document RPW/1/2026: original is missing"
        ]


def test_original_changed_on_disk_is_reported(
    sessions: sessionmaker[Session], store: FileBlobStore, tmp_path: Path
) -> None:
    sha256 = _store_and_register(sessions, store, CONTENT)
    path = tmp_path / "blobs" / sha256[:2] / sha256[2:4] / sha256
    os.chmod(path, 0o644)
    path.write_bytes(CONTENT.replace(b"oryginal", b"zmieniony"))

    with sessions() as session:
        assert verify_blobs(session, store) == [
            "document RPW/1/2026: original does not match its SHA-256"
        ]


def test_registered_size_that_differs_from_the_original_is_reported(
    sessions: sessionmaker[Session], store: FileBlobStore
) -> None:
    store.put(CONTENT)
    fields = sample_fields(CONTENT, size=len(CONTENT) + 1)

    with sessions() as session:
        register(session, receipt_builder=fake_receipt, **fields)

    with sessions() as session:
        problems = verify_blobs(session, store)

    expected = f"original has {len(CONTENT)} bytes, registered {len(CONTENT) + 1}"
    assert problems == [f"document RPW/1/2026: {expected}"]


def _store_and_register(
    sessions: sessionmaker[Session], store: FileBlobStore, content: bytes
) -> str:
    sha256 = store.put(content)
    assert sha256 == hashlib.sha256(content).hexdigest()

    with sessions() as session:
        register(session, receipt_builder=fake_receipt, **sample_fields(content))

    return sha256
