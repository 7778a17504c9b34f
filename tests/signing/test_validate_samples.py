"""Files signed by outside producers (../shared/clients/samples), root trusted."""

from __future__ import annotations

import pytest

from signing.result import Indication, SubIndication
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


@pytest.mark.xfail(
    strict=True, reason="revocation is not checked yet (later issue): passes today"
)
def test_revoked_signer_sample_is_not_passed_needs_revocation_checking(samples_policy):
    result = validate_xml(sample("xadesjs-enveloped-revoked.xml"), samples_policy)
    assert result.indication is not Ind.TOTAL_PASSED


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
