"""Receipt journal positions, the proof endpoint, checkpoints and gc, end to end.

Runs on SQLite and on PostgreSQL: one application per backend and module.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import update

from app import create_app
from app.receipts import check_receipt
from app.registry.checkpoints import latest_checkpoint, maybe_checkpoint
from app.registry.journal import entry_hash
from app.registry.models import Document, JournalEntry
from app.services import Services
from signing.merkle import journal_entry_hash, leaf_hash, root_from_inclusion
from signing.result import Indication
from signing.seal import XadesSigner
from signing.validate import validate_xml
from tests.app.conftest import make_settings, sample
from tests.conftest_db import (
    _temporary_database,
    postgres_admin_url,
)

__all__ = ["postgres_admin_url"]

RECEIPT_NS = {"r": "urn:kancelaria:receipt:1"}
CHECKPOINT_NS = {"c": "urn:kancelaria:checkpoint:1"}


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    if request.param == "sqlite":
        yield _app(make_settings(instance))
        return

    admin = request.getfixturevalue("postgres_admin_url")
    with _temporary_database(admin) as url:
        yield _app(make_settings(instance, database_url=url))


def _app(settings: Any) -> Flask:
    application = create_app(settings)
    application.config["WTF_CSRF_ENABLED"] = False
    return application


@pytest.fixture(autouse=True, scope="module")
def _dispose(app: Flask) -> Iterator[None]:
    yield
    app.extensions["kancelaria"].engine.dispose()


@pytest.fixture(scope="module")
def services(app: Flask) -> Services:
    found: Services = app.extensions["kancelaria"]
    return found


@pytest.fixture(scope="module")
def citizen(services: Services) -> XadesSigner:
    assert services.demo is not None
    return XadesSigner.from_issued(services.demo.citizen)


@pytest.fixture(scope="module")
def submitted(app: Flask, citizen: XadesSigner) -> list[dict[str, Any]]:
    """Twelve registered submissions, as the API answered them."""
    client = app.test_client()
    answers = []
    for number in range(12):
        form = "pismo-ogolne" if number % 2 else "zameldowanie"
        answers.append(_submit(client, citizen, form))

    return answers


def _submit(client: FlaskClient, citizen: XadesSigner, form: str) -> dict[str, Any]:
    answer = client.post(
        "/api/v1/submissions",
        data=citizen.sign_enveloped(sample(form)),
        headers={"Content-Type": "application/xml"},
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def _proof_url(body: dict[str, Any], code: str | None = None) -> str:
    _, sequence, year = body["registry_number"].split("/")
    given = body["access_code"] if code is None else code
    return f"/api/v1/receipts/{year}/{sequence}/proof?code={given}"


def _receipt(client: FlaskClient, body: dict[str, Any]) -> bytes:
    return client.get(body["receipt_url"]).get_data()


def test_every_proof_verifies_offline_against_the_sealed_checkpoint(
    client: FlaskClient, services: Services, submitted: list[dict[str, Any]]
) -> None:
    for body in submitted:
        answer = client.get(_proof_url(body))
        assert answer.status_code == 200
        proof = answer.get_json()
        _verify_offline(proof, _receipt(client, body), services)


def _verify_offline(proof: dict[str, Any], receipt: bytes, services: Services) -> None:
    entry = proof["journal_entry"]
    recomputed = journal_entry_hash(
        entry["position"],
        entry["at"],
        entry["event"],
        entry["document_id"],
        entry["payload"],
        entry["prev_hash"],
    )
    assert recomputed == entry["entry_hash"]

    leaf = leaf_hash(bytes.fromhex(recomputed))
    path = [bytes.fromhex(node) for node in proof["audit_path"]]
    root = root_from_inclusion(leaf, proof["leaf_index"], proof["tree_size"], path)
    assert root.hex() == proof["root_hash"]

    sealed = validate_xml(proof["checkpoint"].encode(), services.receipt_policy)
    assert sealed.indication is Indication.TOTAL_PASSED
    assert sealed.primary.signer is not None
    assert sealed.primary.signer.certificate_sha256 == services.seal_fingerprint
    checkpoint = etree.fromstring(proof["checkpoint"].encode())
    assert checkpoint.findtext("c:RootHash", namespaces=CHECKPOINT_NS) == root.hex()
    assert checkpoint.findtext("c:TreeSize", namespaces=CHECKPOINT_NS) == str(
        proof["tree_size"]
    )

    signed = etree.fromstring(receipt)
    position = signed.findtext("r:JournalPosition", namespaces=RECEIPT_NS)
    assert position == str(entry["position"]) == str(proof["leaf_index"] + 1)
    assert entry["event"] == "registered"
    assert entry["payload"]["registry_number"] == proof["registry_number"]
    assert entry["payload"]["sha256"] == signed.findtext(
        "r:Document/r:SHA256", namespaces=RECEIPT_NS
    )


def test_proof_with_a_wrong_or_missing_code_is_not_found(
    client: FlaskClient, submitted: list[dict[str, Any]]
) -> None:
    body = submitted[0]
    other = submitted[1]["access_code"]

    for url in (
        _proof_url(body, other),
        _proof_url(body, ""),
        "/api/v1/receipts/1999/1/proof?code=" + body["access_code"],
    ):
        answer = client.get(url)
        assert answer.status_code == 404
        assert answer.get_json()["errors"][0]["error"] == "not-found"


def test_proof_makes_a_checkpoint_when_the_latest_does_not_cover_the_entry(
    client: FlaskClient, services: Services, citizen: XadesSigner
) -> None:
    client.get(_proof_url(_submit(client, citizen, "zameldowanie")))
    body = _submit(client, citizen, "pismo-ogolne")

    proof = client.get(_proof_url(body)).get_json()

    with services.sessions() as session:
        latest = latest_checkpoint(session)
    assert latest is not None
    assert proof["tree_size"] == latest.tree_size
    assert proof["leaf_index"] < latest.tree_size


def test_receipt_check_compares_the_journal_position_with_the_registry(
    client: FlaskClient, services: Services, submitted: list[dict[str, Any]]
) -> None:
    body = submitted[2]
    receipt = _receipt(client, body)
    assert check_receipt(services, receipt).matches_registry

    with services.sessions() as session:
        session.execute(
            update(Document)
            .where(Document.registry_number == body["registry_number"])
            .values(journal_position=Document.journal_position + 1)
        )
        session.commit()

    try:
        verdict = check_receipt(services, receipt)
    finally:
        with services.sessions() as session:
            session.execute(
                update(Document)
                .where(Document.registry_number == body["registry_number"])
                .values(journal_position=Document.journal_position - 1)
            )
            session.commit()

    assert not verdict.matches_registry
    assert "differs:JournalPosition" in verdict.problems


def test_maybe_checkpoint_waits_for_the_interval_and_for_growth(
    client: FlaskClient, services: Services, citizen: XadesSigner
) -> None:
    _submit(client, citizen, "zameldowanie")
    eager = replace(
        services, settings=replace(services.settings, checkpoint_interval=0)
    )
    lazy = replace(
        services, settings=replace(services.settings, checkpoint_interval=3600)
    )

    made = maybe_checkpoint(eager)
    again = maybe_checkpoint(eager)

    assert made is not None
    assert again is None  # the journal did not grow
    assert maybe_checkpoint(lazy) is None


def test_cli_checkpoint_then_verify_with_progress_is_clean(app: Flask) -> None:
    runner = app.test_cli_runner()

    made = runner.invoke(args=["registry", "checkpoint"])
    verified = runner.invoke(args=["registry", "verify", "--progress"])

    assert made.exit_code == 0, made.output
    assert "Checkpoint sealed" in made.output
    assert verified.exit_code == 0, verified.output
    assert "checkpoints verified" in verified.output
    assert "journal chain:" in verified.stderr


def test_cli_gc_removes_only_an_old_orphan(app: Flask, services: Services) -> None:
    runner = app.test_cli_runner()
    old = services.blobs.put(b"<porzucony-przez-awarie/>")
    fresh = services.blobs.put(b"<w-trakcie-rejestracji/>")
    path = services.settings.blob_dir / old[:2] / old[2:4] / old
    moment = time.time() - 7200
    os.utime(path, (moment, moment))

    dry = runner.invoke(args=["registry", "gc", "--dry-run"])
    real = runner.invoke(args=["registry", "gc"])

    assert dry.exit_code == 0, dry.output
    assert f"would remove {old}" in dry.output
    assert real.exit_code == 0, real.output
    assert f"removed {old}" in real.output
    assert fresh not in real.output
    assert not services.blobs.exists(old)
    assert services.blobs.exists(fresh)


def test_cli_verify_reports_a_journal_row_changed_after_a_checkpoint(
    app: Flask, services: Services, submitted: list[dict[str, Any]]
) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["registry", "checkpoint"])

    with services.sessions() as session:
        entry = session.get(JournalEntry, 1)
        assert entry is not None
        original, original_hash = entry.payload_json, entry.entry_hash
        entry.payload_json = original.replace("api", "desk")
        entry.entry_hash = entry_hash(entry)  # a forger re-hashes the row
        session.commit()

    try:
        result = runner.invoke(args=["registry", "verify"])
    finally:
        with services.sessions() as session:
            session.execute(
                update(JournalEntry)
                .where(JournalEntry.position == 1)
                .values(payload_json=original, entry_hash=original_hash)
            )
            session.commit()

    assert result.exit_code != 0
    assert "entry 2: does not follow the previous entry" in result.output
    assert "no longer give the sealed root" in result.output


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
