"""`flask kancelaria …` and `flask registry verify` on a real instance."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from app.services import Services
from tests.app.conftest import FORMS


def test_init_says_where_everything_is(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["kancelaria", "init"])

    assert result.exit_code == 0, result.output
    assert "Instance folder:" in result.output
    assert "Demo PKI:" in result.output
    assert "sign-demo" in result.output
    assert ".eml files in" in result.output


def test_sign_demo_output_is_accepted_by_the_api(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "signed.xml"
    source = FORMS / "zameldowanie" / "1" / "sample.xml"

    result = app.test_cli_runner().invoke(
        args=["kancelaria", "sign-demo", str(source), "-o", str(target)]
    )
    answer = app.test_client().post(
        "/api/v1/submissions",
        data=target.read_bytes(),
        headers={"Content-Type": "application/xml"},
    )

    assert result.exit_code == 0, result.output
    assert answer.status_code == 201
    assert answer.get_json()["indication"] == "TOTAL_PASSED"


def test_registry_verify_is_clean_then_finds_a_changed_original(
    app: Flask, services: Services, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    source = FORMS / "pismo-ogolne" / "1" / "sample.xml"
    signed = tmp_path / "signed.xml"
    runner.invoke(args=["kancelaria", "sign-demo", str(source), "-o", str(signed)])
    body = (
        app.test_client()
        .post(
            "/api/v1/submissions",
            data=signed.read_bytes(),
            headers={"Content-Type": "application/xml"},
        )
        .get_json()
    )

    clean = runner.invoke(args=["registry", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "Registry intact" in clean.output
    # The summary names what was compared, and nothing it did not compare.
    assert "document rows, case rows, case events, case messages, receipts" in (
        clean.output
    )

    digest = body["sha256"]
    blob = services.settings.blob_dir / digest[:2] / digest[2:4] / digest
    os.chmod(blob, 0o600)
    blob.write_bytes(signed.read_bytes().replace(b"Testowo", b"Zmienione", 1))

    broken = runner.invoke(args=["registry", "verify"])
    assert broken.exit_code != 0
    assert "PROBLEM" in broken.output


def test_registry_verify_finds_a_row_edited_in_the_database_review_r1(
    app: Flask, services: Services, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    source = FORMS / "pismo-ogolne" / "1" / "sample.xml"
    signed = tmp_path / "signed.xml"
    runner.invoke(args=["kancelaria", "sign-demo", str(source), "-o", str(signed)])
    body = (
        app.test_client()
        .post(
            "/api/v1/submissions",
            data=signed.read_bytes(),
            headers={"Content-Type": "application/xml"},
        )
        .get_json()
    )
    number = body["registry_number"]
    # The module's app is shared: an earlier test may have broken a blob.
    assert (
        "differs from journal" not in runner.invoke(args=["registry", "verify"]).output
    )

    with services.sessions() as session:
        session.execute(
            text(
                "UPDATE document SET indication = 'TOTAL_FAILED', received_at = :at "
                "WHERE registry_number = :number"
            ),
            {"at": "2026-01-02 03:04:05.000000", "number": number},
        )
        session.commit()

    broken = runner.invoke(args=["registry", "verify"])
    assert broken.exit_code != 0
    assert f"document {number}: indication differs from journal entry" in broken.output
    assert f"document {number}: received_at differs from journal entry" in broken.output


def test_registry_verify_finds_a_receipt_edited_in_the_database_review_s2(
    app: Flask, services: Services, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    source = FORMS / "pismo-ogolne" / "1" / "sample.xml"
    signed = tmp_path / "signed.xml"
    runner.invoke(args=["kancelaria", "sign-demo", str(source), "-o", str(signed)])
    number = (
        app.test_client()
        .post(
            "/api/v1/submissions",
            data=signed.read_bytes(),
            headers={"Content-Type": "application/xml"},
        )
        .get_json()["registry_number"]
    )
    assert "receipt of" not in runner.invoke(args=["registry", "verify"]).output

    with services.sessions() as session:
        session.execute(
            text(
                "UPDATE receipt SET sha256 = '00' WHERE document_id = "
                "(SELECT id FROM document WHERE registry_number = :number)"
            ),
            {"number": number},
        )
        session.commit()

    broken = runner.invoke(args=["registry", "verify"])
    assert broken.exit_code != 0
    assert f"receipt of document {number}: sha256 differs" in broken.output
