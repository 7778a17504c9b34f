"""Refuse documents that carry content the signature does not cover.

The validator tells which element a signature covers, and the form is taken
only from there. That alone would let a sender wrap a signed form inside an
unsigned one (XML signature wrapping): the stored original would then show a
clerk unsigned text first. So the office takes in only documents whose every
part outside the signatures is covered: the signed form is the document
element itself (enveloped), or the document element is the ds:Signature and
each of its ds:Object children is covered or holds only XAdES properties
(enveloping).

What a reference covers is judged on the node-set it digested, not on what
its URI names: a ``URI=""`` reference whose XPath filter or XPath Filter 2.0
transform cuts out an element (or whose Filter 2.0 intersect keeps only a
part) leaves that element unsigned, and ``SignedObject.left_out`` lists it
(:mod:`signing.leftout`). The form's reference, and every reference that
makes a ds:Object count as covered, must leave nothing out but
ds:Signature elements. Genuine Polish tools cut only the signature
(``not(ancestor-or-self::ds:Signature)``, a Filter 2.0 subtract of it).

An enveloped signature (``Reference URI=""`` with the enveloped-signature
transform) signs the document without its ds:Signature elements, and
canonicalisation drops comments. So, whatever the shape, a ds:Object that no
reference names must hold only XAdES properties, no element of the form's
namespace may hide in a ds:Signature outside a covered object, and no
comment may sit inside the signed form: a clerk opening the stored bytes
would read text nobody signed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from lxml import etree

from app.errors import ErrorCode, RequestError
from app.i18n import N_
from signing.c14n import NodeSet
from signing.leftout import left_out
from signing.result import SignatureResult, SignedObject, ValidationResult
from signing.safexml import parse_xml
from signing.validate import FORM_ELEMENT_KINDS
from signing.xmldsig import index_ids

log = logging.getLogger(__name__)

FormTest = Callable[[etree._Element], bool]

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
MAX_PARTS_SHOWN = 400
LEFT_OUT_WORDS = N_(
    "The signature leaves part of the form unsigned: %(parts)s. The signing "
    "tool left it out (a transform such as an XPath filter, or a reference to "
    "a part only); sign the whole form and send it again."
)


def refuse_uncovered(
    data: bytes,
    validation: ValidationResult,
    signature: SignatureResult,
    covered: SignedObject,
    digest: str,
    is_form: FormTest,
) -> None:
    """Refuse (422) a form any part of which its signature does not cover:
    parts its transforms left out, a signature over parts named by Id, or
    anything else outside what was signed."""
    refuse_left_out(covered, digest)
    refuse_part_signed(data, validation, digest, is_form)
    if not wholly_signed(data, signature, covered, validation.tree):
        code = ErrorCode.CONTENT_OUTSIDE_SIGNATURE
        log.warning("refused", extra={"sha256": digest, "reason": code.value})
        raise RequestError(code, 422)


def refuse_part_signed(
    data: bytes, validation: ValidationResult, digest: str, is_form: FormTest
) -> None:
    """Refuse a form whose signatures name only parts of it by Id (422),
    naming what they leave out; do nothing if the document is not a form
    or a signature names its root."""
    items = [
        item
        for signature in validation.signatures
        for item in signature.covered
        if item.kind in FORM_ELEMENT_KINDS
    ]
    if any(item.kind == "document" and not item.left_out for item in items):
        return

    tree = validation.tree if validation.tree is not None else parse_xml(data)
    root = tree.getroot()
    if not is_form(root):
        return

    ids = index_ids(tree)
    named = [
        found[0]
        for item in items
        if item.uri.startswith("#")
        if len(found := ids.get(_fragment(item.uri), [])) == 1
    ]
    if not named or any(element is root for element in named):
        return

    whole = NodeSet(tree, [tree])
    refuse_parts(left_out(NodeSet(tree, list(named)), whole), digest)


def refuse_left_out(covered: SignedObject, digest: str) -> None:
    """Refuse a form its signature's transforms left partly unsigned (422)."""
    refuse_parts(list(covered.left_out), digest)


def refuse_parts(parts: list[str], digest: str) -> None:
    """Refuse with content-outside-signature naming the unsigned parts
    (they are the sender's own element names); nothing if there are none."""
    if not parts:
        return

    code = ErrorCode.CONTENT_OUTSIDE_SIGNATURE
    log.warning(
        "refused", extra={"sha256": digest, "reason": code.value, "parts": len(parts)}
    )
    said = ", ".join(parts)
    if len(said) > MAX_PARTS_SHOWN:
        said = said[: MAX_PARTS_SHOWN - 1] + "…"
    raise RequestError(code, 422, LEFT_OUT_WORDS, {"parts": said})


def wholly_signed(
    data: bytes,
    signature: SignatureResult,
    form: SignedObject,
    tree: etree._ElementTree | None = None,
) -> bool:
    """Say whether nothing in the document lies outside what ``signature`` covers.

    ``tree`` is ``data`` as the validator parsed it, when the caller has it.
    """
    if form.left_out:
        return False

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
    """Ids named by references that digested all they name."""
    return {
        _fragment(c.uri)
        for c in signature.covered
        if c.uri.startswith("#") and not c.left_out
    }


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
