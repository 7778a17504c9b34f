"""``python -m signing validate``: exit codes 0/1/2/3 through a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    folder.mkdir(exist_ok=True)
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


def test_revoked_sample_with_its_crls_exits_2_revoked_no_poe(tmp_path):
    done = run(
        "validate",
        samples("xades", "xadesjs-enveloped-revoked.xml"),
        "--trust",
        trust_dir(tmp_path),
        "--untrusted",
        samples("pki", "inter.crt"),
        "--crl",
        samples("pki", "inter.crl.der"),
        "--crl",
        samples("pki", "root.crl"),
        "--json",
    )
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["subindication"] == "REVOKED_NO_POE"


def test_require_revocation_without_data_exits_2_try_later(tmp_path):
    done = run(
        "validate",
        samples("xades", "xadesjs-enveloped.xml"),
        "--trust",
        trust_dir(tmp_path),
        "--untrusted",
        samples("pki", "inter.crt"),
        "--require-revocation",
        "--json",
    )
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["subindication"] == "TRY_LATER"


def test_fetch_revocation_asks_the_loopback_responder(tmp_path):
    from cryptography.hazmat.primitives.serialization import Encoding

    from signing.seal import XadesSigner
    from tests.signing.maker import FORM
    from tests.signing.revocationpki import make_revocation_pki, serve

    with serve() as services:
        rpki = make_revocation_pki(services)
        citizen = rpki.citizen("44051401480")
        signed = tmp_path / "signed.xml"
        signed.write_bytes(XadesSigner.from_issued(citizen).sign_enveloped(FORM))
        (tmp_path / "root.pem").write_bytes(
            rpki.root.certificate.public_bytes(Encoding.PEM)
        )
        (tmp_path / "inter.pem").write_bytes(
            rpki.inter.certificate.public_bytes(Encoding.PEM)
        )
        services.revoked[citizen.certificate.serial_number] = (
            citizen.certificate.not_valid_before_utc
        )
        base = (
            "validate",
            str(signed),
            "--trust",
            str(tmp_path / "root.pem"),
            "--untrusted",
            str(tmp_path / "inter.pem"),
            "--json",
        )
        offline = run(*base)
        assert services.requests == []
        fetched = run(*base, "--fetch-revocation")

    assert offline.returncode == 0, offline.stderr
    assert fetched.returncode == 2, fetched.stderr
    assert json.loads(fetched.stdout)["subindication"] == "REVOKED_NO_POE"
    assert services.requests, "the responder was asked"


def validated(tmp_path: Path, *sample: str, extra: tuple[str, ...] = ()):
    """Validate a client sample against the samples' root and intermediate."""
    return run(
        "validate",
        samples(*sample),
        "--trust",
        trust_dir(tmp_path),
        "--untrusted",
        samples("pki", "inter.crt"),
        *extra,
    )


def test_document_timestamp_is_named_as_such_in_plain_output(tmp_path):
    done = validated(tmp_path, "pades", "endesive-citizen-t-doctimestamp.pdf")
    assert done.returncode == 0, done.stderr
    assert "kind: None" not in done.stdout
    assert "kind: document time-stamp\n" in done.stdout


def test_check_left_undone_prints_not_checked_not_failed(tmp_path):
    done = validated(tmp_path, "pades", "endesive-citizen-t-doctimestamp.pdf")
    assert done.returncode == 0, done.stderr
    assert "  not checked revocation: not checked:" in done.stdout
    assert "  passed      byte-range:" in done.stdout
    assert "FAIL" not in done.stdout


def test_failed_check_under_a_failed_signature_prints_failed():
    done = run("validate", samples("pades", "itext5-cades-citizen.tampered-byte.pdf"))
    assert done.returncode == 1, done.stderr
    assert "  FAILED      " in done.stdout


ISSUER_CRL_ONLY = ("--crl", samples("pki", "inter.crl.der"))


def test_library_tracebacks_stay_off_stderr(tmp_path):
    # pyHanko logs path-building and diff failures with their tracebacks.
    sample = ("pades", "itext5-cades-revoked.pdf")
    revoked = validated(tmp_path, *sample, extra=ISSUER_CRL_ONLY)
    changed = validated(
        tmp_path, "pades", "itext5-cades-citizen.tampered-incremental.pdf"
    )
    assert (revoked.returncode, changed.returncode) == (2, 1)
    assert revoked.stderr == changed.stderr == ""
    assert "FAILED      modifications:" in changed.stdout


@pytest.mark.parametrize(
    "sample",
    [
        ("pades", "itext5-cades-revoked.pdf"),
        ("xades", "xadesjs-enveloped-revoked.xml"),
    ],
)
def test_revoked_signer_with_only_the_issuers_crl_is_revoked_no_poe(tmp_path, sample):
    # The root CA's status is unknown (no root.crl), but the signer's own
    # revocation is known: revoked takes precedence over try-later.
    done = validated(tmp_path, *sample, extra=(*ISSUER_CRL_ONLY, "--json"))
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout)["subindication"] == "REVOKED_NO_POE"
