"""Database down: 503 with Retry-After, nothing half-written, back without a restart."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

import app.db
from app import create_app
from app.db import make_engine
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample
from tests.app.tcpproxy import TcpProxy, proxy_to
from tests.conftest_db import new_postgres_database, postgres_admin_url

__all__ = ["new_postgres_database", "postgres_admin_url"]

XML = {"Content-Type": "application/xml"}
COUNTS = {
    "document": "SELECT count(*) FROM document",
    "receipt": "SELECT count(*) FROM receipt",
    "journal": "SELECT count(*) FROM journal_entry",
    "counter": "SELECT coalesce(max(last_sequence), 0) FROM registry_counter",
}


@pytest.fixture
def proxy(new_postgres_database: str) -> Iterator[TcpProxy]:
    url = make_url(new_postgres_database)
    with proxy_to(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture
def postgres_app(
    new_postgres_database: str, proxy: TcpProxy, tmp_path: Path
) -> Iterator[Flask]:
    proxied = make_url(new_postgres_database).set(host="127.0.0.1", port=proxy.port)
    settings = make_settings(
        tmp_path / "instance",
        database_url=proxied.render_as_string(hide_password=False),
        blob_backend="postgres",
    )
    application = create_app(settings)
    yield application
    application.extensions["kancelaria"].engine.dispose()


@pytest.mark.postgres
def test_submission_while_postgres_is_cut_answers_503_and_writes_nothing(
    postgres_app: Flask, proxy: TcpProxy, new_postgres_database: str
) -> None:
    client = postgres_app.test_client()
    signer = _citizen(postgres_app)
    assert _post(client, signer).status_code == 201
    before = _counts(new_postgres_database)

    proxy.stop()
    answer = _post(client, signer)

    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    assert answer.get_json()["errors"][0]["error"] == "unavailable"
    assert _counts(new_postgres_database) == before


@pytest.mark.postgres
def test_connection_lost_inside_the_registering_transaction_rolls_it_back(
    postgres_app: Flask, proxy: TcpProxy, new_postgres_database: str
) -> None:
    client = postgres_app.test_client()
    signer = _citizen(postgres_app)
    assert _post(client, signer).status_code == 201
    before = _counts(new_postgres_database)

    # Hold the counter so the submission waits inside its transaction, then cut.
    holder = psycopg.connect(_libpq(new_postgres_database))
    try:
        holder.execute("LOCK TABLE registry_counter IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(_post, client, signer)
            _wait_for_lock_waiter(holder)
            proxy.stop()
            answer = pending.result(timeout=30)
    finally:
        holder.rollback()
        holder.close()

    assert answer.status_code == 503
    assert answer.get_json()["errors"][0]["error"] == "unavailable"
    assert _counts(new_postgres_database) == before


@pytest.mark.postgres
def test_pages_that_read_the_registry_answer_503_while_postgres_is_cut(
    postgres_app: Flask, proxy: TcpProxy
) -> None:
    client = postgres_app.test_client()
    first = _post(client, _citizen(postgres_app)).get_json()
    year, sequence = _year_and_sequence(first["registry_number"])
    page = f"/submissions/{year}/{sequence}?code={first['access_code']}"

    proxy.stop()
    receipt = client.get(first["receipt_url"])
    submission = client.get(page)

    assert receipt.status_code == 503
    assert receipt.get_json()["errors"][0]["error"] == "unavailable"
    assert submission.status_code == 503
    assert "Retry-After" in submission.headers
    assert submission.mimetype == "text/html"


@pytest.mark.postgres
def test_submissions_work_again_when_postgres_comes_back_without_a_restart(
    postgres_app: Flask, proxy: TcpProxy, new_postgres_database: str
) -> None:
    client = postgres_app.test_client()
    signer = _citizen(postgres_app)
    first = _post(client, signer).get_json()["registry_number"]

    proxy.stop()
    assert _post(client, signer).status_code == 503
    assert _post(client, signer).status_code == 503
    proxy.start()
    answer = _post(client, signer)

    assert answer.status_code == 201
    # The refused submissions took no number: the series has no gap.
    assert _sequence(answer.get_json()["registry_number"]) == _sequence(first) + 1
    assert _counts(new_postgres_database)["document"] == 2
    assert client.get(answer.get_json()["receipt_url"]).status_code == 200


@pytest.mark.postgres
def test_submission_right_after_the_server_ended_every_connection_is_registered(
    new_postgres_database: str, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "instance",
        database_url=new_postgres_database,
        blob_backend="postgres",
    )
    application = create_app(settings)
    client = application.test_client()
    signer = _citizen(application)
    try:
        assert _post(client, signer).status_code == 201
        assert _terminate_other_backends(new_postgres_database) > 0
        answer = _post(client, signer)
    finally:
        application.extensions["kancelaria"].engine.dispose()

    assert answer.status_code == 201
    assert _counts(new_postgres_database)["document"] == 2


def test_sqlite_locked_beyond_the_busy_timeout_answers_503_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    application = create_app(make_settings(tmp_path / "instance"))
    client = application.test_client()
    signer = _citizen(application)
    database = tmp_path / "instance" / "kancelaria.db"
    url = f"sqlite:///{database}"
    before = _counts(url)

    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        answer = _post(client, signer)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    assert answer.get_json()["errors"][0]["error"] == "unavailable"
    assert _counts(url) == before
    assert _post(client, signer).status_code == 201
    application.extensions["kancelaria"].engine.dispose()


def _citizen(application: Flask) -> XadesSigner:
    demo = application.extensions["kancelaria"].demo
    return XadesSigner.from_issued(demo.citizen)


def _post(client: FlaskClient, signer: XadesSigner):  # type: ignore[no-untyped-def]
    body = signer.sign_enveloped(sample("pismo-ogolne"))
    return client.post("/api/v1/submissions", data=body, headers=XML)


def _terminate_other_backends(url: str) -> int:
    """End the application's pooled connections server-side; return how many."""
    query = (
        "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        row = connection.execute(query).fetchone()

    return int(row[0]) if row else 0


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(False)


def _wait_for_lock_waiter(holder: psycopg.Connection) -> None:
    query = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        row = holder.execute(query).fetchone()
        if row is not None and row[0] > 0:
            return
        time.sleep(0.05)

    raise AssertionError("the submission never waited for the registry counter")


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(text(query)).scalar_one()
                for name, query in COUNTS.items()
            }
    finally:
        engine.dispose()


def _year_and_sequence(number: str) -> tuple[int, int]:
    _, sequence, year = number.split("/")
    return int(year), int(sequence)


def _sequence(number: str) -> int:
    return _year_and_sequence(number)[1]
