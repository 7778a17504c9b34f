"""Refuse documents that carry content the signature does not cover.

The validator tells which element a signature covers, and the form is taken
only from there. That alone would let a sender wrap a signed form inside an
unsigned one (XML signature wrapping): the stored original would then show a
clerk unsigned text first. So the office takes in only documents whose every
part outside the signatures is covered: the signed form is the document
element itself (enveloped), or the document element is the ds:Signature and
each of its ds:Object children is covered or holds only XAdES properties
(enveloping).
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


def wholly_signed(data: bytes, signature: SignatureResult, form: SignedObject) -> bool:
    """Say whether nothing in the document lies outside what ``signature`` covers."""
    root = parse_xml(data).getroot()
    if form.kind == "document":
        return True

    if form.kind == "element":
        return _fragment(form.uri) in _ids(root)

    if form.kind == "object":
        return _objects_covered(root, signature)

    return False


def _objects_covered(root: etree._Element, signature: SignatureResult) -> bool:
    if root.tag != f"{{{DS}}}Signature":
        return False

    if signature.signature_id is not None and root.get("Id") != signature.signature_id:
        return False

    covered = {_fragment(c.uri) for c in signature.covered if c.uri.startswith("#")}
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
