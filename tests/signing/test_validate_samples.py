"""Files signed by outside producers (../shared/clients/samples), root trusted."""

from __future__ import annotations

from dataclasses import replace

import pytest

from signing.result import Indication, SubIndication
from signing.revocation import RevocationData, RevocationPolicy
from signing.validate import form_elements, validate_xml
from tests.signing.conftest import shared_path

Ind, S = Indication, SubIndication

VALID = [
    "endesive-enveloped.xml",
    "endesive-enveloping.xml",
    "xadesjs-enveloped-ecdsa.xml",
    "xadesjs-enveloped-seal.xml",
    "xadesjs-enveloped-sigcertv2.xml",
    "xadesjs-enveloped.xml",
    "xadesjs-enveloping.xml",
    "xmlcrypto-enveloped-idref.xml",
    "xmlsec1-enveloped.xml",
]
TAMPERED = [
    "xadesjs-enveloped.tampered-content.xml",
    "xadesjs-enveloped.tampered-signedprops.xml",
]


def sample(name: str) -> bytes:
    return shared_path("clients", "samples", "xades", name).read_bytes()


def form_input(name: str) -> bytes:
    return shared_path("clients", "samples", "inputs", name).read_bytes()


@pytest.mark.parametrize("name", VALID)
def test_valid_sample_passes(name, samples_policy):
    result = validate_xml(sample(name), samples_policy)
    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    [form] = form_elements(result.primary)
    assert form.tag.endswith("Wniosek")


@pytest.mark.parametrize("name", TAMPERED)
def test_tampered_sample_fails_with_hash_failure(name, samples_policy):
    result = validate_xml(sample(name), samples_policy)
    assert (result.indication, result.subindication) == (
        Ind.TOTAL_FAILED,
        S.HASH_FAILURE,
    )


def test_expired_signer_sample_is_out_of_bounds_no_poe(samples_policy):
    result = validate_xml(sample("xadesjs-enveloped-expired.xml"), samples_policy)
    assert result.indication is Ind.INDETERMINATE
    assert result.subindication is S.OUT_OF_BOUNDS_NO_POE


def samples_crls() -> RevocationData:
    """The samples' real CRLs (inter.crl lists the revoked signer)."""
    pki_dir = shared_path("clients", "samples", "pki")
    crls = tuple((pki_dir / n).read_bytes() for n in ("inter.crl.der", "root.crl.der"))
    return RevocationData(crls=crls, sources=("operator",))


def test_revoked_signer_sample_is_revoked_no_poe_with_the_samples_crl(samples_policy):
    # Revoked (keyCompromise) an hour before it was signed; a B-B signature
    # has no proof of existence before the revocation: EN 319 102-1 gives
    # INDETERMINATE / REVOKED_NO_POE (TOTAL_FAILED / REVOKED needs proof
    # that the signature was made after the revocation, which it lacks).
    rules = RevocationPolicy(supplied=samples_crls())
    policy = replace(samples_policy, revocation=rules)
    result = validate_xml(sample("xadesjs-enveloped-revoked.xml"), policy)
    assert (result.indication, result.subindication) == (
        Ind.INDETERMINATE,
        S.REVOKED_NO_POE,
    )


def test_good_sample_with_the_samples_crl_has_revocation_checked(samples_policy):
    rules = RevocationPolicy(soft_fail=False, supplied=samples_crls())
    policy = replace(samples_policy, revocation=rules)
    result = validate_xml(sample("xadesjs-enveloped.xml"), policy)
    assert result.indication is Ind.TOTAL_PASSED
    [revocation] = [c for c in result.primary.checks if c.name == "revocation"]
    assert revocation.passed


def test_revoked_signer_sample_without_revocation_data_passes_unchecked(
    samples_policy,
):
    # No data and fetching off (the default): revocation is not known, and
    # the report says so rather than hiding it.
    result = validate_xml(sample("xadesjs-enveloped-revoked.xml"), samples_policy)
    [revocation] = [c for c in result.primary.checks if c.name == "revocation"]
    assert not revocation.passed and "not checked" in revocation.detail


def test_detached_signature_with_its_payload_passes(samples_policy):
    payload = {"form.xml": form_input("form.xml")}
    data = sample("xadesjs-detached-form.xml.xml")
    result = validate_xml(data, samples_policy, detached=payload)
    assert result.indication is Ind.TOTAL_PASSED
    assert result.primary.covered[0].kind == "external"


def test_detached_signature_with_tampered_payload_fails_with_hash_failure(
    samples_policy,
):
    payload = {"form.xml": form_input("form.tampered.xml")}
    data = sample("xadesjs-detached-form.xml.xml")
    result = validate_xml(data, samples_policy, detached=payload)
    assert (result.indication, result.subindication) == (
        Ind.TOTAL_FAILED,
        S.HASH_FAILURE,
    )


def test_detached_signature_without_payload_is_signed_data_not_found(samples_policy):
    result = validate_xml(sample("xadesjs-detached-form.xml.xml"), samples_policy)
    assert result.indication is Ind.INDETERMINATE
    assert result.subindication is S.SIGNED_DATA_NOT_FOUND


def test_endesive_xpath_transform_copy_with_changed_text_fails(samples_policy):
    data = sample("endesive-enveloped.xml").replace(b"17.00", b"99.00")
    result = validate_xml(data, samples_policy)
    assert (result.indication, result.subindication) == (
        Ind.TOTAL_FAILED,
        S.HASH_FAILURE,
    )


def test_endesive_form_element_has_no_signature_inside(samples_policy):
    result = validate_xml(sample("endesive-enveloped.xml"), samples_policy)
    [form] = form_elements(result.primary)
    assert not form.xpath(".//*[local-name()='Signature']")
