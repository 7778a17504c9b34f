"""Find content of a sealed document that its enveloped seal does not cover.

A receipt or checkpoint is sealed with ``Reference URI=""`` and the
enveloped-signature transform: the seal covers the document without its
ds:Signature, and canonicalisation drops comments. So a doctored file can
keep a valid seal while carrying text nobody sealed: a whole look-alike
document in an extra ds:Object, an element of the document's namespace in
the seal's unsigned properties, or a comment that splits a value
(``TOTAL_<!--x-->FAILED``) so that a reader and the seal see different
things. None of those has any place in what this office seals, so any of
them makes the document refused rather than read.
"""

from __future__ import annotations

from lxml import etree

from signing.result import SignatureResult
from signing.safexml import parse_xml

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NAMESPACES = frozenset(
    {
        "http://uri.etsi.org/01903/v1.1.1#",
        "http://uri.etsi.org/01903/v1.2.2#",
        "http://uri.etsi.org/01903/v1.3.2#",
        "http://uri.etsi.org/01903/v1.4.1#",
    }
)
_ID_ATTRIBUTES = ("Id", "ID", "id")


def outside_seal(data: bytes, signature: SignatureResult) -> str | None:
    """Say what ``data`` holds outside what ``signature`` covers; None if nothing."""
    root = parse_xml(data).getroot()
    if _has_comment_or_instruction(root):
        return "a comment or processing instruction"

    covered = {c.uri[1:] for c in signature.covered if c.uri.startswith("#")}
    namespace = etree.QName(root).namespace
    for seal in root.iter(f"{{{DS}}}Signature"):
        for obj in seal.iterchildren(f"{{{DS}}}Object"):
            if not (_ids(obj) & covered) and not _only_properties(obj):
                return "an extra ds:Object"

        if namespace is not None and any(
            isinstance(e.tag, str) and etree.QName(e).namespace == namespace
            for e in seal.iter()
        ):
            return "document content inside the seal"

    return None


def _has_comment_or_instruction(root: etree._Element) -> bool:
    # Around the root too: a reader sees those lines as much as the root's.
    around = [*root.itersiblings(preceding=True), *root.itersiblings()]
    inside = root.iter(etree.Comment, etree.ProcessingInstruction)
    return bool(around) or any(True for _ in inside)


def _only_properties(obj: etree._Element) -> bool:
    children = [c for c in obj if isinstance(c.tag, str)]
    return not (obj.text or "").strip() and all(
        etree.QName(c).namespace in XADES_NAMESPACES for c in children
    )


def _ids(element: etree._Element) -> set[str]:
    return {v for name in _ID_ATTRIBUTES if (v := element.get(name)) is not None}
