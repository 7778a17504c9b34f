"""Plain XMLDSig made by xml-crypto (npm) and xmlsec1 (Debian) over our forms.

No XAdES properties: the result's form is ``XMLDSig`` and the signer comes from
the KeyInfo certificate. The last tests check the signed files without our
validator (shape, xmlsec1's verdict).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from signing.result import Indication, SubIndication
from signing.validate import validate_xml
from tests.outside import expect, subjects
from tests.outside.conftest import OutsidePKI, Signed
from tests.outside.subjects import XMLDSIG_CASES, Variant

pytestmark = pytest.mark.clients


def signed_case(matrix: Mapping[Variant, Signed], case: Variant) -> Signed:
    """Return the signed files of one case, failing if its subject is missing."""
    subjects.require_subject(case.subject)
    return matrix[case]


@pytest.mark.parametrize("case", XMLDSIG_CASES, ids=str)
def test_plain_xmldsig_from_outside_tool_passes_as_xmldsig(
    case: Variant,
    xmldsig_signed: Mapping[Variant, Signed],
    outside_pki: OutsidePKI,
    trusting_policy: Any,
) -> None:
    signed = signed_case(xmldsig_signed, case)
    result = validate_xml(signed.intact, trusting_policy)

    assert result.indication is Indication.TOTAL_PASSED, expect.describe(result)
    assert len(result.signatures) == 1

    sig = result.primary
    assert sig.form == "XMLDSig"
    assert sig.signing_time is None
    expect.assert_citizen(sig.signer, outside_pki.signers[case.key].certificate)
    kind = "element" if case.mode.endswith("-id") else "document"
    expect.assert_covers_form(sig, signed.sample, kind)


@pytest.mark.parametrize("case", XMLDSIG_CASES, ids=str)
def test_plain_xmldsig_tampered_form_text_fails_with_hash_failure(
    case: Variant,
    xmldsig_signed: Mapping[Variant, Signed],
    trusting_policy: Any,
) -> None:
    signed = signed_case(xmldsig_signed, case)
    result = validate_xml(signed.tampered_text, trusting_policy)

    assert result.indication is Indication.TOTAL_FAILED, expect.describe(result)
    assert result.subindication is SubIndication.HASH_FAILURE


@pytest.mark.parametrize("case", XMLDSIG_CASES, ids=str)
def test_plain_xmldsig_with_empty_trust_store_is_indeterminate_no_chain(
    case: Variant,
    xmldsig_signed: Mapping[Variant, Signed],
    empty_policy: Any,
) -> None:
    signed = signed_case(xmldsig_signed, case)
    result = validate_xml(signed.intact, empty_policy)

    assert result.indication is Indication.INDETERMINATE, expect.describe(result)
    assert result.subindication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


@pytest.mark.parametrize("case", XMLDSIG_CASES, ids=str)
def test_xmldsig_tool_output_is_plain_enveloped_xmldsig(
    case: Variant, xmldsig_signed: Mapping[Variant, Signed]
) -> None:
    signed = xmldsig_signed[case]
    root = subjects.form_root(signed.intact)

    assert root.tag == subjects.form_root(signed.sample).tag
    assert root[-1].tag == f"{{{expect.DS}}}Signature"
    assert list(root.iter(f"{{{expect.XADES}}}*")) == []

    assert expect.signature_methods(root) == [expect.SIGNATURE_METHOD[case.key]]


@pytest.mark.parametrize("case", XMLDSIG_CASES, ids=str)
def test_xmldsig_tool_output_verifies_with_xmlsec1_and_tampered_copy_does_not(
    case: Variant,
    xmldsig_signed: Mapping[Variant, Signed],
    outside_pki: OutsidePKI,
    tmp_path: Path,
) -> None:
    signed = xmldsig_signed[case]

    def verifies(data: bytes) -> bool:
        return expect.xmlsec1_verify(
            data, signed.sample, outside_pki.root_pem, tmp_path
        )

    assert verifies(signed.intact)
    assert not verifies(signed.tampered_text)
