"""The real Polish signed files of ../shared/corpus/forms-real: right answers.

Empty trust store (their CAs are not ours to trust).  Where the file itself
is wrong (re-indented after signing, certificate redacted), the test name
says "file wrong" and the manifest note is the evidence.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from signing.detached import validate_any, validate_detached
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore

pytestmark = pytest.mark.corpus

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "forms-real"
EMPTY = ValidationPolicy(TrustStore.empty())
IND, FAILED = Indication.INDETERMINATE, Indication.TOTAL_FAILED
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)


def _read(name: str) -> bytes:
    path = CORPUS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the forms-real corpus is needed")
    return path.read_bytes()


def _checks(result) -> dict[str, list[bool]]:
    found: dict[str, list[bool]] = {}
    for check in result.primary.checks:
        found.setdefault(check.name, []).append(check.passed)
    return found


CERTUM = "xades-samples/detached_xades_certum-style_zip_company-cert.xades"


def test_certum_detached_xades_without_its_zip_is_signed_data_not_found():
    # Before the C14N fix in signing/c14n.py the SignedProperties digest failed
    # here (libxml2 kept a redundant xmlns:xades re-declaration); xmlsec1
    # computes the same SignedProperties digest as the file carries.
    result = validate_any(_read(CERTUM), EMPTY)
    assert (result.indication, result.subindication) == (
        IND,
        SubIndication.SIGNED_DATA_NOT_FOUND,
    )
    checks = _checks(result)
    assert checks["reference-digest"] == [False, True]  # zip absent, props intact
    assert checks["signature-value"] == [True]
    assert result.primary.signer.name == "ABC PRO SP. Z O.O."


def test_certum_detached_xades_over_another_zip_is_hash_failure():
    result = validate_detached(_read(CERTUM), b"PK\x03\x04 not that package", EMPTY)
    assert (result.indication, result.subindication) == (
        FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_certum_qca_personal_file_wrong_certificate_redacted():
    # Manifest: "X509Certificate content replaced by a base64 placeholder ->
    # signature can no longer be verified".  SignedProperties still intact.
    result = validate_any(
        _read(
            "xades-samples/detached_xades_certum-QCA_zip_personal-cert_REDACTED.xades"
        ),
        EMPTY,
    )
    assert result.subindication is SubIndication.NO_SIGNING_CERTIFICATE_FOUND
    assert _checks(result)["reference-digest"] == [False, True]


def test_ezd_puw_szafir_file_wrong_redacted_inside_signed_properties():
    # Manifest: the person's name inside ClaimedRole (a signed property) was
    # replaced, and the certificate too: both digests and the key are gone.
    result = validate_any(
        _read(
            "xades-samples/detached_xades_ezd-puw_szafir-qualified_zip_REDACTED.xades"
        ),
        EMPTY,
    )
    assert result.subindication is SubIndication.NO_SIGNING_CERTIFICATE_FOUND
    assert _checks(result)["reference-digest"] == [False, False]


def test_edeklaracje_upo_is_intact_untrusted_and_sha1_refused():
    result = validate_any(
        _read("edeklaracje-gateway/samples/upo_jpk_prod_signed_enveloping.xml"), EMPTY
    )
    assert (result.indication, result.subindication) == (
        IND,
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
    )
    checks = _checks(result)
    assert checks["reference-digest"] == [True, True]
    assert checks["signature-value"] == [True]
    assert checks["digest-algorithm"] == [False, False]  # SHA-1, TS 119 312
    assert result.primary.signer.name == "e-deklaracje.mf.gov.pl"


def test_ksef_upo_file_wrong_pretty_printed_after_signing():
    # Manifest: "the file was pretty-printed by the source repo".
    result = validate_any(
        _read("ksef-upo/samples/real-ksef1-upo-v3_signed_enveloped_reformatted.xml"),
        EMPTY,
    )
    assert (result.indication, result.subindication) == (
        FAILED,
        SubIndication.HASH_FAILURE,
    )
    assert result.primary.signer.name == "Krajowa Administracja Skarbowa Test"


@pytest.mark.parametrize("number", [1, 2])
def test_epuap_upp_is_intact_plain_xmldsig_untrusted(number):
    name = f"epuap/upp/samples/upp_enadzor_test_{number}_enveloped-xmldsig.xml"
    result = validate_any(_read(name), EMPTY)
    assert (result.indication, result.subindication) == (
        IND,
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
    )
    assert result.primary.form == "XMLDSig"
    assert _checks(result)["reference-digest"] == [True]
    assert result.primary.kind == "advanced"


def test_jpk_initupload_file_wrong_reindented_and_certdigest_without_method():
    # tests/signing/test_validate_jpk_quirky.py holds the evidence.
    result = validate_any(
        _read("jpk-v7m2/samples/InitUpload_signed_enveloped_QUIRKY.xml"), EMPTY
    )
    assert (result.indication, result.subindication) == (
        IND,
        SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
    )
