"""A registry counter set behind the last document (review 2, finding 3).

The next registration then takes a number already used and the database
refuses it (a unique constraint). The intake answers that with a JSON 503
and a stable code, writes nothing, and logs it loudly; once the counter is
put right (``flask registry verify`` names it), submissions work again.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app import create_app
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample
from tests.conftest_db import new_postgres_database, postgres_admin_url

__all__ = ["new_postgres_database", "postgres_admin_url"]

XML = {"Content-Type": "application/xml"}
COUNTS = (
    "SELECT count(*) FROM document",
    "SELECT count(*) FROM receipt",
    "SELECT count(*) FROM journal_entry",
    "SELECT count(*) FROM outbox",
    "SELECT max(last_sequence) FROM registry_counter",
)


def test_sqlite_counter_behind_answers_503_json_and_writes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    instance = tmp_path / "instance"
    application = create_app(make_settings(instance))
    _check(application, f"sqlite:///{instance / 'kancelaria.db'}", caplog)


@pytest.mark.postgres
def test_postgres_counter_behind_answers_503_json_and_writes_nothing(
    tmp_path: Path, new_postgres_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path / "instance", database_url=new_postgres_database)
    _check(create_app(settings), new_postgres_database, caplog)


def _check(application: Flask, url: str, caplog: pytest.LogCaptureFixture) -> None:
    client = application.test_client()
    signer = XadesSigner.from_issued(application.extensions["kancelaria"].demo.citizen)
    try:
        assert _post(client, signer).status_code == 201
        assert _post(client, signer).status_code == 201
        _execute(url, "UPDATE registry_counter SET last_sequence = 1")
        before = _counts(url)

        with caplog.at_level(logging.ERROR):
            answer = _post(client, signer)

        assert answer.status_code == 503
        assert answer.is_json
        assert answer.get_json()["errors"][0]["error"] == "registry-conflict"
        assert _counts(url) == before
        assert any(
            r.levelno >= logging.CRITICAL and "registry number" in r.getMessage()
            for r in caplog.records
        )

        _execute(url, "UPDATE registry_counter SET last_sequence = 2")
        assert _post(client, signer).status_code == 201
    finally:
        application.extensions["kancelaria"].engine.dispose()


def _post(client: FlaskClient, signer: XadesSigner):  # type: ignore[no-untyped-def]
    body = signer.sign_enveloped(sample("pismo-ogolne"))
    return client.post("/api/v1/submissions", data=body, headers=XML)


def _execute(url: str, statement: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _counts(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = [connection.scalar(text(query)) for query in COUNTS]
    engine.dispose()
    return found
