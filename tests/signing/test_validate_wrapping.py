"""Signature wrapping (XSW): unsigned content is never taken as the form."""

from __future__ import annotations

from lxml import etree

from signing.result import Indication, SubIndication
from signing.validate import form_elements, validate_xml
from tests.signing.maker import FORM, PKI, Options, sign_enveloped

DS = "http://www.w3.org/2000/09/xmldsig#"


def _signed_by_id(pki: PKI) -> bytes:
    """Sign FORM and point the data reference at #wniosek instead of URI=''."""
    return sign_enveloped(FORM, pki.citizen, Options(xades=False))


def test_form_moved_under_unsigned_wrapper_still_yields_only_signed_element(
    pki: PKI, policy
):
    signed = etree.fromstring(_signed_by_id(pki))
    wrapper = etree.Element("{urn:example:wniosek}Wniosek", Id="evil")
    etree.SubElement(wrapper, "{urn:example:wniosek}Kwota").text = "99.00"
    wrapper.append(signed)
    result = validate_xml(etree.tostring(wrapper), policy)
    assert result.indication is Indication.TOTAL_FAILED
    assert result.subindication is SubIndication.HASH_FAILURE


def test_duplicate_id_of_referenced_element_is_a_format_failure(pki: PKI, policy):
    data = sign_enveloped(FORM, pki.citizen)
    root = etree.fromstring(data)
    fake = etree.SubElement(root, "{urn:example:wniosek}Kwota", Id="props-1")
    fake.text = "99.00"
    result = validate_xml(etree.tostring(root), policy)
    assert result.indication is Indication.TOTAL_FAILED
    assert result.subindication is SubIndication.FORMAT_FAILURE


def test_signed_properties_hidden_deeper_in_object_are_not_found(pki: PKI, policy):
    root = etree.fromstring(sign_enveloped(FORM, pki.citizen))
    qp = root.find(
        f".//{{{DS}}}Object/{{http://uri.etsi.org/01903/v1.3.2#}}QualifyingProperties"
    )
    obj = qp.getparent()
    wrapper = etree.SubElement(obj, "wrapper")
    wrapper.append(qp)
    result = validate_xml(etree.tostring(root), policy)
    assert result.indication is not Indication.TOTAL_PASSED


def test_form_elements_exclude_signed_properties(pki: PKI, policy):
    result = validate_xml(sign_enveloped(FORM, pki.citizen), policy)
    kinds = [c.kind for c in result.primary.covered]
    assert kinds == ["document", "signed-properties"]
    assert len(form_elements(result.primary)) == 1


def test_validation_leaves_its_parsed_tree_as_parsed(pki: PKI, policy):
    # Callers (the intake's coverage check) read the tree instead of the bytes:
    # the enveloped transform and C14N must have worked on copies.
    data = sign_enveloped(FORM, pki.citizen)
    result = validate_xml(data, policy)
    assert result.tree is not None
    fresh = etree.fromstring(data).getroottree()
    assert etree.tostring(result.tree) == etree.tostring(fresh)
    assert result.tree.getroot().find(f"{{{DS}}}Signature") is not None
