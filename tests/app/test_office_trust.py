"""The published trust bundle lets anyone verify a receipt offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flask.testing import FlaskClient

from signing.seal import XadesSigner
from tests.app.conftest import ROOT, sample

XML = {"Content-Type": "application/xml"}


def _verify(
    receipt: Path, trust: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "signing", "verify-receipt", str(receipt)]
    command += ["--trust", str(trust), "--json", *extra]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_receipt_verifies_offline_with_the_published_bundle(
    client: FlaskClient, citizen: XadesSigner, tmp_path: Path
) -> None:
    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    body = client.post("/api/v1/submissions", data=signed, headers=XML).get_json()
    receipt = tmp_path / "upo.xml"
    receipt.write_bytes(client.get(body["receipt_url"]).data)
    document = tmp_path / "pismo.xml"
    document.write_bytes(signed)
    trust = tmp_path / "office-trust"
    trust.mkdir()
    bundle = client.get("/api/v1/office/trust.pem")
    (trust / "office-trust.pem").write_bytes(bundle.data)

    done = _verify(receipt, trust, "--document", str(document))

    assert bundle.status_code == 200
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["registry_number"] == body["registry_number"]


def test_receipt_resealed_by_the_citizen_fails_against_the_bundle(
    client: FlaskClient, citizen: XadesSigner, tmp_path: Path
) -> None:
    from lxml import etree

    signed = citizen.sign_enveloped(sample("pismo-ogolne"))
    body = client.post("/api/v1/submissions", data=signed, headers=XML).get_json()
    tree = etree.fromstring(client.get(body["receipt_url"]).data)
    old = tree.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    assert old is not None
    tree.remove(old)
    forged = tmp_path / "forged.xml"
    forged.write_bytes(citizen.sign_enveloped(tree))
    trust = tmp_path / "office-trust"
    trust.mkdir()
    (trust / "office-trust.pem").write_bytes(
        client.get("/api/v1/office/trust.pem").data
    )

    done = _verify(forged, trust)

    assert done.returncode == 1, done.stdout + done.stderr
