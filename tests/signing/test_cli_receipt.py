"""``python -m signing verify-receipt`` on real receipts and proofs of the app."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from lxml import etree

from app import create_app
from app.registry.models import Document
from app.services import Services
from signing import pki
from signing.__main__ import main
from signing.receipt import verify_receipt
from signing.seal import XadesSigner
from signing.trust import TrustStore
from signing.tsp import LocalTimestamper
from tests.app.conftest import make_settings, sample
from tests.receipt_doctoring import split_indication, wrap_fake_receipt

ROOT = Path(__file__).resolve().parents[2]
XML = {"Content-Type": "application/xml"}
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
RECEIPT = "urn:kancelaria:receipt:1"


@dataclass(frozen=True)
class Issued:
    """A receipt with its document and proof, written as a citizen keeps them."""

    folder: Path
    receipt: Path
    document: Path
    proof: Path
    trust: Path
    root_only: Path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance-verify-receipt")
    application = create_app(make_settings(instance))
    yield application
    application.extensions["kancelaria"].engine.dispose()


@pytest.fixture(scope="module")
def services(app: Flask) -> Services:
    found: Services = app.extensions["kancelaria"]
    return found


@pytest.fixture(scope="module")
def issued(
    app: Flask, services: Services, tmp_path_factory: pytest.TempPathFactory
) -> Issued:
    assert services.demo is not None
    citizen = XadesSigner.from_issued(services.demo.citizen)
    client = app.test_client()
    signed = [citizen.sign_enveloped(sample("pismo-ogolne")) for _ in range(3)]
    bodies = [_submit(client, document) for document in signed]
    body = bodies[1]
    assert body["receipt_timestamped"] is True

    folder = tmp_path_factory.mktemp("citizen")
    receipt = client.get(body["receipt_url"]).data
    proof = client.get(_proof_url(body)).get_json()
    assert proof["tree_size"] > 1 and proof["audit_path"], proof

    trust, root_only = folder / "trust", folder / "root-only"
    trust.mkdir()
    root_only.mkdir()
    _write_pem(trust / "root.pem", services.demo.root)
    _write_pem(trust / "seal.pem", services.seal_certificate)
    _write_pem(root_only / "root.pem", services.demo.root)

    (folder / "receipt.xml").write_bytes(receipt)
    (folder / "document.xml").write_bytes(signed[1])
    (folder / "proof.json").write_text(json.dumps(proof))
    return Issued(
        folder,
        folder / "receipt.xml",
        folder / "document.xml",
        folder / "proof.json",
        trust,
        root_only,
    )


def _submit(client: Any, document: bytes) -> dict[str, Any]:
    answer = client.post("/api/v1/submissions", data=document, headers=XML)
    assert answer.status_code == 201, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


def _proof_url(body: dict[str, Any]) -> str:
    path, query = body["receipt_url"].split("?", 1)
    return f"{path}/proof?{query}"


def _write_pem(path: Path, certificate: Any) -> None:
    path.write_bytes(certificate.public_bytes(Encoding.PEM))


def verify(
    issued: Issued, capsys: pytest.CaptureFixture[str], *extra: str, **files: Path
) -> tuple[int, dict[str, Any]]:
    args = ["verify-receipt", str(files.get("receipt", issued.receipt))]
    args += ["--trust", str(files.get("trust", issued.trust)), "--json", *extra]
    for option in ("document", "proof"):
        if option in files:
            args += [f"--{option}", str(files[option])]

    code = main(args)
    out = capsys.readouterr().out
    return code, json.loads(out)


def _failed(verdict: dict[str, Any]) -> set[str]:
    return {c["name"] for c in verdict["checks"] if not c["passed"]}


# --- a genuine receipt passes ---------------------------------------------


def test_genuine_receipt_with_document_and_proof_passes(
    issued: Issued, capsys: pytest.CaptureFixture[str]
) -> None:
    code, verdict = verify(issued, capsys, document=issued.document, proof=issued.proof)
    assert code == 0, verdict
    assert verdict["passed"] is True
    names = [c["name"] for c in verdict["checks"]]
    assert names == [
        "receipt",
        "timestamp",
        "document",
        "proof-entry",
        "proof-entry-hash",
        "proof-path",
        "checkpoint",
    ]
    assert verdict["timestamp"]["passed"] is True
    assert verdict["registry_number"].startswith("RPW/")


def test_genuine_receipt_passes_as_a_process_with_plain_language_output(
    issued: Issued,
) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            *("-m", "signing", "verify-receipt", str(issued.receipt)),
            *("--trust", str(issued.trust), "--document", str(issued.document)),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=issued.folder,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "everything checked holds" in done.stdout
    assert "ok   time-stamp: Time-stamped at" in done.stdout
    assert done.stderr == ""


def test_root_only_trust_is_bad_usage_even_for_a_genuine_receipt(
    issued: Issued, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["verify-receipt", str(issued.receipt), "--trust", str(issued.root_only)]
    code = main(args)
    captured = capsys.readouterr()
    assert code == 3
    assert captured.out == ""
    assert "no seal certificate" in captured.err
    assert "trust.pem" in captured.err


def test_citizen_resealed_receipt_with_root_only_trust_is_refused_review1_f3(
    issued: Issued,
    services: Services,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A root cannot tell the office's seal from a citizen's certificate."""
    assert services.demo is not None
    forged = tmp_path / "receipt.xml"
    forged.write_bytes(_resealed(issued.receipt.read_bytes(), services.demo.citizen))
    args = ["verify-receipt", str(forged), "--trust", str(issued.root_only)]
    args += ["--document", str(issued.document)]

    code = main(args)
    captured = capsys.readouterr()
    assert code == 3
    assert "holds" not in captured.out
    assert "no seal certificate" in captured.err


