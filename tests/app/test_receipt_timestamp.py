"""Receipts become XAdES-T right after registration; a failing TSA is retried."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

from app import create_app
from app.config import Settings
from app.receipts.timestamp import (
    EVENT_RECEIPT_TIMESTAMPED,
    make_timestamper,
    pending_receipts,
)
from app.registry.models import JournalEntry, Receipt
from app.registry.queries import get_receipt_by_number
from app.services import Services
from signing.pki import make_root, make_tsa
from signing.seal import XadesSigner
from signing.sigtimestamp import check_signature_timestamp, signature_timestamps
from signing.trust import TrustStore
from signing.tsp import LocalTimestamper
from tests.app.conftest import make_settings, sample
from tests.conftest_db import _temporary_database, postgres_admin_url
from tests.signing.tsaserver import TsaServer, serve_tsa

__all__ = ["postgres_admin_url"]

XML = {"Content-Type": "application/xml"}
DS = "{http://www.w3.org/2000/09/xmldsig#}"


def _submit(client: FlaskClient, services: Services) -> dict[str, object]:
    assert services.demo is not None
    citizen = XadesSigner.from_issued(services.demo.citizen)
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    answer = client.post("/api/v1/submissions", data=signed, headers=XML)
    assert answer.status_code == 201, answer.get_json()
    body: dict[str, object] = answer.get_json()
    return body


def _receipt(services: Services, number: object) -> Receipt:
    with services.sessions() as session:
        found = get_receipt_by_number(session, str(number))
        assert found is not None
        return found


def _stamps_of(xml: bytes) -> list[object]:
    signature = etree.fromstring(xml).find(f"{DS}Signature")
    assert signature is not None
    return list(signature_timestamps(signature))


def _events(services: Services, document_id: int) -> list[str]:
    with services.sessions() as session:
        return list(
            session.scalars(
                select(JournalEntry.event)
                .where(JournalEntry.document_id == document_id)
                .order_by(JournalEntry.position)
            )
        )


def _entry(services: Services, document_id: int, event: str) -> JournalEntry:
    with services.sessions() as session:
        return session.scalars(
            select(JournalEntry).where(
                JournalEntry.document_id == document_id, JournalEntry.event == event
            )
        ).one()


def _stamp_entries(services: Services, document_id: int) -> list[JournalEntry]:
    with services.sessions() as session:
        return list(
            session.scalars(
                select(JournalEntry).where(
                    JournalEntry.document_id == document_id,
                    JournalEntry.event == EVENT_RECEIPT_TIMESTAMPED,
                )
            )
        )


# --- the embedded local TSA (demo default) --------------------------------


def test_submission_gets_a_timestamped_receipt_from_the_local_tsa(
    client: FlaskClient, services: Services
) -> None:
    body = _submit(client, services)
    assert body["receipt_timestamped"] is True

    receipt = _receipt(services, body["registry_number"])
    assert receipt.sha256 == hashlib.sha256(receipt.xml).hexdigest()
    assert len(_stamps_of(receipt.xml)) == 1

    served = client.get(str(body["receipt_url"]))
    assert served.data == receipt.xml

    assert services.demo is not None
    signature = etree.fromstring(receipt.xml).find(f"{DS}Signature")
    assert signature is not None
    trust = TrustStore.from_certificates(services.demo.anchors)
    stamp = check_signature_timestamp(signature, trust)
    assert stamp is not None and stamp.passed, stamp


def test_local_tsa_stamps_at_issue_with_no_receipt_timestamped_entry(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    body = _submit(client, services)
    receipt = _receipt(services, body["registry_number"])

    assert _events(services, receipt.document_id) == [
        "registered",
        "receipt-issued",
    ]
    issued = _entry(services, receipt.document_id, "receipt-issued")
    assert json.loads(issued.payload_json) == {
        "registry_number": body["registry_number"],
        "receipt_sha256": receipt.sha256,
    }
    assert len(_stamps_of(receipt.xml)) == 1
    assert receipt.id not in pending_receipts(services)

    verified = app.test_cli_runner().invoke(args=["registry", "verify"])
    assert verified.exit_code == 0, verified.output


def test_stamp_pending_leaves_receipts_stamped_at_issue_alone(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    body = _submit(client, services)
    before = _receipt(services, body["registry_number"])

    done = app.test_cli_runner().invoke(args=["registry", "stamp-pending"])

    assert done.exit_code == 0, done.output
    assert "(0 failed)" in done.output
    assert before.id not in pending_receipts(services)
    after = _receipt(services, body["registry_number"])
    assert after.xml == before.xml
    assert len(_stamps_of(after.xml)) == 1


def test_failing_local_tsa_falls_back_to_bes_then_stamp_pending_fixes_it(
    app: Flask, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    assert services.demo is not None
    broken = LocalTimestamper.from_issued(services.demo.tsa)
    broken._clock = _clock_that_fails  # the TSA's own fault, not the pipeline's
    app.extensions["kancelaria"] = replace(services, timestamper=broken)
    try:
        with caplog.at_level(logging.WARNING, logger="app.receipts.timestamp"):
            body = _submit(app.test_client(), services)
    finally:
        app.extensions["kancelaria"] = services

    assert body["receipt_timestamped"] is False
    assert "receipt not time-stamped at issue" in caplog.text
    before = _receipt(services, body["registry_number"])
    assert _stamps_of(before.xml) == []
    assert before.id in pending_receipts(services)

    done = app.test_cli_runner().invoke(args=["registry", "stamp-pending"])

    assert done.exit_code == 0, done.output
    after = _receipt(services, body["registry_number"])
    assert len(_stamps_of(after.xml)) == 1
    assert _events(services, after.document_id) == [
        "registered",
        "receipt-issued",
        EVENT_RECEIPT_TIMESTAMPED,
    ]
    assert after.id not in pending_receipts(services)


def _clock_that_fails() -> datetime:
    raise OSError("clock unavailable")


def test_timestamped_receipt_still_checks_as_genuine(
    client: FlaskClient, services: Services
) -> None:
    body = _submit(client, services)
    receipt = client.get(str(body["receipt_url"])).data

    answer = client.post("/api/v1/receipts/check", data=receipt, headers=XML)
    verdict = answer.get_json()
    assert verdict["genuine"] is True, verdict
    assert verdict["matches_registry"] is True, verdict


# --- an HTTP TSA on loopback, up and down ---------------------------------


@pytest.fixture(scope="module")
def outside_tsa() -> Iterator[TsaServer]:
    root = make_root("Outside TSA Root")
    with serve_tsa(LocalTimestamper.from_issued(make_tsa(root))) as server:
        yield server


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def url_app(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    outside_tsa: TsaServer,
) -> Iterator[Flask]:
    """An instance whose receipts an HTTP TSA stamps, on each database."""
    instance = tmp_path_factory.mktemp("instance-tsa-url")
    settings = make_settings(instance, tsa_url=outside_tsa.url)
    if request.param == "sqlite":
        yield from _running(settings)
        return

    admin = request.getfixturevalue("postgres_admin_url")
    with _temporary_database(admin) as url:
        yield from _running(replace(settings, database_url=url))


def _running(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    yield application
    application.extensions["kancelaria"].engine.dispose()


def test_configured_tsa_url_is_asked_over_http(
    url_app: Flask, outside_tsa: TsaServer
) -> None:
    services: Services = url_app.extensions["kancelaria"]
    asked = len(outside_tsa.requests)

    body = _submit(url_app.test_client(), services)

    assert body["receipt_timestamped"] is True
    assert len(outside_tsa.requests) == asked + 1
    receipt = _receipt(services, body["registry_number"])
    assert len(_stamps_of(receipt.xml)) == 1


def test_http_tsa_stamps_after_commit_with_a_receipt_timestamped_entry(
    url_app: Flask,
) -> None:
    services: Services = url_app.extensions["kancelaria"]

    body = _submit(url_app.test_client(), services)

    receipt = _receipt(services, body["registry_number"])
    assert _events(services, receipt.document_id) == [
        "registered",
        "receipt-issued",
        EVENT_RECEIPT_TIMESTAMPED,
    ]
    issued = _entry(services, receipt.document_id, "receipt-issued")
    assert json.loads(issued.payload_json)["receipt_sha256"] != receipt.sha256
    stamped = _entry(services, receipt.document_id, EVENT_RECEIPT_TIMESTAMPED)
    assert json.loads(stamped.payload_json) == {
        "registry_number": body["registry_number"],
        "receipt_sha256": receipt.sha256,
    }
    assert receipt.id not in pending_receipts(services)

    verified = url_app.test_cli_runner().invoke(args=["registry", "verify"])
    assert verified.exit_code == 0, verified.output


def test_receipt_stamped_at_issue_is_not_pending_on_this_database(
    url_app: Flask,
) -> None:
    services: Services = url_app.extensions["kancelaria"]
    local = LocalTimestamper.from_issued(make_tsa(make_root("Local TSA Root")))
    url_app.extensions["kancelaria"] = replace(services, timestamper=local)
    try:
        body = _submit(url_app.test_client(), services)
    finally:
        url_app.extensions["kancelaria"] = services

    receipt = _receipt(services, body["registry_number"])
    assert len(_stamps_of(receipt.xml)) == 1
    assert _stamp_entries(services, receipt.document_id) == []
    assert receipt.id not in pending_receipts(services)


def test_tsa_down_submission_succeeds_with_bes_receipt_then_stamp_pending_fixes_it(
    url_app: Flask, outside_tsa: TsaServer, caplog: pytest.LogCaptureFixture
) -> None:
    services: Services = url_app.extensions["kancelaria"]
    outside_tsa.down = True
    try:
        with caplog.at_level(logging.WARNING, logger="app.receipts.timestamp"):
            body = _submit(url_app.test_client(), services)
    finally:
        outside_tsa.down = False

    assert body["receipt_timestamped"] is False
    assert "receipt stays XAdES-BES" in caplog.text
    before = _receipt(services, body["registry_number"])
    assert _stamps_of(before.xml) == []
    assert before.id in pending_receipts(services)

    done = url_app.test_cli_runner().invoke(args=["registry", "stamp-pending"])

    assert done.exit_code == 0, done.output
    assert "Receipts time-stamped: 1 of 1 pending" in done.output
    after = _receipt(services, body["registry_number"])
    assert len(_stamps_of(after.xml)) == 1
    assert after.sha256 == hashlib.sha256(after.xml).hexdigest() != before.sha256
    assert len(_stamp_entries(services, after.document_id)) == 1
    assert pending_receipts(services) == []


def test_stamp_pending_with_tsa_still_down_reports_failure_and_keeps_bes(
    url_app: Flask, outside_tsa: TsaServer
) -> None:
    services: Services = url_app.extensions["kancelaria"]
    outside_tsa.down = True
    try:
        body = _submit(url_app.test_client(), services)
        done = url_app.test_cli_runner().invoke(args=["registry", "stamp-pending"])
    finally:
        outside_tsa.down = False

    assert done.exit_code != 0
    assert "1 receipt(s) not time-stamped" in done.output
    receipt = _receipt(services, body["registry_number"])
    assert _stamps_of(receipt.xml) == []

    again = url_app.test_cli_runner().invoke(args=["registry", "stamp-pending"])
    assert again.exit_code == 0, again.output
    assert len(_stamps_of(_receipt(services, body["registry_number"]).xml)) == 1


# --- no TSA at all --------------------------------------------------------


def test_demo_off_without_tsa_url_warns_and_keeps_receipts_bes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, demo=False)
    with caplog.at_level(logging.WARNING, logger="app.receipts.timestamp"):
        assert make_timestamper(settings, None) is None

    assert "receipts stay XAdES-BES" in caplog.text


def test_init_says_which_tsa_stamps_receipts(app: Flask, url_app: Flask) -> None:
    local = app.test_cli_runner().invoke(args=["kancelaria", "init"])
    assert "Time-stamps:     local demo TSA" in local.output

    remote = url_app.test_cli_runner().invoke(args=["kancelaria", "init"])
    assert "Time-stamps:     RFC 3161 TSA at http://127.0.0.1:" in remote.output
