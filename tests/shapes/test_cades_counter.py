"""Counter-signatures inside CAdES (RFC 5652 11.4), each reported on its own."""

from __future__ import annotations

import pytest

from signing import pki
from signing.asic import ASIC_S, validate_container
from signing.cades import validate_cms
from signing.errors import NotCMSError
from signing.policy import ValidationPolicy
from signing.result import Indication, SubIndication
from signing.trust import TrustStore
from tests.shapes.cmsmaker import counter_sign, make_zip, sign_cms

PAYLOAD = "Wniosek o wydanie zaświadczenia (test)\n".encode()


def _counter_signed(polish, counter_signer, **kwargs):
    return counter_sign(sign_cms(polish.qualified, PAYLOAD), counter_signer, **kwargs)


def test_counter_signature_is_reported_with_its_parent(polish):
    data = _counter_signed(polish, polish.personal)
    result = validate_cms(data, polish.policy(), PAYLOAD)
    assert result.indication is Indication.TOTAL_PASSED
    parent, counter = result.signatures
    assert parent.signature_id == "signer-1"
    assert parent.counter_signature_of is None
    assert counter.counter_signature_of == "signer-1"
    assert counter.signature_id == "signer-1-counter-1"
    assert counter.signer.name == "Ewa Przykładowa"
    assert counter.kind == "personal"
    assert counter.signing_time is not None
    passed = {c.name for c in counter.checks if c.passed}
    assert {"countersigned-value", "signature-value", "certificate-path"} <= passed
    assert result.primary is parent


def test_counter_signer_path_is_built_from_the_cms_certificates(polish):
    data = _counter_signed(polish, polish.personal)
    bare = ValidationPolicy(TrustStore.from_certificates([polish.root.certificate]))
    counter = validate_cms(data, bare, PAYLOAD).signatures[1]
    assert counter.indication is Indication.TOTAL_PASSED
    assert len(counter.chain) == 3


def test_counter_signature_over_other_octets_is_hash_failure(polish):
    data = _counter_signed(polish, polish.personal, over=b"another signature value")
    result = validate_cms(data, polish.policy(), PAYLOAD)
    counter = result.signatures[1]
    assert (counter.indication, counter.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )
    assert result.signatures[0].indication is Indication.TOTAL_PASSED
    assert result.indication is Indication.TOTAL_FAILED


def test_counter_signature_with_a_forged_value_fails(polish):
    data = bytearray(_counter_signed(polish, polish.personal))
    from asn1crypto import cms

    info = cms.ContentInfo.load(bytes(data))
    counter = info["content"]["signer_infos"][0]["unsigned_attrs"][0]["values"][0]
    value = bytes(counter["signature"].native)
    spot = bytes(data).index(value)
    data[spot + 10] ^= 0x01
    result = validate_cms(bytes(data), polish.policy(), PAYLOAD)
    assert (result.signatures[1].indication, result.signatures[1].subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.SIG_CRYPTO_FAILURE,
    )
    assert result.signatures[0].indication is Indication.TOTAL_PASSED


def test_counter_signer_without_certificate_is_indeterminate(polish):
    data = _counter_signed(polish, polish.personal, with_certificate=False)
    counter = validate_cms(data, polish.policy(), PAYLOAD).signatures[1]
    assert (counter.indication, counter.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
    )


def test_counter_signer_from_an_untrusted_root_has_no_chain(polish):
    stranger_root = pki.make_root("Obce Centrum")
    stranger = pki.make_citizen(
        stranger_root, given_name="Adam", surname="Obcy", pesel="00000000000"
    )
    data = _counter_signed(polish, stranger)
    result = validate_cms(data, polish.policy(), PAYLOAD)
    counter = result.signatures[1]
    assert counter.indication is Indication.INDETERMINATE
    assert counter.subindication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    assert result.indication is Indication.INDETERMINATE


def test_nested_counter_signature_counters_the_counter_signature(polish):
    once = _counter_signed(polish, polish.personal)
    from asn1crypto import cms

    info = cms.ContentInfo.load(once)
    first = info["content"]["signer_infos"][0]["unsigned_attrs"][0]["values"][0]
    nested = _nest(once, polish.plain, first)
    result = validate_cms(nested, polish.policy(), PAYLOAD)
    ids = [(s.signature_id, s.counter_signature_of) for s in result.signatures]
    assert ids == [
        ("signer-1", None),
        ("signer-1-counter-1", "signer-1"),
        ("signer-1-counter-1-counter-1", "signer-1-counter-1"),
    ]
    assert result.indication is Indication.TOTAL_PASSED


def _nest(cms_der, signer, first):
    """Counter-sign the first counter-signature (through a throwaway CMS)."""
    from asn1crypto import cms

    info = cms.ContentInfo.load(cms_der)
    signed = info["content"]
    holder = signed.copy()
    holder["signer_infos"] = cms.SignerInfos([first])
    with_nested = cms.ContentInfo.load(
        counter_sign(
            bytes(
                cms.ContentInfo(
                    {"content_type": "signed_data", "content": holder}
                ).dump(force=True)
            ),
            signer,
        )
    )
    nested_first = with_nested["content"]["signer_infos"][0]
    parent = signed["signer_infos"][0]
    parent["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": "counter_signature", "values": [nested_first]})]
    )
    signed["certificates"] = with_nested["content"]["certificates"]
    return bytes(
        cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(
            force=True
        )
    )


def test_too_many_counter_signatures_are_refused(polish):
    data = sign_cms(polish.qualified, PAYLOAD)
    for _ in range(3):
        data = counter_sign(data, polish.personal)
    with pytest.raises(NotCMSError):
        validate_cms(data, polish.policy(max_signatures=2), PAYLOAD)


def test_counter_signature_inside_an_asic_s_is_reported(polish):
    container = make_zip(
        [
            ("mimetype", ASIC_S.encode()),
            ("wniosek.txt", PAYLOAD),
            ("META-INF/signature.p7s", _counter_signed(polish, polish.personal)),
        ]
    )
    result = validate_container(container, polish.policy())
    assert [s.counter_signature_of for s in result.validation.signatures] == [
        None,
        "signer-1",
    ]
    assert result.validation.indication is Indication.TOTAL_PASSED
    assert result.uncovered == ()
