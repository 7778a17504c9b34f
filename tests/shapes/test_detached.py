"""Detached XAdES (.xades / .sig beside a ZIP or PDF), and several signatures."""

from __future__ import annotations

import pytest

from signing.detached import validate_any, validate_detached
from signing.errors import NotCMSError, NotDetachedError, PayloadNotCoveredError
from signing.result import Indication, SubIndication
from signing.validate import validate_xml
from tests.shapes.cmsmaker import make_zip
from tests.shapes.maker import FORM, Shape, sign_xades

PACKAGE = make_zip([("wniosek.xml", FORM), ("skan.pdf", b"%PDF-1.4 skan\n%%EOF\n")])
PDF = b"%PDF-1.4\n% fake letter\n%%EOF\n"


def test_detached_xades_over_a_zip_passes_under_any_upload_name(polish):
    sig = sign_xades(
        polish.qualified, Shape(files={"Paczka_SignedPackage.zip": PACKAGE})
    )
    result = validate_detached(sig, PACKAGE, polish.policy(), "renamed-by-browser.zip")
    assert result.indication is Indication.TOTAL_PASSED
    covered = [c for c in result.primary.covered if c.kind == "external"]
    assert covered[0].uri == "Paczka_SignedPackage.zip"


def test_detached_xades_over_a_pdf_with_plus_in_the_name(polish):
    name = "Sprawa_NPII.4131.1.815.2020_20201202_161026+.pdf"
    sig = sign_xades(polish.personal, Shape(files={name: PDF}))
    result = validate_any(sig, polish.policy(), {name: PDF})
    assert result.indication is Indication.TOTAL_PASSED
    assert result.primary.kind == "personal"


def test_detached_xades_with_a_different_file_is_hash_failure(polish):
    sig = sign_xades(polish.qualified, Shape(files={"a.zip": PACKAGE}))
    result = validate_detached(sig, PACKAGE + b"\0", polish.policy())
    assert (result.indication, result.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_detached_xades_without_its_file_is_signed_data_not_found(polish):
    sig = sign_xades(polish.qualified, Shape(files={"a.zip": PACKAGE}))
    result = validate_xml(sig, polish.policy())
    assert result.subindication is SubIndication.SIGNED_DATA_NOT_FOUND


def test_enveloped_signature_with_a_payload_is_payload_not_covered(polish):
    sig = sign_xades(polish.qualified, Shape(enveloped_in=FORM))
    with pytest.raises(PayloadNotCoveredError) as caught:
        validate_detached(sig, PDF, polish.policy())
    assert caught.value.code == "payload-not-covered"


def test_two_files_matched_by_name(polish):
    files = {"a.pdf": PDF, "b.zip": PACKAGE}
    sig = sign_xades(polish.qualified, Shape(files=files))
    result = validate_any(sig, polish.policy(), files)
    assert result.indication is Indication.TOTAL_PASSED
    assert len([c for c in result.primary.covered if c.kind == "external"]) == 2


def test_several_signatures_in_one_document_each_reported(polish):
    first = sign_xades(polish.qualified, Shape(enveloped_in=FORM, sig_id="s1"))
    both = sign_xades(polish.personal, Shape(enveloped_in=first, sig_id="s2"))
    result = validate_xml(both, polish.policy())
    # The second signature's enveloped transform removes only itself, so the
    # first signature (inside the document it signs) is covered; the first's
    # own digest changed when the second was added, as with any such tool.
    ids = [s.signature_id for s in result.signatures]
    assert ids == ["s1", "s2"]
    assert result.signatures[1].indication is Indication.TOTAL_PASSED
    assert result.signatures[1].kind == "personal"
    assert result.signatures[0].subindication is SubIndication.HASH_FAILURE


def test_redundant_namespace_redeclaration_inside_signed_part_is_canonical():
    # Certum-style producers re-declare xmlns:xades on elements inside the
    # SignedProperties; inclusive C14N drops such declarations.
    from lxml import etree

    from signing.c14n import _c14n

    xml = (
        b'<r xmlns:d="urn:d"><q xmlns:x="urn:x"><x:p Id="p"><x:a xmlns:d="urn:d">'
        b'<d:b xmlns:x="urn:x">1</d:b></x:a></x:p></q></r>'
    )
    target = etree.fromstring(xml)[0][0]
    assert _c14n(target, False, False, None) == (
        b'<x:p xmlns:d="urn:d" xmlns:x="urn:x" Id="p"><x:a><d:b>1</d:b></x:a></x:p>'
    )


@pytest.mark.parametrize(
    "namespace",
    [
        "http://uri.etsi.org/01903/v1.1.1#",
        "http://uri.etsi.org/01903/v1.2.2#",
        "http://uri.etsi.org/01903/v1.3.2#",
        "http://uri.etsi.org/01903/v1.4.1#",
    ],
)
def test_every_xades_namespace_is_recognised(polish, namespace):
    shape = Shape(enveloped_in=FORM, xades_namespace=namespace)
    sig = validate_xml(sign_xades(polish.qualified, shape), polish.policy()).primary
    assert sig.indication is Indication.TOTAL_PASSED
    assert sig.form == "XAdES-BES"
    assert sig.signing_time is not None


GARBAGE_CMS = b"\x30\x82\x01\x00" + bytes(range(256))


@pytest.mark.parametrize("signature", [GARBAGE_CMS, b"no signature here at all"])
def test_a_signature_neither_xml_nor_cms_is_not_cms_review_r10(polish, signature):
    with pytest.raises(NotCMSError):
        validate_detached(signature, PDF, polish.policy())


def test_a_damaged_p7s_alone_is_not_cms_not_malformed_xml_review_r10(polish):
    with pytest.raises(NotCMSError):
        validate_any(GARBAGE_CMS, polish.policy())


@pytest.mark.parametrize("signature", [PDF, PACKAGE])
def test_a_pdf_or_zip_given_as_the_signature_is_not_detached_review_r10(
    polish, signature
):
    with pytest.raises(NotDetachedError):
        validate_detached(signature, PDF, polish.policy())
