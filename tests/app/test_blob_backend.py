"""KANCELARIA_BLOB_BACKEND: originals in the blob folder or in PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.config import Settings
from app.registry.gc import collect_garbage
from app.registry.integrity import verify_blobs
from app.registry.pgblobstore import PostgresBlobStore
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample
from tests.conftest_db import new_postgres_database, postgres_admin_url

__all__ = ["new_postgres_database", "postgres_admin_url"]

XML = {"Content-Type": "application/xml"}


@pytest.fixture
def postgres_app(new_postgres_database: str, tmp_path: Path) -> Iterator[Flask]:
    settings = make_settings(
        tmp_path / "instance",
        database_url=new_postgres_database,
        blob_backend="postgres",
    )
    application = create_app(settings)
    yield application
    application.extensions["kancelaria"].engine.dispose()


def test_blob_backend_defaults_to_the_blob_folder(tmp_path: Path) -> None:
    settings = Settings.from_env({"KANCELARIA_INSTANCE": str(tmp_path)})

    assert settings.blob_backend == "file"


def test_postgres_blob_backend_on_sqlite_stops_the_start_with_a_clear_error(
    tmp_path: Path,
) -> None:
    env = {"KANCELARIA_INSTANCE": str(tmp_path), "KANCELARIA_BLOB_BACKEND": "postgres"}

    with pytest.raises(RuntimeError, match="needs a PostgreSQL KANCELARIA_DATABASE"):
        create_app(Settings.from_env(env))


def test_unknown_blob_backend_stops_the_start_with_a_clear_error(
    tmp_path: Path,
) -> None:
    env = {"KANCELARIA_INSTANCE": str(tmp_path), "KANCELARIA_BLOB_BACKEND": "s3"}

    with pytest.raises(RuntimeError, match="choose 'file' or 'postgres'"):
        create_app(Settings.from_env(env))


@pytest.mark.postgres
def test_submission_original_is_kept_in_postgres_not_in_the_blob_folder(
    postgres_app: Flask,
) -> None:
    services = postgres_app.extensions["kancelaria"]
    signer = XadesSigner.from_issued(services.demo.citizen)
    body = signer.sign_enveloped(sample("pismo-ogolne"))

    answer = postgres_app.test_client().post(
        "/api/v1/submissions", data=body, headers=XML
    )

    assert answer.status_code == 201
    assert isinstance(services.blobs, PostgresBlobStore)
    sha256 = hashlib.sha256(body).hexdigest()
    with services.blobs.open(sha256) as blob:
        assert blob.read() == body
    blob_dir = services.settings.blob_dir
    assert not blob_dir.exists() or not any(blob_dir.rglob(sha256))
    with services.sessions() as session:
        assert verify_blobs(session, services.blobs) == []


@pytest.mark.postgres
def test_gc_removes_an_orphan_postgres_blob_and_keeps_a_registered_one(
    postgres_app: Flask,
) -> None:
    services = postgres_app.extensions["kancelaria"]
    signer = XadesSigner.from_issued(services.demo.citizen)
    body = signer.sign_enveloped(sample("pismo-ogolne"))
    client = postgres_app.test_client()
    assert client.post("/api/v1/submissions", data=body, headers=XML).status_code == 201
    orphan = services.blobs.put(b"<orphan>bytes stored, never registered</orphan>")

    with services.sessions() as session:
        result = collect_garbage(session, services.blobs, grace=timedelta(0))

    assert result.removed == (orphan,)
    assert not services.blobs.exists(orphan)
    assert services.blobs.exists(hashlib.sha256(body).hexdigest())
