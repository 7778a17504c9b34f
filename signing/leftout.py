"""What a reference's transforms leave out of the data it names.

A reference names the document (``URI=""``), an element or a ds:Object;
its transforms (the enveloped-signature transform, an XPath filter, XPath
Filter 2.0) may cut parts out before the digest, and only what is digested
is signed.  A reader who is told "the signature covers the document" must
therefore also be told what was cut out of it.

``left_out`` compares the node-set a reference digested with the subtree
it named and lists, as paths, the topmost parts that did not reach the
digest.  ds:Signature elements are never listed: no signature can sign
itself, and what a signature carries is judged by whoever takes the form
in (see ``app/intake/coverage.py``).  Text belongs to its parent element,
so a listed element stands for its attributes and its text too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from signing.algorithms import DSIG
from signing.c14n import Children, NodeSet, apex_element

MAX_LISTED = 20
"""At most this many parts are listed; one more line says how many more."""
START_TAG = "(start tag)"
START_TAG_AND_TEXT = "(start tag and text)"
_SIGNATURE = f"{{{DSIG}}}Signature"
_OBJECT = f"{{{DSIG}}}Object"


@dataclass(frozen=True)
class _Reach:
    """Where a node-set reaches (sets of elements, compared by identity)."""

    whole: bool
    """The document node is an apex: everything is in but the cuts."""
    apexes: frozenset[etree._Element]
    """Elements that are apexes with their whole subtree."""
    children_of: frozenset[etree._Element]
    """Elements whose children (not the element itself) are an apex."""
    removed: frozenset[etree._Element]
    """Subtrees cut out of the set."""
    above_apex: frozenset[etree._Element]
    """Elements with an apex strictly inside them."""
    above_cut: frozenset[etree._Element]
    """Elements with a cut inside them (or cut themselves)."""


def left_out(nodes: NodeSet, origin: NodeSet) -> list[str]:
    """List the parts of ``origin``'s subtrees that ``nodes`` leaves out.

    ``origin`` is the node-set as the reference named it (before any
    transform); both must be over the same parsed document.  Each part is
    the path of an element (with everything in it), or of an element whose
    start tag (its name and attributes) or own text alone is left out.
    """
    if nodes.tree.getroot() is not origin.tree.getroot():
        return ["(the named data was not followed through the transforms)"]

    reach = _reach(nodes)
    found = _Found()
    for apex in origin.apexes:
        start = apex_element(apex)
        if start is not None:
            _walk(start, reach, found)

    return found.listed()


def names_left_out(nodes: NodeSet) -> list[str]:
    """List the elements inside a node-set whose names and attributes a
    base64 transform drops (it digests only the text)."""
    found = _Found()
    for apex in nodes.apexes:
        top = apex_element(apex)
        if top is None:
            continue

        for child in top.iterchildren():
            if isinstance(child.tag, str):
                found.add(child, START_TAG)

    return found.listed()


def element_path(element: etree._Element) -> str:
    """Return a readable path: local names, ``[n]`` where a name repeats."""
    steps = []
    node: etree._Element | None = element
    while node is not None:
        steps.append(_step(node))
        node = node.getparent()

    return "/" + "/".join(reversed(steps))


def _step(element: etree._Element) -> str:
    name = etree.QName(element).localname
    parent = element.getparent()
    if parent is None:
        return name

    same = [c for c in parent.iterchildren(element.tag)]
    if len(same) == 1:
        return name

    return f"{name}[{same.index(element) + 1}]"


def _reach(nodes: NodeSet) -> _Reach:
    """Index a node-set's apexes and cuts for the walk."""
    apexes: set[etree._Element] = set()
    children_of: set[etree._Element] = set()
    whole = False
    for apex in nodes.apexes:
        if isinstance(apex, etree._ElementTree):
            whole = True
        elif isinstance(apex, Children):
            children_of.add(apex.parent)
        else:
            apexes.add(apex)

    tops = [apex_element(a) for a in nodes.apexes]
    return _Reach(
        whole,
        frozenset(apexes),
        frozenset(children_of),
        frozenset(nodes.removed),
        frozenset(_ancestors([e for e in tops if e is not None], strict=True)),
        frozenset(_ancestors(nodes.removed, strict=False)),
    )


def _ancestors(elements: list[etree._Element], strict: bool) -> set[etree._Element]:
    # Sets of elements, not of id(): lxml makes a new proxy object for a
    # node once the last one is gone, so only held elements keep identity.
    found: set[etree._Element] = set()
    for element in elements:
        node = element.getparent() if strict else element
        while node is not None and node not in found:
            found.add(node)
            node = node.getparent()

    return found


def _walk(start: etree._Element, reach: _Reach, found: _Found) -> None:
    """Visit the named subtree top-down, noting what the node-set misses."""
    stack = [(start, reach.whole or _inside_apex(start, reach))]
    while stack:
        element, inside = stack.pop()
        if element.tag == _SIGNATURE:
            continue

        if element in reach.removed:
            found.add(element)
            continue

        whole = inside or element in reach.apexes
        content = whole or element in reach.children_of
        if not content and element not in reach.above_apex:
            found.add(element)
            continue

        if not whole and not (element is start and element.tag == _OBJECT):
            found.add(element, START_TAG if content else START_TAG_AND_TEXT)

        if whole and element not in reach.above_cut:
            continue

        children = [c for c in element.iterchildren() if isinstance(c.tag, str)]
        stack.extend((child, content) for child in reversed(children))


def _inside_apex(element: etree._Element, reach: _Reach) -> bool:
    """Whether an ancestor of ``element`` brings it into the node-set."""
    parent = element.getparent()
    while parent is not None:
        if parent in reach.apexes or parent in reach.children_of:
            return True

        parent = parent.getparent()

    return False


class _Found:
    """The parts found so far: paths for the first few, a count of the rest
    (a path costs a walk over siblings; thousands of cuts must stay cheap)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.more = 0

    def add(self, element: etree._Element, what: str = "") -> None:
        if len(self.paths) == MAX_LISTED:
            self.more += 1
            return

        path = element_path(element)
        self.paths.append(f"{path} {what}" if what else path)

    def listed(self) -> list[str]:
        if not self.more:
            return self.paths

        return [*self.paths, f"(and {self.more} more)"]
