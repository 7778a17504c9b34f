"""The TS 119 102-2 report: every signature, kind, signer, time, checks.

Every report is checked against the TS 119 102-2 subset schema
(:mod:`tests.shapes.etsischema`), so one that breaks the standard's element
order, cardinalities or URIs fails here.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

from lxml import etree

from signing.etsi_report import ETSI_NS, render_report
from signing.validate import validate_xml
from tests.shapes.etsischema import schema_errors
from tests.shapes.maker import (
    FAKE_PESEL_2,
    FORM,
    Shape,
    fingerprint,
    podpis_zp,
    sign_xades,
)

NS = {"v": ETSI_NS, "ds": "http://www.w3.org/2000/09/xmldsig#"}
ROOT = Path(__file__).resolve().parents[2]


def _in_schema_order(report: bytes) -> etree._Element:
    assert schema_errors(report) == []
    return etree.fromstring(report)


def test_trusted_profile_report_names_person_kind_and_checks(polish):
    data = sign_xades(
        polish.platform,
        Shape(
            enveloped_in=FORM, objects=[podpis_zp("Ewa", "Zaufana", FAKE_PESEL_2, "zp")]
        ),
    )
    result = validate_xml(data, polish.policy())
    tree = _in_schema_order(render_report(result.to_json()))
    report = tree.find("v:SignatureValidationReport", NS)
    assert report.findtext("v:SignerInformation/v:Signer", namespaces=NS) == (
        f"Ewa Zaufana (PNOPL-{FAKE_PESEL_2})"
    )
    assert (
        report.findtext(
            "v:SignatureQuality/v:SignatureQualityInformation", namespaces=NS
        )
        == "urn:kancelaria:signature-kind:trusted-profile"
    )
    checks = report.findall(
        "v:ValidationConstraintsEvaluationReport/v:ValidationConstraint", NS
    )
    assert len(checks) == len(result.primary.checks)
    platform = fingerprint(polish.platform.certificate)
    reference = report.find("v:SignerInformation/v:SignerCertificate", NS)
    assert reference.get("VOReference") == "C-" + platform.upper()
    digest = tree.findtext(
        "v:SignatureValidationObjects/v:ValidationObject/"
        "v:ValidationObjectRepresentation/v:DigestAlgAndValue/ds:DigestValue",
        namespaces=NS,
    )
    assert base64.b64decode(digest).hex() == platform
    assert (
        report.findtext(
            "v:ValidationTimeInfo/v:BestSignatureTime/v:TypeOfProof", namespaces=NS
        )
        == "urn:etsi:019102:poetype:validation"
    )


def test_failed_signature_report_has_sub_indication_uri(polish):
    data = sign_xades(polish.qualified, Shape(enveloped_in=FORM)).replace(
        b"17.00", b"99.00"
    )
    tree = _in_schema_order(
        render_report(validate_xml(data, polish.policy()).to_json())
    )
    status = tree.find("v:SignatureValidationReport/v:SignatureValidationStatus", NS)
    assert [c.text for c in status] == [
        "urn:etsi:019102:mainindication:total-failed",
        "urn:etsi:019102:subindication:HASH_FAILURE",
    ]


def test_cli_writes_etsi_report_for_a_detached_signature(polish, tmp_path):
    package = b"PK-like bytes of a package, any file will do\n"
    sig = sign_xades(polish.personal, Shape(files={"paczka.zip": package}))
    (tmp_path / "paczka.zip.xades").write_bytes(sig)
    (tmp_path / "upload.bin").write_bytes(package)
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(_pem(polish.root.certificate))
    chain = tmp_path / "inter.pem"
    chain.write_bytes(_pem(polish.eid_ca.certificate))
    report = tmp_path / "report.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "signing",
            "validate",
            str(tmp_path / "paczka.zip.xades"),
            "--payload",
            str(tmp_path / "upload.bin"),
            "--trust",
            str(anchor),
            "--untrusted",
            str(chain),
            "--personal-issuer",
            str(chain),
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kind: personal" in done.stdout
    tree = _in_schema_order(report.read_bytes())
    covered = tree.findtext(
        "v:SignatureValidationReport/v:SignersDocument/v:DigestAlgAndValue/ds:DigestValue",
        namespaces=NS,
    )
    assert base64.b64decode(covered) == hashlib.sha256(package).digest()


def _pem(cert) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.PEM)


def test_xades_t_report_gives_the_time_stamp_time_as_best_signature_time(polish):
    from signing.pki import make_tsa
    from signing.seal import XadesSigner
    from signing.tsa import LocalTimestamper

    signer = XadesSigner.from_issued(polish.qualified)
    stamper = LocalTimestamper.from_issued(make_tsa(polish.qualified_ca))
    stamped = signer.add_signature_timestamp(
        signer.sign_enveloped(etree.fromstring(FORM)), stamper
    )
    result = validate_xml(stamped, polish.policy())
    sig = result.primary
    assert sig.form == "XAdES-T"
    assert sig.signing_time_proof == "timestamp"
    tree = _in_schema_order(render_report(result.to_json()))
    best = tree.find(
        "v:SignatureValidationReport/v:ValidationTimeInfo/v:BestSignatureTime", NS
    )
    # TS 119 102-2 knows three proof types; a time-stamp checked here is a
    # POE derived during validation.
    assert best.findtext("v:TypeOfProof", namespaces=NS) == (
        "urn:etsi:019102:poetype:validation"
    )
    assert best.findtext("v:POETime", namespaces=NS) == sig.timestamp_time.isoformat()
