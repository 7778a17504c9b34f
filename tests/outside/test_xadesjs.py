"""XAdES-BES made by xadesjs (npm, PeculiarVentures) over our forms.

A matrix of enveloped / enveloping packaging, RSA / ECDSA P-256 citizen keys and
SigningCertificate v1 / v2, plus the office seal, the harness's own form and a
citizen certified by an intermediate CA. Each signature must pass with the test
root trusted, name its signer and cover exactly the form; a tampered copy must
fail; an empty trust store leaves it INDETERMINATE. Then a detached signature
(with, without and with a changed payload) and a signer whose intermediate CA is
not sent (never fetched: INDETERMINATE). The last tests check the signed files
without our validator (shape, one-byte tampering, xmlsec1's verdict).

All signing happens once, in the session fixtures: keep these tests in this one
file so that ``pytest -n 2 --dist loadfile`` signs the matrix in one worker only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from signing.result import Indication, SubIndication
from signing.validate import validate_xml
from tests.outside import expect, subjects
from tests.outside.conftest import OutsidePKI, Signed
from tests.outside.subjects import DETACHED, NO_INTERMEDIATE, VARIANTS, Variant

pytestmark = pytest.mark.clients

COVERED_KIND = {"enveloped": "document", "enveloping": "object"}


def signed_variant(matrix: Mapping[Variant, Signed], variant: Variant) -> Signed:
    """Return the signed files of one variant, failing if its subject is missing."""
    subjects.require_subject(variant.subject)
    return matrix[variant]


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_intact_signature_passes_with_test_root_trusted(
    variant: Variant,
    xadesjs_signed: Mapping[Variant, Signed],
    outside_pki: OutsidePKI,
    trusting_policy: Any,
) -> None:
    signed = signed_variant(xadesjs_signed, variant)
    result = validate_xml(signed.intact, trusting_policy)

    assert result.indication is Indication.TOTAL_PASSED, expect.describe(result)
    assert result.subindication is None
    assert len(result.signatures) == 1

    sig = result.primary
    assert sig.form == "XAdES-BES"
    expect.assert_recent(sig.signing_time)
    expect.assert_covers_form(sig, signed.sample, COVERED_KIND[variant.mode])


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_signer_is_the_certificate_holder(
    variant: Variant,
    xadesjs_signed: Mapping[Variant, Signed],
    outside_pki: OutsidePKI,
    trusting_policy: Any,
) -> None:
    signed = signed_variant(xadesjs_signed, variant)
    sig = validate_xml(signed.intact, trusting_policy).primary

    certificate = outside_pki.signers[variant.key].certificate
    if variant.key == "seal":
        expect.assert_seal(sig.signer, certificate)
    else:
        expect.assert_citizen(sig.signer, certificate)


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_tampered_form_text_fails_with_hash_failure(
    variant: Variant,
    xadesjs_signed: Mapping[Variant, Signed],
    trusting_policy: Any,
) -> None:
    signed = signed_variant(xadesjs_signed, variant)
    assert signed.tampered_text != signed.intact

    result = validate_xml(signed.tampered_text, trusting_policy)

    assert result.indication is Indication.TOTAL_FAILED, expect.describe(result)
    assert result.subindication is SubIndication.HASH_FAILURE


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_tampered_signing_time_fails_with_hash_failure(
    variant: Variant,
    xadesjs_signed: Mapping[Variant, Signed],
    trusting_policy: Any,
) -> None:
    signed = signed_variant(xadesjs_signed, variant)
    assert signed.tampered_signing_time is not None
    assert signed.tampered_signing_time != signed.intact

    result = validate_xml(signed.tampered_signing_time, trusting_policy)

    assert result.indication is Indication.TOTAL_FAILED, expect.describe(result)
    assert result.subindication is SubIndication.HASH_FAILURE


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_signature_with_empty_trust_store_is_indeterminate_no_chain(
    variant: Variant,
    xadesjs_signed: Mapping[Variant, Signed],
    empty_policy: Any,
) -> None:
    signed = signed_variant(xadesjs_signed, variant)
    result = validate_xml(signed.intact, empty_policy)

    assert result.indication is Indication.INDETERMINATE, expect.describe(result)
    assert result.subindication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_output_has_requested_packaging_algorithm_and_certificate_ref(
    variant: Variant, xadesjs_signed: Mapping[Variant, Signed]
) -> None:
    signed = xadesjs_signed[variant]
    root = subjects.form_root(signed.intact)
    form_tag = subjects.form_root(signed.sample).tag

    if variant.mode == "enveloped":
        assert root.tag == form_tag
        assert root[-1].tag == f"{{{expect.DS}}}Signature"
    else:
        assert root.tag == f"{{{expect.DS}}}Signature"
        objects = root.findall("ds:Object", expect.NS)
        [obj] = [o for o in objects if o.get("Id") == "signed-data"]
        assert [child.tag for child in obj] == [form_tag]

    assert expect.signature_methods(root) == [expect.SIGNATURE_METHOD[variant.key]]

    props = root.iterfind(".//xades:SignedSignatureProperties/*", expect.NS)
    names = {etree.QName(p).localname for p in props}
    assert expect.SIGNING_CERTIFICATE[variant.signing_cert] in names
    assert len(names & set(expect.SIGNING_CERTIFICATE.values())) == 1
    assert "SigningTime" in names


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_tampered_copies_differ_from_intact_in_one_byte(
    variant: Variant, xadesjs_signed: Mapping[Variant, Signed]
) -> None:
    signed = xadesjs_signed[variant]
    assert signed.tampered_signing_time is not None

    for tampered in (signed.tampered_text, signed.tampered_signing_time):
        assert len(tampered) == len(signed.intact)
        assert sum(a != b for a, b in zip(tampered, signed.intact, strict=True)) == 1


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_xadesjs_output_verifies_with_xmlsec1_and_tampered_copies_do_not(
    variant: Variant,
    xadesjs_signed: Mapping[Variant, Signed],
    outside_pki: OutsidePKI,
    tmp_path: Path,
) -> None:
    signed = xadesjs_signed[variant]
    assert signed.tampered_signing_time is not None

    def verifies(data: bytes) -> bool:
        return expect.xmlsec1_verify(
            data, signed.sample, outside_pki.root_pem, tmp_path
        )

    assert verifies(signed.intact)
    assert not verifies(signed.tampered_text)
    assert not verifies(signed.tampered_signing_time)


def test_xadesjs_detached_signature_passes_with_its_payload(
    xadesjs_unusual: Mapping[Variant, bytes],
    outside_pki: OutsidePKI,
    trusting_policy: Any,
) -> None:
    sample = subjects.require_subject(DETACHED.subject).read_bytes()
    payload = {"sample.xml": sample}
    result = validate_xml(xadesjs_unusual[DETACHED], trusting_policy, detached=payload)

    assert result.indication is Indication.TOTAL_PASSED, expect.describe(result)
    sig = result.primary
    expect.assert_citizen(sig.signer, outside_pki.signers[DETACHED.key].certificate)

    [external] = [c for c in sig.covered if c.kind == "external"]
    assert external.uri == "sample.xml"
    assert external.digest_sha256 == hashlib.sha256(sample).hexdigest()


def test_xadesjs_detached_signature_with_tampered_payload_fails_with_hash_failure(
    xadesjs_unusual: Mapping[Variant, bytes], trusting_policy: Any
) -> None:
    sample = subjects.require_subject(DETACHED.subject).read_bytes()
    payload = {"sample.xml": subjects.tamper_text(sample, sample)}
    result = validate_xml(xadesjs_unusual[DETACHED], trusting_policy, detached=payload)

    assert result.indication is Indication.TOTAL_FAILED, expect.describe(result)
    assert result.subindication is SubIndication.HASH_FAILURE


def test_xadesjs_detached_signature_without_payload_is_indeterminate_not_found(
    xadesjs_unusual: Mapping[Variant, bytes], trusting_policy: Any
) -> None:
    result = validate_xml(xadesjs_unusual[DETACHED], trusting_policy)

    assert result.indication is Indication.INDETERMINATE, expect.describe(result)
    assert result.subindication is SubIndication.SIGNED_DATA_NOT_FOUND


def test_xadesjs_signer_without_intermediate_in_keyinfo_is_indeterminate_no_chain(
    xadesjs_unusual: Mapping[Variant, bytes], trusting_policy: Any
) -> None:
    signed = xadesjs_unusual[NO_INTERMEDIATE]
    result = validate_xml(signed, trusting_policy)

    assert result.indication is Indication.INDETERMINATE, expect.describe(result)
    assert result.subindication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND
