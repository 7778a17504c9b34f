"""XAdES-EPES: the signature policy's digest is checked when we hold it."""

from __future__ import annotations

from signing.result import Indication, SubIndication
from signing.validate import validate_xml
from tests.shapes.maker import FORM, Shape, sign_xades

POLICY_ID = "urn:oid:1.2.616.1.999.1"
POLICY_DOC = b"Polityka podpisu testowa, wersja 1\n"


def _signed(polish):
    return sign_xades(
        polish.qualified, Shape(enveloped_in=FORM, policy=(POLICY_ID, POLICY_DOC))
    )


def test_policy_digest_matches_held_document(polish):
    policy = polish.policy(signature_policies={POLICY_ID: POLICY_DOC})
    sig = validate_xml(_signed(polish), policy).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.policy.status == "matched"
    assert sig.form == "XAdES-EPES"


def test_policy_digest_mismatch_is_policy_processing_error(polish):
    policy = polish.policy(signature_policies={POLICY_ID: b"another text"})
    sig = validate_xml(_signed(polish), policy).primary
    assert (sig.indication, sig.subindication) == (
        Indication.INDETERMINATE,
        SubIndication.POLICY_PROCESSING_ERROR,
    )
    assert sig.policy.status == "mismatched"


def test_policy_not_held_is_reported_not_failed(polish):
    sig = validate_xml(_signed(polish), polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.to_json()["policy"]["status"] == "not-available"
    assert any(c.name == "signature-policy" and not c.passed for c in sig.checks)
