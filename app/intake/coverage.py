"""Refuse documents that carry content the signature does not cover.

The validator tells which element a signature covers, and the form is taken
only from there. That alone would let a sender wrap a signed form inside an
unsigned one (XML signature wrapping): the stored original would then show a
clerk unsigned text first. So the office takes in only documents whose every
part outside the signatures is covered: the signed form is the document
element itself (enveloped), or the document element is the ds:Signature and
each of its ds:Object children is covered or holds only XAdES properties
(enveloping).

An enveloped signature (``Reference URI=""`` with the enveloped-signature
transform) signs the document without its ds:Signature elements, and
canonicalisation drops comments. So, whatever the shape, a ds:Object that no
reference names must hold only XAdES properties, no element of the form's
namespace may hide in a ds:Signature outside a covered object, and no
comment may sit inside the signed form: a clerk opening the stored bytes
would read text nobody signed.
"""

from __future__ import annotations

from lxml import etree

from signing.result import SignatureResult, SignedObject
from signing.safexml import parse_xml

DS = "http://www.w3.org/2000/09/xmldsig#"
ID_ATTRIBUTES = ("Id", "ID", "id")
XADES_NAMESPACES = frozenset(
    {
        "http://uri.etsi.org/01903/v1.1.1#",
        "http://uri.etsi.org/01903/v1.2.2#",
        "http://uri.etsi.org/01903/v1.3.2#",
        "http://uri.etsi.org/01903/v1.4.1#",
    }
)


def wholly_signed(
    data: bytes,
    signature: SignatureResult,
    form: SignedObject,
    tree: etree._ElementTree | None = None,
) -> bool:
    """Say whether nothing in the document lies outside what ``signature`` covers.

    ``tree`` is ``data`` as the validator parsed it, when the caller has it.
    """
    root = (tree if tree is not None else parse_xml(data)).getroot()
    if form.kind in ("document", "element"):
        if form.kind == "element" and _fragment(form.uri) not in _ids(root):
            return False
        return _signatures_clean(root, signature) and not _has_comment(root)

    if form.kind == "object":
        return _objects_covered(root, signature) and not any(
            _has_comment(obj) for obj in _covered_objects(root, signature)
        )

    return False


def _signatures_clean(root: etree._Element, signature: SignatureResult) -> bool:
    """No unsigned content inside any ds:Signature of an enveloped document."""
    covered = _covered_ids(signature)
    namespace = etree.QName(root).namespace
    for sig in root.iter(f"{{{DS}}}Signature"):
        for obj in sig.iterchildren(f"{{{DS}}}Object"):
            if not (_ids(obj) & covered) and not _only_properties(obj):
                return False
        if namespace is not None and any(
            etree.QName(e).namespace == namespace
            for e in sig.iter()
            if isinstance(e.tag, str)
        ):
            return False

    return True


def _has_comment(form: etree._Element) -> bool:
    """A comment in the signed form, outside its own ds:Signature elements."""
    for comment in form.iter(etree.Comment):
        if not _in_signature_below(comment, form):
            return True

    return False


def _in_signature_below(node: etree._Element, top: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if parent.tag == f"{{{DS}}}Signature":
            return True
        parent = parent.getparent()

    return False


def _covered_objects(
    root: etree._Element, signature: SignatureResult
) -> list[etree._Element]:
    covered = _covered_ids(signature)
    return [o for o in root.iterchildren(f"{{{DS}}}Object") if _ids(o) & covered]


def _covered_ids(signature: SignatureResult) -> set[str]:
    return {_fragment(c.uri) for c in signature.covered if c.uri.startswith("#")}


def _objects_covered(root: etree._Element, signature: SignatureResult) -> bool:
    if root.tag != f"{{{DS}}}Signature":
        return False

    if signature.signature_id is not None and root.get("Id") != signature.signature_id:
        return False

    covered = _covered_ids(signature)
    for obj in root.iterchildren(f"{{{DS}}}Object"):
        if _ids(obj) & covered:
            continue
        if not _only_properties(obj):
            return False

    return True


def _only_properties(obj: etree._Element) -> bool:
    children = [c for c in obj if isinstance(c.tag, str)]
    return all(etree.QName(c).namespace in XADES_NAMESPACES for c in children) and not (
        (obj.text or "").strip()
    )


def _ids(element: etree._Element) -> set[str]:
    return {value for name in ID_ATTRIBUTES if (value := element.get(name)) is not None}


def _fragment(uri: str) -> str:
    return uri[1:] if uri.startswith("#") else uri
