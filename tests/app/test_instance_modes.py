"""Instance files with personal data are readable by their owner only (review F18)."""

from __future__ import annotations

import io
import stat
from pathlib import Path

from flask import Flask

from app import create_app
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _upload_one(app: Flask) -> None:
    demo = app.extensions["kancelaria"].demo
    signed = XadesSigner.from_issued(demo.citizen).sign_enveloped(
        sample("pismo-ogolne")
    )
    app.config["WTF_CSRF_ENABLED"] = False
    answer = app.test_client().post(
        "/submit",
        data={"document": (io.BytesIO(signed), "pismo.xml")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303


def test_fresh_instance_database_wal_and_blobs_are_owner_only(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app(make_settings(instance))
    try:
        _upload_one(app)
        files = [instance / "kancelaria.db"]
        files += [p for p in instance.glob("kancelaria.db-*")]
        blobs = [p for p in (instance / "blobs").rglob("*") if p.is_file()]
        folders = [
            instance,
            *[p for p in (instance / "blobs").rglob("*") if p.is_dir()],
        ]

        assert blobs, "the upload stored no blob"
        assert (instance / "kancelaria.db-wal").exists()
        for path in files + blobs:
            assert _mode(path) & 0o077 == 0, f"{path} is {oct(_mode(path))}"
        for folder in folders:
            assert _mode(folder) == 0o700, f"{folder} is {oct(_mode(folder))}"
    finally:
        app.extensions["kancelaria"].engine.dispose()


def test_older_world_readable_instance_is_closed_on_start(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = create_app(make_settings(instance))
    first.extensions["kancelaria"].engine.dispose()
    instance.chmod(0o755)
    (instance / "kancelaria.db").chmod(0o644)
    (instance / "blobs").chmod(0o755)

    again = create_app(make_settings(instance))
    try:
        assert _mode(instance) == 0o700
        assert _mode(instance / "kancelaria.db") == 0o600
        assert _mode(instance / "blobs") == 0o700
    finally:
        again.extensions["kancelaria"].engine.dispose()