def test_library_refuses_root_only_anchors_for_a_genuine_receipt(
    issued: Issued,
) -> None:
    """verify_receipt fails the seal check itself, not only the CLI."""
    trust = TrustStore.from_folder(issued.root_only)
    verdict = verify_receipt(issued.receipt.read_bytes(), trust)
    assert verdict.passed is False
    assert [c.name for c in verdict.checks] == ["receipt"]
    assert "no seal certificate" in verdict.checks[0].detail


# --- the receipt ------------------------------------------------------------


def test_receipt_with_altered_field_fails_its_seal(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tree = etree.fromstring(issued.receipt.read_bytes())
    size = tree.find(f"{{{RECEIPT}}}Document/{{{RECEIPT}}}Size")
    assert size is not None
    size.text = str(int(size.text or "0") + 1)
    altered = tmp_path / "receipt.xml"
    altered.write_bytes(etree.tostring(tree))

    code, verdict = verify(issued, capsys, receipt=altered)
    assert code == 1
    assert _failed(verdict) == {"receipt"}


def test_receipt_under_untrusted_root_fails(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    other_root = pki.make_root("Unrelated Root")
    other_seal = pki.make_seal(other_root, office_name="Urząd Inny", nip=pki.DEMO_NIP)
    _write_pem(other / "root.pem", other_root.certificate)
    _write_pem(other / "seal.pem", other_seal.certificate)

    code, verdict = verify(issued, capsys, trust=other)
    assert code == 1
    assert _failed(verdict) == {"receipt"}


def test_look_alike_receipt_sealed_by_a_citizen_of_the_same_ca_fails_the_pin(
    issued: Issued,
    services: Services,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    assert services.demo is not None
    forged = _resealed(issued.receipt.read_bytes(), services.demo.citizen)
    path = tmp_path / "receipt.xml"
    path.write_bytes(forged)

    code, verdict = verify(issued, capsys, receipt=path)
    assert code == 1
    assert "not sealed with a trusted seal" in verdict["checks"][0]["detail"]


def test_bes_receipt_without_timestamp_fails_the_timestamp_check(
    issued: Issued, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = issued.receipt.read_bytes()
    tree = etree.fromstring(xml)
    unsigned = tree.find(f".//{{{XADES}}}UnsignedProperties")
    assert unsigned is not None
    parent = unsigned.getparent()
    assert parent is not None
    parent.remove(unsigned)
    path = issued.folder / "bes.xml"
    path.write_bytes(etree.tostring(tree))

    code, verdict = verify(issued, capsys, receipt=path)
    assert code == 1
    assert _failed(verdict) == {"timestamp"}
    assert "no time-stamp" in verdict["checks"][1]["detail"]


def test_receipt_whose_token_covers_other_data_fails_the_timestamp_check(
    issued: Issued, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    assert services.demo is not None
    tsa = LocalTimestamper.from_issued(services.demo.tsa)
    token = tsa.timestamp(hashlib.sha256(b"other").digest())
    tree = etree.fromstring(issued.receipt.read_bytes())
    encapsulated = tree.find(f".//{{{XADES}}}EncapsulatedTimeStamp")
    assert encapsulated is not None
    encapsulated.text = base64.b64encode(token).decode()
    path = issued.folder / "other-token.xml"
    path.write_bytes(etree.tostring(tree))

    code, verdict = verify(issued, capsys, receipt=path)
    assert code == 1
    assert _failed(verdict) == {"timestamp"}
    assert verdict["timestamp"]["imprint_ok"] is False


# --- the document -----------------------------------------------------------


def test_wrong_document_fails(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.xml"
    other.write_bytes(issued.document.read_bytes() + b"\n")

    code, verdict = verify(issued, capsys, document=other)
    assert code == 1
    assert _failed(verdict) == {"document"}


# --- the proof --------------------------------------------------------------


def _forged_proof(issued: Issued, tmp_path: Path, change: Any) -> Path:
    proof = json.loads(issued.proof.read_text())
    change(proof)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(proof))
    return path


def test_proof_with_changed_audit_path_element_fails(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def flip(proof: dict[str, Any]) -> None:
        first = bytearray(bytes.fromhex(proof["audit_path"][0]))
        first[0] ^= 0x01
        proof["audit_path"][0] = first.hex()

    code, verdict = verify(issued, capsys, proof=_forged_proof(issued, tmp_path, flip))
    assert code == 1
    assert _failed(verdict) == {"proof-path"}


def test_proof_with_changed_payload_fails(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def swap(proof: dict[str, Any]) -> None:
        proof["journal_entry"]["payload"]["sha256"] = "0" * 64

    code, verdict = verify(issued, capsys, proof=_forged_proof(issued, tmp_path, swap))
    assert code == 1
    assert {"proof-entry", "proof-entry-hash"} <= _failed(verdict)


def test_proof_of_another_document_fails_even_when_self_consistent(
    app: Flask, issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A genuine proof, but of the first document, given with the second's receipt.
    path = tmp_path / "first.json"
    path.write_text(json.dumps(_first_proof(app)))

    code, verdict = verify(issued, capsys, proof=path)
    assert code == 1
    assert _failed(verdict) == {"proof-entry"}


def _first_proof(app: Flask) -> dict[str, Any]:
    services: Services = app.extensions["kancelaria"]
    with services.sessions() as session:
        document = session.get(Document, 1)
        assert document is not None
        year, sequence = document.year, document.sequence
        code = document.access_code

    url = f"/api/v1/receipts/{year}/{sequence}/proof?code={code}"
    answer = app.test_client().get(url)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.get_json()
    return found


def test_checkpoint_sealed_by_another_key_fails(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other_root = pki.make_root("Another Office Root")
    other_seal = pki.make_seal(other_root, office_name="Urząd Inny", nip=pki.DEMO_NIP)

    def reseal(proof: dict[str, Any]) -> None:
        xml = proof["checkpoint"].encode("utf-8")
        proof["checkpoint"] = _resealed(xml, other_seal).decode("utf-8")

    forged = _forged_proof(issued, tmp_path, reseal)
    both = tmp_path / "both-roots"
    both.mkdir()
    _write_pem(both / "root.pem", x509_of(issued.root_only / "root.pem"))
    _write_pem(both / "other.pem", other_root.certificate)
    _write_pem(both / "seal.pem", x509_of(issued.trust / "seal.pem"))
    _write_pem(both / "other-seal.pem", other_seal.certificate)

    code, verdict = verify(issued, capsys, trust=both, proof=forged)
    assert code == 1
    assert _failed(verdict) == {"checkpoint"}
    checkpoint = verdict["checks"][-1]["detail"]
    assert "another seal than the receipt" in checkpoint

    code, verdict = verify(issued, capsys, proof=forged)
    assert code == 1
    assert _failed(verdict) == {"checkpoint"}


def test_proof_that_is_not_json_fails(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "proof.json"
    path.write_text("not json")
    code, verdict = verify(issued, capsys, proof=path)
    assert code == 1
    assert _failed(verdict) == {"proof"}


# --- usage --------------------------------------------------------------------


def test_missing_trust_option_is_bad_usage(
    issued: Issued, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["verify-receipt", str(issued.receipt)])
    assert stopped.value.code == 3
    assert "--trust" in capsys.readouterr().err


def test_unreadable_receipt_is_bad_usage(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        ["verify-receipt", str(tmp_path / "absent.xml"), "--trust", str(issued.trust)]
    )
    assert code == 3
    assert "error:" in capsys.readouterr().err


def test_empty_trust_folder_is_bad_usage(
    issued: Issued, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["verify-receipt", str(issued.receipt), "--trust", str(tmp_path)])
    assert code == 3
    assert "no certificates" in capsys.readouterr().err


# --- helpers ------------------------------------------------------------------


def _resealed(xml: bytes, issued_key: pki.Issued) -> bytes:
    tree = etree.fromstring(xml)
    for signature in tree.findall(f"{{{DS}}}Signature"):
        tree.remove(signature)

    return XadesSigner.from_issued(issued_key).sign_enveloped(tree)


def x509_of(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.mark.parametrize(
    ("doctor", "what"),
    [
        (wrap_fake_receipt, "an extra ds:Object"),
        (split_indication, "a comment or processing instruction"),
    ],
    ids=["look-alike-in-object", "comment-in-value"],
)
def test_content_outside_the_seal_fails_the_seal_check_review_r5(
    issued: Issued,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    doctor: Callable[[bytes], bytes],
    what: str,
) -> None:
    doctored = tmp_path / "receipt.xml"
    doctored.write_bytes(doctor(issued.receipt.read_bytes()))

    code, verdict = verify(issued, capsys, receipt=doctored, proof=issued.proof)

    assert code == 1
    assert "receipt" in _failed(verdict)
    assert what in verdict["checks"][0]["detail"]
