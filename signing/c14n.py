"""Node-sets and their canonicalisation (C14N 1.0, 1.1, exclusive C14N).

XMLDSig works on XPath node-sets.  The node-sets real signatures produce are
whole subtrees with some subtrees cut out (an enveloped ds:Signature, what an
XPath filter drops), so a :class:`NodeSet` is kept in that shape: apexes
(the document, elements, or all children of an element) over a tree from which
the excluded subtrees have already been removed.  Removal happens on one copy
of the document, never on the parsed original, and the copy is what the
caller gets as the element "as signed".

Canonicalisation is libxml2's, through ``lxml.etree.tostring(method="c14n")``,
which is exact for whole subtrees and fast.  C14N 1.1 is served by the same
code: the two differ only in how ``xml:id``/``xml:base`` of ancestors outside
the node-set are inherited, and a subtree whose ancestors carry ``xml:*``
attributes is refused as unsupported rather than canonicalised wrongly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from signing.algorithms import C14N_METHODS
from signing.safexml import make_parser

XML_NS = "http://www.w3.org/XML/1998/namespace"


class UnsupportedNodeSetError(Exception):
    """A node-set or transform we cannot canonicalise exactly."""


@dataclass(frozen=True)
class Children:
    """All child nodes of an element (the XPath ``node()`` of it)."""

    parent: etree._Element


Apex = etree._ElementTree | etree._Element | Children
"""The document node, one element's subtree, or one element's children."""


@dataclass
class NodeSet:
    """Subtrees of one document: what a reference selects."""

    tree: etree._ElementTree
    """The parsed document; never changed."""
    apexes: list[Apex]
    """The selected subtrees of ``tree``, in document order."""
    with_comments: bool = False
    """Whether comment nodes belong to the set."""
    removed: list[etree._Element] = field(default_factory=list)
    """Subtrees of ``tree`` cut out of the set (an enveloped signature …)."""
    _materialised: list[Apex] | None = field(default=None, repr=False)

    def materialise(self) -> list[Apex]:
        """Return the apexes as signed: over one copy with the cuts made."""
        if not self.removed:
            return self.apexes

        if self._materialised is None:
            self._materialised = _cut_copy(self.tree, self.apexes, self.removed)

        return self._materialised


def canonicalise(nodes: NodeSet, method: str, prefixes: list[str] | None) -> bytes:
    """Return the canonical octets of a node-set by a C14N method URI."""
    exclusive, comments = C14N_METHODS[method]
    comments = comments and nodes.with_comments
    if not exclusive:
        _refuse_inherited_xml_attributes(nodes)

    parts = [
        _canonical_apex(apex, exclusive, comments, prefixes)
        for apex in nodes.materialise()
    ]
    return b"".join(parts)


def canonical_element(
    element: etree._Element, method: str, prefixes: list[str] | None
) -> bytes:
    """Return the canonical octets of one element's subtree (e.g. SignedInfo)."""
    exclusive, comments = C14N_METHODS[method]
    return _c14n(element, exclusive, comments, prefixes)


def _cut_copy(
    tree: etree._ElementTree, apexes: list[Apex], removed: list[etree._Element]
) -> list[Apex]:
    """Copy the document once, map apexes and cuts into it, make the cuts."""
    duplicate = copy.deepcopy(tree)
    distinct = list({id(e): e for e in removed}.values())
    outermost = [
        e for e in distinct if not any(o is not e and is_within(e, o) for o in distinct)
    ]
    mapped = [_map_apex(apex, tree, duplicate) for apex in apexes]
    targets = [counterpart(e, tree, duplicate) for e in outermost]
    for target in targets:
        remove_subtree(target)

    return mapped


def counterpart(
    element: etree._Element, source: etree._ElementTree, target: etree._ElementTree
) -> etree._Element:
    """Return the element of ``target`` at the same place as in ``source``."""
    path = []
    node = element
    parent = node.getparent()
    while parent is not None:
        path.append(parent.index(node))
        node, parent = parent, parent.getparent()

    found = target.getroot()
    for index in reversed(path):
        found = found[index]

    return found


def remove_subtree(element: etree._Element) -> None:
    """Remove an element and its descendants, keeping the text after it."""
    parent = element.getparent()
    if parent is None:
        raise UnsupportedNodeSetError("the document element cannot be removed")

    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail

    parent.remove(element)


def elements(result: Any) -> list[etree._Element]:
    """Return the elements of an XPath result (nothing if not a node-set)."""
    if not isinstance(result, list):
        return []

    return [r for r in result if isinstance(r, etree._Element)]


def nodes_of(result: Any) -> list[Any]:
    """Return an XPath node-set result as a list (empty if not a node-set)."""
    return list(result) if isinstance(result, list) else []


def number(result: Any) -> int:
    """Return an XPath number result as an int."""
    return int(result) if isinstance(result, int | float) else 0


def same_document(element: etree._Element, tree: etree._ElementTree) -> bool:
    """Tell whether an element belongs to the given document."""
    return element.getroottree().getroot() is tree.getroot()


