"""Nothing lost: SIGKILLed gunicorn workers under load lose no acknowledged submission.

A load generator on loopback posts signed forms to gunicorn (two workers)
while the test SIGKILLs workers; gunicorn starts new ones. Afterwards the
server is restarted and every 201 a client saw must have its document row,
its original (same SHA-256) and its receipt; the registry numbers must be
exactly 1..N; and ``flask registry verify`` must find nothing wrong.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import Settings
from app.db import make_engine
from app.registry.blobstore import BlobStore, FileBlobStore
from app.registry.models import Document, Receipt
from app.registry.pgblobstore import PostgresBlobStore
from signing.pki import ensure_demo_pki
from signing.seal import XadesSigner
from tests.app.conftest import sample
from tests.app.served import ROOT, Server, gunicorn_server
from tests.conftest_db import new_postgres_database, postgres_admin_url

__all__ = ["new_postgres_database", "postgres_admin_url"]

FLASK = Path(sys.executable).with_name("flask")
BODIES = 400
CLIENTS = 6
KILLS = 5
KILL_EVERY_S = 1.5
LOAD_LIMIT_S = 20.0


@dataclass
class Load:
    """What the clients saw: the bodies of 201 answers, and broken requests."""

    accepted: list[dict[str, str]] = field(default_factory=list)
    broken: int = 0
    refused: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.mark.postgres
def test_sigkilled_workers_lose_no_acknowledged_submission_on_postgres(
    new_postgres_database: str, tmp_path: Path
) -> None:
    env = {
        "KANCELARIA_DATABASE_URL": new_postgres_database,
        "KANCELARIA_BLOB_BACKEND": "postgres",
    }

    _crash_and_check(tmp_path / "instance", env)


def test_sigkilled_workers_lose_no_acknowledged_submission_on_sqlite(
    tmp_path: Path,
) -> None:
    _crash_and_check(tmp_path / "instance", {})


def _crash_and_check(instance: Path, env: dict[str, str]) -> None:
    bodies = _signed_forms(instance, BODIES)

    with gunicorn_server(instance, workers=2, threads=4, env=env) as server:
        load, kills = _load_while_killing(server, bodies)

    assert kills >= KILLS, "the workers were not killed as planned"
    assert load.broken > 0, "no kill hit a request in flight"
    assert load.accepted, "no submission was accepted at all"
    assert set(load.refused) <= {503}, f"unexpected answers {set(load.refused)}"

    with gunicorn_server(instance, workers=2, threads=2, env=env) as server:
        some = load.accepted[:: max(1, len(load.accepted) // 20)]
        _check_receipts_served(server, some)
        after = _post(server, bodies[-1])

    settings = Settings.from_env({**env, "KANCELARIA_INSTANCE": str(instance)})
    _check_registry(settings, [*load.accepted, after])
    _check_verify_is_clean(instance, env)


def _signed_forms(instance: Path, count: int) -> list[bytes]:
    # The same demo PKI the server will find in the instance folder.
    settings = Settings.from_env({"KANCELARIA_INSTANCE": str(instance)})
    demo = ensure_demo_pki(settings.demo_pki_dir, settings.office_name)
    signer = XadesSigner.from_issued(demo.citizen)
    letter = sample("pismo-ogolne").decode("utf-8")

    return [
        # Unique, signed text (a comment would be unsigned content: refused).
        signer.sign_enveloped(letter.replace("</Temat>", f" ({n})</Temat>", 1).encode())
        for n in range(count)
    ]


def _load_while_killing(server: Server, bodies: list[bytes]) -> tuple[Load, int]:
    pending: queue.Queue[bytes] = queue.Queue()
    for body in bodies:
        pending.put(body)

    load, stop = Load(), threading.Event()
    port = int(server.base.rsplit(":", 1)[1])
    clients = [
        threading.Thread(target=_client, args=(port, pending, load, stop))
        for _ in range(CLIENTS)
    ]
    for client in clients:
        client.start()

    try:
        kills = _kill_workers(server, stop)
    finally:
        time.sleep(1.0)
        stop.set()
        for client in clients:
            client.join(timeout=30)

    return load, kills


def _kill_workers(server: Server, stop: threading.Event) -> int:
    kills, deadline = 0, time.monotonic() + LOAD_LIMIT_S

    while kills < KILLS and time.monotonic() < deadline and not stop.is_set():
        time.sleep(KILL_EVERY_S)
        workers = server.worker_pids()
        if workers:
            server.kill_worker(workers[kills % len(workers)])
            kills += 1

    return kills


def _client(
    port: int, pending: queue.Queue[bytes], load: Load, stop: threading.Event
) -> None:
    deadline = time.monotonic() + LOAD_LIMIT_S + 10

    while not stop.is_set() and time.monotonic() < deadline:
        try:
            body = pending.get_nowait()
        except queue.Empty:
            return

        try:
            status, answer = _send(port, body)
        except (OSError, http.client.HTTPException):
            # The worker died under this request: no 201 was seen.
            with load.lock:
                load.broken += 1
            continue

        with load.lock:
            if status == 201:
                load.accepted.append(answer)
            else:
                load.refused.append(status)


def _send(port: int, body: bytes) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/xml"}
        connection.request("POST", "/api/v1/submissions", body, headers)
        answer = connection.getresponse()
        data = answer.read()
        return answer.status, json.loads(data) if answer.status == 201 else {}
    finally:
        connection.close()


def _post(server: Server, body: bytes) -> dict[str, str]:
    status, answer = _send(int(server.base.rsplit(":", 1)[1]), body)
    assert status == 201, "the restarted server refused a submission"
    return answer


def _check_receipts_served(server: Server, accepted: list[dict[str, str]]) -> None:
    port = int(server.base.rsplit(":", 1)[1])
    for answer in accepted:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", answer["receipt_url"])
        response = connection.getresponse()
        assert response.status == 200, answer["registry_number"]
        assert b"Signature" in response.read()
        connection.close()


def _check_registry(settings: Settings, accepted: list[dict[str, str]]) -> None:
    engine = make_engine(settings.database_url)
    blobs = _blob_store(settings, engine)

    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Document.registry_number, Document.sha256, Receipt.id)
                .join(Receipt, Receipt.document_id == Document.id, isouter=True)
                .order_by(Document.sequence)
            ).all()
            sequences = connection.scalars(
                select(Document.sequence).order_by(Document.sequence)
            ).all()

        stored = {number: (sha256, receipt) for number, sha256, receipt in rows}
        assert sequences == list(range(1, len(sequences) + 1)), "gaps or duplicates"
        assert all(receipt is not None for _, receipt in stored.values()), "receipt"

        for answer in accepted:
            number, sha256 = answer["registry_number"], answer["sha256"]
            assert number in stored, f"{number} was acknowledged, is not registered"
            assert stored[number][0] == sha256, f"{number}: other bytes registered"
            assert _hash_blob(blobs, sha256) == sha256, f"{number}: original differs"
    finally:
        engine.dispose()


def _blob_store(settings: Settings, engine: object) -> BlobStore:
    if settings.blob_backend == "postgres":
        return PostgresBlobStore(engine)  # type: ignore[arg-type]

    return FileBlobStore(settings.blob_dir)


def _hash_blob(blobs: BlobStore, sha256: str) -> str:
    digest = hashlib.sha256()
    with blobs.open(sha256) as blob:
        while chunk := blob.read(1 << 20):
            digest.update(chunk)

    return digest.hexdigest()


def _check_verify_is_clean(instance: Path, env: Mapping[str, str]) -> None:
    environ = {**os.environ, **env, "KANCELARIA_INSTANCE": str(instance)}
    done = subprocess.run(
        [str(FLASK), "--app", "wsgi", "registry", "verify"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
