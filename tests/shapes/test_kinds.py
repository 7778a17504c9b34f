"""The three Polish kinds of signature, named in the report."""

from __future__ import annotations

from signing.result import Indication
from signing.validate import validate_xml
from tests.shapes.maker import (
    FAKE_PESEL,
    FAKE_PESEL_2,
    FORM,
    Shape,
    podpis_zp,
    sign_xades,
)


def test_qc_statements_without_a_trusted_list_are_named_qc_unconfirmed(polish):
    data = sign_xades(polish.qualified, Shape(enveloped_in=FORM))
    sig = validate_xml(data, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "qc-unconfirmed"
    assert sig.signer.identifier == f"PNOPL-{FAKE_PESEL}"
    assert sig.to_json()["kind"] == "qc-unconfirmed"


def test_personal_signature_from_eid_card_ca_is_named_personal(polish):
    data = sign_xades(polish.personal, Shape(enveloped_in=FORM))
    sig = validate_xml(data, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "personal"
    assert sig.signer.identifier == f"PNOPL-{FAKE_PESEL_2}"


def test_same_certificate_shape_from_other_ca_is_only_advanced(polish):
    data = sign_xades(polish.plain, Shape(enveloped_in=FORM))
    sig = validate_xml(data, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "advanced"


def test_trusted_profile_names_the_person_inside_the_platform_seal(polish):
    data = sign_xades(
        polish.platform,
        Shape(
            enveloped_in=FORM,
            objects=[podpis_zp("Ewa", "Zaufana", FAKE_PESEL_2, "zp-1")],
        ),
    )
    sig = validate_xml(data, polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.kind == "trusted-profile"
    assert sig.signer.name == "Ewa Zaufana"
    assert sig.signer.identifier == f"PNOPL-{FAKE_PESEL_2}"
    assert sig.sealed_by.organization == "Testowa Platforma Profilu Zaufanego"
    report = sig.to_json()
    assert report["sealed_by"]["name"] == "Testowa Platforma Profilu Zaufanego"


def test_unsigned_trusted_profile_data_is_not_believed(polish):
    data = sign_xades(
        polish.platform,
        Shape(
            enveloped_in=FORM,
            unreferenced=[podpis_zp("Ewa", "Wstawiona", FAKE_PESEL_2, "zp-1")],
        ),
    )
    sig = validate_xml(data, polish.policy()).primary
    assert sig.kind == "qc-unconfirmed"  # the platform's own (qualified) seal
    assert sig.signer.name == "Testowa Platforma Profilu Zaufanego"


def test_trusted_profile_data_under_a_citizen_certificate_is_ignored(polish):
    data = sign_xades(
        polish.qualified,
        Shape(
            enveloped_in=FORM,
            objects=[podpis_zp("Ewa", "Podszyta", FAKE_PESEL_2, "zp-1")],
        ),
    )
    sig = validate_xml(data, polish.policy()).primary
    assert sig.kind == "qc-unconfirmed"
    assert sig.signer.name == "Jan Testowy"
    assert "ignored" in sig.kind_detail


def test_untrusted_chain_is_never_a_polish_kind(polish):
    from dataclasses import replace

    from signing.trust import TrustStore

    data = sign_xades(polish.personal, Shape(enveloped_in=FORM))
    policy = replace(polish.policy(), trust=TrustStore.empty())
    sig = validate_xml(data, policy).primary
    assert sig.indication is Indication.INDETERMINATE
    assert sig.kind == "advanced"
