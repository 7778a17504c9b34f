"""``python -m signing validate``: exit codes 0/1/2/3 through a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.signing.conftest import shared_path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def samples(*parts: str) -> str:
    return str(shared_path("clients", "samples", *parts))


def trust_dir(tmp_path: Path) -> str:
    folder = tmp_path / "trust"
    folder.mkdir()
    shutil.copy(samples("pki", "root.crt"), folder)
    return str(folder)


def test_valid_file_exits_0_with_json(tmp_path):
    done = run(
        "validate",
        samples("xades", "xadesjs-detached-form.xml.xml"),
        "--trust",
        trust_dir(tmp_path),
        "--untrusted",
        samples("pki", "inter.crt"),
        "--payload",
        samples("inputs", "form.xml"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["indication"] == "TOTAL_PASSED"
    assert report["signatures"][0]["signer"]["name"] == "Jan Kowalski"


def test_tampered_file_exits_1(tmp_path):
    done = run("validate", samples("xades", "xadesjs-enveloped.tampered-content.xml"))
    assert done.returncode == 1
    assert "HASH_FAILURE" in done.stdout


def test_without_trust_exits_2_no_chain():
    done = run("validate", samples("xades", "xadesjs-enveloped.xml"), "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["subindication"] == "NO_CERTIFICATE_CHAIN_FOUND"


def test_unsigned_document_exits_3():
    done = run("validate", samples("inputs", "form.xml"))
    assert done.returncode == 3
    assert "not-signed" in done.stdout


def test_bad_usage_exits_3():
    assert run("validate").returncode == 3
    assert run("nonsense").returncode == 3


def test_trust_may_name_a_single_certificate_file():
    done = run(
        "validate",
        samples("xades", "xadesjs-enveloped.xml"),
        "--trust",
        samples("pki", "root.crt"),
        "--untrusted",
        samples("pki", "inter.crt"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indication"] == "TOTAL_PASSED"