def is_within(node: etree._Element, ancestor: etree._Element) -> bool:
    """Tell whether ``node`` is ``ancestor`` or lies inside it."""
    current: etree._Element | None = node
    while current is not None:
        if current is ancestor:
            return True

        current = current.getparent()

    return False


def apex_element(apex: Apex) -> etree._Element | None:
    """Return the element an apex stands for (the root for the document)."""
    if isinstance(apex, etree._ElementTree):
        return apex.getroot()

    if isinstance(apex, Children):
        return apex.parent

    return apex


def _map_apex(
    apex: Apex, source: etree._ElementTree, target: etree._ElementTree
) -> Apex:
    """Return the apex of the copy that matches ``apex``."""
    if isinstance(apex, etree._ElementTree):
        return target

    if isinstance(apex, Children):
        return Children(counterpart(apex.parent, source, target))

    return counterpart(apex, source, target)


def _canonical_apex(
    apex: Apex, exclusive: bool, comments: bool, prefixes: list[str] | None
) -> bytes:
    """Canonicalise one apex."""
    if isinstance(apex, Children):
        return _canonical_children(apex.parent, exclusive, comments, prefixes)

    return _c14n(apex, exclusive, comments, prefixes)


def _c14n(
    node: etree._ElementTree | etree._Element,
    exclusive: bool,
    comments: bool,
    prefixes: list[str] | None,
) -> bytes:
    """Run libxml2's canonicaliser on a document or an element subtree."""
    inherits = isinstance(node, etree._Element) and _inherits_default_namespace(node)
    if inherits and not exclusive and isinstance(node, etree._Element):
        node = _standalone_copy(node)

    octets = etree.tostring(
        node,
        method="c14n",
        exclusive=exclusive,
        with_comments=comments,
        inclusive_ns_prefixes=prefixes if exclusive else None,
    )
    if exclusive or not isinstance(node, etree._Element) or node.getparent() is None:
        return octets

    if not _nested_declarations(octets):
        return octets

    # libxml2's inclusive C14N of a subtree keeps a descendant's redundant
    # re-declaration of a prefix declared above the subtree (a .NET/Certum
    # quirk); canonicalised as a document of its own, the subtree is exact.
    return etree.tostring(_standalone_copy(node), method="c14n", with_comments=comments)


def _nested_declarations(octets: bytes) -> bool:
    """Tell whether a namespace is declared below the apex's start tag."""
    end = octets.find(b">")
    return octets.find(b" xmlns", end) != -1


def _inherits_default_namespace(node: etree._ElementTree | etree._Element) -> bool:
    """Tell whether a subtree's default namespace is declared above it.

    libxml2's inclusive C14N of such a subtree (as lxml hands it over) writes
    a bogus ``xmlns=""`` on elements two levels down; exclusive C14N and
    whole documents are not affected.
    """
    if not isinstance(node, etree._Element):
        return False

    parent = node.getparent()
    if parent is None:
        return False

    inherited = parent.nsmap.get(None)
    return inherited is not None and node.nsmap.get(None) == inherited


def _standalone_copy(element: etree._Element) -> etree._Element:
    """Return the subtree as its own document, in-scope namespaces declared."""
    text = etree.tostring(element, with_tail=False)
    return etree.fromstring(text, make_parser())


def _canonical_children(
    parent: etree._Element, exclusive: bool, comments: bool, prefixes: list[str] | None
) -> bytes:
    """Canonicalise every child node of an element, in order."""
    parts = [_escape_text(parent.text or "")]
    for child in parent:
        if isinstance(child, etree._Comment):
            if comments:
                parts.append(f"<!--{child.text or ''}-->".encode())
        elif isinstance(child, etree._ProcessingInstruction):
            parts.append(_canonical_pi(child))
        else:
            parts.append(_c14n(child, exclusive, comments, prefixes))

        parts.append(_escape_text(child.tail or ""))

    return b"".join(parts)


def _canonical_pi(node: etree._ProcessingInstruction) -> bytes:
    """Canonicalise a processing instruction."""
    text = str(node.text or "")
    body = f" {text}" if text else ""
    return f"<?{node.target!s}{body}?>".encode()


def _escape_text(text: str) -> bytes:
    """Escape a text node as C14N requires."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace(">", "&gt;").replace("\r", "&#xD;")
    return text.encode()


def _refuse_inherited_xml_attributes(nodes: NodeSet) -> None:
    """Refuse subsets whose apex would inherit ``xml:*`` attributes."""
    for apex in nodes.apexes:
        element = apex_element(apex)
        if element is None or isinstance(apex, etree._ElementTree):
            continue

        start = element if isinstance(apex, Children) else element.getparent()
        for ancestor in _self_and_ancestors(start):
            names = (str(name) for name in ancestor.attrib)
            if any(name.startswith(f"{{{XML_NS}}}") for name in names):
                raise UnsupportedNodeSetError(
                    "inherited xml:* attributes in a document subset"
                )


def _self_and_ancestors(
    element: etree._Element | None,
) -> list[etree._Element]:
    """Return the element and its ancestors, innermost first."""
    found = []
    while element is not None:
        found.append(element)
        element = element.getparent()

    return found
