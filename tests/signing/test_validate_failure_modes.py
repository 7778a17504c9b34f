"""One test per failure mode, on signatures made in the test."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from lxml import etree

from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from signing.validate import form_elements, validate_xml
from tests.signing.maker import FORM, NOW, PKI, Options, issue, make_key, sign_enveloped

Ind, S = Indication, SubIndication


def verdict(
    data: bytes, policy: ValidationPolicy
) -> tuple[Indication, SubIndication | None]:
    result = validate_xml(data, policy)
    return result.indication, result.subindication


def test_valid_xades_bes_passes_and_covers_the_form(pki: PKI, policy):
    result = validate_xml(sign_enveloped(FORM, pki.citizen), policy)
    assert (result.indication, result.subindication) == (Ind.TOTAL_PASSED, None)
    sig = result.primary
    assert sig.form == "XAdES-BES"
    assert sig.signer is not None and sig.signer.name == "Jan Testowy"
    assert sig.signing_time is not None and sig.signing_time.year == 2026
    [form] = form_elements(sig)
    assert etree.QName(form).localname == "Wniosek"
    assert form.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is None


def test_changed_form_content_fails_with_hash_failure(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen).replace(b"17.00", b"99.00")
    assert verdict(data, policy) == (Ind.TOTAL_FAILED, S.HASH_FAILURE)


def test_changed_signed_properties_fail_with_hash_failure(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen).replace(b"2026-12-04T10", b"2025-12-04T10")
    assert verdict(data, policy) == (Ind.TOTAL_FAILED, S.HASH_FAILURE)


def test_signature_by_another_key_fails_with_sig_crypto_failure(pki: PKI, policy):
    impostor = replace(pki.citizen, key=make_key())
    data = sign_enveloped(FORM, impostor)
    assert verdict(data, policy) == (Ind.TOTAL_FAILED, S.SIG_CRYPTO_FAILURE)


def test_plain_xmldsig_is_validated_with_the_key_info_certificate(pki: PKI, policy):
    result = validate_xml(
        sign_enveloped(FORM, pki.citizen, Options(xades=False)), policy
    )
    assert result.indication is Ind.TOTAL_PASSED
    assert result.primary.form == "XMLDSig"


def test_ecdsa_signature_in_r_s_form_passes(pki: PKI, policy):
    signer = issue("Jan EC", pki.inter, key=make_key("ec"))
    assert verdict(sign_enveloped(FORM, signer), policy) == (Ind.TOTAL_PASSED, None)


def test_sha1_reference_digest_is_refused_by_default_policy(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen, Options(digest="sha1"))
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.CRYPTO_CONSTRAINTS_FAILURE)


def test_rsa_sha1_signature_is_refused_by_default_policy(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen, Options(signature_digest="sha1"))
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.CRYPTO_CONSTRAINTS_FAILURE)


def test_rsa_1024_key_is_refused_by_default_policy(pki: PKI, policy):
    weak = issue("Jan Weak", pki.inter, key=make_key(bits=1024))
    assert verdict(sign_enveloped(FORM, weak), policy) == (
        Ind.INDETERMINATE,
        S.CRYPTO_CONSTRAINTS_FAILURE,
    )


def test_certificate_without_signing_key_usage_is_refused(pki: PKI, policy):
    encipher = issue("Jan Encipher", pki.inter, usage="keyEncipherment")
    assert verdict(sign_enveloped(FORM, encipher), policy) == (
        Ind.INDETERMINATE,
        S.CHAIN_CONSTRAINTS_FAILURE,
    )


def test_digital_signature_key_usage_is_accepted(pki: PKI, policy):
    signer = issue("Jan DS", pki.inter, usage="digitalSignature")
    assert verdict(sign_enveloped(FORM, signer), policy) == (Ind.TOTAL_PASSED, None)


def test_issuer_that_is_not_a_ca_gives_chain_general_failure(pki: PKI, policy):
    fake_ca = issue("Not A CA", pki.inter)
    signer = issue("Jan Under Leaf", fake_ca)
    data = sign_enveloped(
        FORM, signer, Options(key_info_certs=(signer.cert, fake_ca.cert))
    )
    assert verdict(data, policy) == (
        Ind.INDETERMINATE,
        S.CERTIFICATE_CHAIN_GENERAL_FAILURE,
    )


def test_untrusted_root_gives_no_certificate_chain_found(pki: PKI):
    data = sign_enveloped(FORM, pki.citizen)
    policy = ValidationPolicy(TrustStore.empty(), intermediates=(pki.inter.cert,))
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.NO_CERTIFICATE_CHAIN_FOUND)


def test_expired_signer_gives_out_of_bounds_no_poe(pki: PKI, policy):
    expired = issue(
        "Jan Expired",
        pki.inter,
        not_before=NOW - timedelta(days=30),
        not_after=NOW - timedelta(days=1),
    )
    assert verdict(sign_enveloped(FORM, expired), policy) == (
        Ind.INDETERMINATE,
        S.OUT_OF_BOUNDS_NO_POE,
    )


def test_validation_time_before_validity_gives_not_yet_valid(pki: PKI, policy):
    early = replace(policy, validation_time=NOW - timedelta(days=3))
    assert verdict(sign_enveloped(FORM, pki.citizen), early) == (
        Ind.INDETERMINATE,
        S.NOT_YET_VALID,
    )


def test_no_certificate_in_key_info_gives_no_signing_certificate_found(
    pki: PKI, policy
):
    other = issue("Someone Else", pki.inter)
    data = sign_enveloped(FORM, pki.citizen, Options(key_info_certs=(other.cert,)))
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.NO_SIGNING_CERTIFICATE_FOUND)


def test_signing_certificate_naming_another_cert_is_not_identified(pki: PKI, policy):
    other = issue("Someone Else", pki.inter)
    options = Options(signing_cert=other.cert)
    data = sign_enveloped(FORM, pki.citizen, options)
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.NO_SIGNING_CERTIFICATE_FOUND)


def test_issuer_serial_with_wrong_serial_is_not_identified(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen, Options(serial="12345"))
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.NO_SIGNING_CERTIFICATE_FOUND)


def test_issuer_name_in_reverse_order_with_oid_prefix_is_accepted(pki: PKI, policy):
    name = "CN=Fake Qualified CA, OID.2.5.4.97=VATPL-0000000000, C=PL"
    data = sign_enveloped(FORM, pki.citizen, Options(issuer_name=name))
    assert verdict(data, policy) == (Ind.TOTAL_PASSED, None)


def test_issuer_name_of_another_ca_is_not_identified(pki: PKI, policy):
    name = "C=PL,2.5.4.97=VATPL-0000000000,CN=Other CA"
    data = sign_enveloped(FORM, pki.citizen, Options(issuer_name=name))
    assert verdict(data, policy) == (Ind.INDETERMINATE, S.NO_SIGNING_CERTIFICATE_FOUND)


def test_unparseable_signing_time_is_a_format_failure(pki: PKI, policy):
    data = sign_enveloped(
        FORM, pki.citizen, Options(signing_time="2026.12.04T10:00:00Z")
    )
    assert verdict(data, policy) == (Ind.TOTAL_FAILED, S.FORMAT_FAILURE)


def test_path_results_are_cached_per_policy(pki: PKI):
    policy = ValidationPolicy(
        TrustStore.from_certificates([pki.root.cert]), intermediates=(pki.inter.cert,)
    )
    data = sign_enveloped(FORM, pki.citizen)
    validate_xml(data, policy)
    validate_xml(data, policy)
    assert len(policy.cache) == 1


def test_flood_of_references_is_refused_before_any_digest(pki: PKI, policy):
    import pytest

    from signing.errors import ForbiddenXMLError

    signed = etree.fromstring(sign_enveloped(FORM, pki.citizen))
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    signed_info = signed.find(f"{ds}Signature/{ds}SignedInfo")
    assert signed_info is not None
    reference = signed_info.find(f"{ds}Reference")
    assert reference is not None
    for _ in range(policy.max_references):
        signed_info.append(etree.fromstring(etree.tostring(reference)))

    with pytest.raises(ForbiddenXMLError, match="references"):
        validate_xml(etree.tostring(signed), policy)
