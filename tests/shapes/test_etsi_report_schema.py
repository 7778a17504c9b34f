"""The TS 119 102-2 report of every shape validates against the standard's schema.

The schema is ``tests/signing/data/etsi-19102-2-subset.xsd``: the content
models of the elements we emit, transcribed from the standard's XSD, with the
URIs the standards fix as enumerations (its header says where each part was
read).  Hand-broken reports show that the check can fail.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from lxml import etree

from signing import pki
from signing.asic import ASIC_E, ASIC_NS, ASIC_S, validate_container
from signing.cades import validate_cms
from signing.detached import validate_detached
from signing.etsi_report import ETSI_NS, render_report
from signing.pades import validate_pdf
from signing.pades_seal import PdfSealer
from signing.result import (
    Check,
    Indication,
    SignatureResult,
    SubIndication,
    ValidationResult,
)
from signing.tsa import LocalTimestamper
from signing.validate import validate_xml
from tests.pdftools import letter_pdf
from tests.shapes.cmsmaker import counter_sign, make_zip, sign_cms
from tests.shapes.etsischema import schema_errors
from tests.shapes.maker import FORM, Shape, sign_xades

NS = {"v": ETSI_NS, "ds": "http://www.w3.org/2000/09/xmldsig#"}
PAYLOAD = "Wniosek o wydanie zaświadczenia (test)\n".encode()
PDF = b"%PDF-1.4\n% fake letter for the container tests\n%%EOF\n"
STAMPED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TIMESTAMP_OBJECT = "urn:etsi:019102:validationObject:timestamp"


@pytest.fixture(scope="module")
def tsa(polish) -> LocalTimestamper:
    issued = pki.make_tsa(polish.root, common_name="Testowy Znacznik Czasu")
    return LocalTimestamper(
        issued.key, issued.certificate, issued.chain, clock=lambda: STAMPED_AT
    )


# --- the shapes ---------------------------------------------------------------


def _xades_b_b(polish, tsa) -> ValidationResult:
    return validate_xml(
        sign_xades(polish.qualified, Shape(enveloped_in=FORM)), polish.policy()
    )


def _xades_failed(polish, tsa) -> ValidationResult:
    data = sign_xades(polish.qualified, Shape(enveloped_in=FORM))
    return validate_xml(data.replace(b"17.00", b"99.00"), polish.policy())


def _pades_with_timestamp(polish, tsa) -> ValidationResult:
    seal = pki.make_seal(
        polish.qualified_ca, office_name="Urząd Gminy Testowo", nip="1234563218"
    )
    sealed = PdfSealer.from_issued(seal, timestamper=tsa).seal(_plain_pdf())
    result = validate_pdf(sealed, polish.policy())
    assert result.primary.timestamp_time is not None
    return result


def _detached(polish, tsa) -> ValidationResult:
    package = b"PK-like bytes of a package, any file will do\n"
    sig = sign_xades(polish.personal, Shape(files={"paczka.zip": package}))
    return validate_detached(sig, package, polish.policy(), "paczka.zip")


def _asic_e_two_signatures(polish, tsa) -> ValidationResult:
    files = {"pismo.pdf": PDF}
    members = [("mimetype", ASIC_E.encode()), *files.items()]
    for number, signer in enumerate([polish.qualified, polish.personal], start=1):
        # Both signatures carry the same Id, as two signing tools may well do.
        shape = Shape(files=files, wrapper=f"{{{ASIC_NS}}}XAdESSignatures", sig_id="S0")
        members.append(
            (f"META-INF/signatures{number:03}.xml", sign_xades(signer, shape))
        )
    result = validate_container(make_zip(members), polish.policy()).validation
    assert len(result.signatures) == 2
    return result


def _asic_s_with_timestamp(polish, tsa) -> ValidationResult:
    token = tsa.timestamp(hashlib.sha256(PDF).digest())
    data = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("pismo.pdf", PDF),
            ("META-INF/signature.p7s", sign_cms(polish.qualified, PDF)),
            ("META-INF/timestamp.tst", token),
        ]
    )
    return validate_container(data, polish.policy()).validation


def _counter_signature(polish, tsa) -> ValidationResult:
    data = counter_sign(sign_cms(polish.qualified, PAYLOAD), polish.personal)
    result = validate_cms(data, polish.policy(), PAYLOAD)
    assert result.signatures[1].counter_signature_of == "signer-1"
    return result


def _no_signature_found(polish, tsa) -> ValidationResult:
    # What the front desk stores for a paper scan: no signature at all.
    return ValidationResult(Indication.INDETERMINATE, None, (), datetime.now(UTC))


def _ran_out_of_time(polish, tsa) -> ValidationResult:
    # A PDF signature left out at the time limit carries GENERIC, which
    # EN 319 102-1 does not define.
    left_out = SignatureResult(
        signature_id="Signature 1",
        indication=Indication.INDETERMINATE,
        subindication=SubIndication.GENERIC,
        form="not validated",
        signer=None,
        signing_time=None,
        covered=(),
        checks=(Check("time-limit", False, "validation ran out of time"),),
    )
    return ValidationResult(
        Indication.INDETERMINATE, SubIndication.GENERIC, (left_out,), datetime.now(UTC)
    )


def _plain_pdf() -> bytes:
    return letter_pdf()


SHAPES: dict[str, Callable[..., ValidationResult]] = {
    "xades-b-b-passed": _xades_b_b,
    "xades-failed": _xades_failed,
    "pades-with-timestamp": _pades_with_timestamp,
    "detached-xades": _detached,
    "asic-e-two-signatures-same-id": _asic_e_two_signatures,
    "asic-s-with-timestamp-token": _asic_s_with_timestamp,
    "cades-counter-signature": _counter_signature,
    "no-signature-found": _no_signature_found,
    "generic-sub-indication": _ran_out_of_time,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_report_of_each_shape_is_valid_against_the_ts_119_102_2_schema(
    polish, tsa, shape
):
    report = render_report(SHAPES[shape](polish, tsa).to_json())
    assert schema_errors(report) == []


def test_report_without_signatures_still_has_one_signature_report(polish, tsa):
    tree = etree.fromstring(render_report(_no_signature_found(polish, tsa).to_json()))
    (report,) = tree.findall("v:SignatureValidationReport", NS)
    assert [etree.QName(c).localname for c in report if isinstance(c.tag, str)] == [
        "SignatureValidationStatus"
    ]
    assert report.findtext(
        "v:SignatureValidationStatus/v:MainIndication", namespaces=NS
    ) == ("urn:etsi:019102:mainindication:indeterminate")


def test_timestamp_token_is_a_validation_object_not_a_signature(polish, tsa):
    result = _asic_s_with_timestamp(polish, tsa)
    tree = etree.fromstring(render_report(result.to_json()))
    assert len(tree.findall("v:SignatureValidationReport", NS)) == 1
    stamps = [
        o
        for o in tree.iterfind("v:SignatureValidationObjects/v:ValidationObject", NS)
        if o.findtext("v:ObjectType", namespaces=NS) == TIMESTAMP_OBJECT
    ]
    assert len(stamps) == 1
    provision = stamps[0].find("v:POEProvisioning", NS)
    assert provision.findtext("v:POETime", namespaces=NS) == STAMPED_AT.isoformat()
    (data,) = provision.find("v:ValidationObject", NS).get("VOReference").split()
    proven = tree.find(
        f"v:SignatureValidationObjects/v:ValidationObject[@id='{data}']", NS
    )
    assert proven.findtext("v:ObjectType", namespaces=NS) == (
        "urn:etsi:019102:validationObject:signedData"
    )
    value = proven.findtext(".//ds:DigestValue", namespaces=NS)
    assert base64.b64decode(value) == hashlib.sha256(PDF).digest()
    assert (
        stamps[0].findtext(
            "v:ValidationReport/v:SignatureValidationStatus/v:MainIndication",
            namespaces=NS,
        )
        == "urn:etsi:019102:mainindication:passed"
    )


def test_constraints_use_the_building_block_indications(polish, tsa):
    tree = etree.fromstring(render_report(_xades_failed(polish, tsa).to_json()))
    found = {
        t.text
        for t in tree.iterfind(
            ".//v:ValidationConstraint/v:ValidationStatus/v:MainIndication", NS
        )
    }
    assert found == {
        "urn:etsi:019102:mainindication:passed",
        "urn:etsi:019102:mainindication:failed",
    }


# --- the check can fail -------------------------------------------------------


def _time_before_constraints(tree: etree._Element) -> None:
    # (Moving the status first would not do: the standard's trailing
    # xs:any ##any takes any element after it, in any order.)
    report = tree.find("v:SignatureValidationReport", NS)
    report.insert(1, report.find("v:ValidationTimeInfo", NS))


def _no_hash_only(tree: etree._Element) -> None:
    found = tree.find(".//v:SignatureIdentifier/v:HashOnly", NS)
    found.getparent().remove(found)


def _proof_named_timestamp(tree: etree._Element) -> None:
    tree.find(
        ".//v:BestSignatureTime/v:TypeOfProof", NS
    ).text = "urn:etsi:019102:poetype:timestamp"


def _constraint_total_passed(tree: etree._Element) -> None:
    tree.find(
        ".//v:ValidationConstraint/v:ValidationStatus/v:MainIndication", NS
    ).text = "urn:etsi:019102:mainindication:total-passed"


def _dangling_reference(tree: etree._Element) -> None:
    tree.find(".//v:SignerInformation/v:SignerCertificate", NS).set(
        "VOReference", "C-NOWHERE"
    )


def _no_signer_certificate(tree: etree._Element) -> None:
    found = tree.find(".//v:SignerInformation/v:SignerCertificate", NS)
    found.getparent().remove(found)


def _no_signature_reports(tree: etree._Element) -> None:
    for report in tree.findall("v:SignatureValidationReport", NS):
        tree.remove(report)


def _duplicate_id(tree: etree._Element) -> None:
    object_id = tree.find(".//v:ValidationObject", NS).get("id")
    tree.find(".//v:SignatureIdentifier", NS).set("id", object_id)


BREAKS = {
    "time-info-before-constraints": _time_before_constraints,
    "hash-only-missing": _no_hash_only,
    "type-of-proof-not-in-the-standard": _proof_named_timestamp,
    "constraint-with-a-signature-indication": _constraint_total_passed,
    "reference-to-no-object": _dangling_reference,
    "signer-information-without-certificate": _no_signer_certificate,
    "no-signature-validation-report": _no_signature_reports,
    "id-used-twice": _duplicate_id,
}


@pytest.fixture(scope="module")
def good_report(polish, tsa) -> bytes:
    return render_report(_xades_b_b(polish, tsa).to_json())


@pytest.mark.parametrize("damage", BREAKS)
def test_hand_broken_report_fails_the_schema(good_report, damage):
    assert schema_errors(good_report) == []
    tree = copy.deepcopy(etree.fromstring(good_report))
    BREAKS[damage](tree)
    assert schema_errors(etree.tostring(tree)) != []
