"""XMLDSig transforms (RFC 3275 clause 6.6, XPath Filter 2.0).

Supported: enveloped-signature, C14N 1.0/1.1/exclusive (with or without
comments), base64, the XPath filter (evaluated by lxml over the node-set, with
no extension functions but ``here()``, no EXSLT, no ``document()``, no
positional predicates, and only when what it drops is a union of whole
subtrees — as ``not(ancestor-or-self::ds:Signature)`` is), and XPath Filter
2.0 (intersect, subtract, union) over element subtrees and the children of an
element.  XSLT and anything else is refused as unsupported.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from signing import algorithms as alg
from signing.c14n import (
    Apex,
    Children,
    NodeSet,
    UnsupportedNodeSetError,
    apex_element,
    canonicalise,
    elements,
    is_within,
    nodes_of,
    number,
    same_document,
)
from signing.leftout import left_out, names_left_out

EC_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"
MAX_XPATH_LENGTH = 512
MAX_XPATH_NODES = 50_000

Data = NodeSet | bytes


class AmbiguousIdError(Exception):
    """An Id that names more than one element."""


@dataclass(frozen=True)
class TransformContext:
    """What transforms need besides their input."""

    signature: etree._Element
    """The ds:Signature the reference belongs to (parsed document)."""
    ids: Mapping[str, list[etree._Element]]
    """Elements by Id/ID/id attribute value, in the parsed document."""
    parse: Callable[[bytes], etree._ElementTree]
    """The safe parser, for octets that must become a node-set."""


@dataclass(frozen=True)
class TransformResult:
    """The octets to digest and the last node-set on the way (if any)."""

    octets: bytes
    nodes: NodeSet | None
    final_nodes: bool = False
    """Whether the chain ended with a node-set (canonicalised to ``octets``)."""
    left_out: tuple[str, ...] = ()
    """Paths of what the transforms cut out of the named data before the
    digest (:func:`signing.leftout.left_out`); empty when nothing was."""


def apply_transforms(
    data: Data, transforms: list[etree._Element], ctx: TransformContext
) -> TransformResult:
    """Run the transform chain; a final node-set is canonicalised (C14N 1.0).

    Whenever a node-set becomes octets, what it lacks against the data it
    started from is noted: coverage is judged on what was digested."""
    origin = data if isinstance(data, NodeSet) else None
    last_nodes = origin
    missing: list[str] = []
    for transform in transforms:
        before = data
        data = _apply(data, transform, ctx)
        if isinstance(data, NodeSet):
            if origin is None or data.tree.getroot() is not origin.tree.getroot():
                origin = NodeSet(data.tree, [data.tree])
            last_nodes = data
        elif isinstance(before, NodeSet) and origin is not None:
            missing += _lost(before, origin, transform)

    if isinstance(data, NodeSet):
        assert origin is not None
        missing += left_out(data, origin)
        octets = canonicalise(data, alg.C14N_10, None)
        return TransformResult(octets, data, True, tuple(missing))

    return TransformResult(data, last_nodes, left_out=tuple(missing))


def _lost(nodes: NodeSet, origin: NodeSet, transform: etree._Element) -> list[str]:
    """What a node-set turned into octets lacks (base64 keeps only text)."""
    found = left_out(nodes, origin)
    if transform.get("Algorithm") == alg.BASE64:
        found += names_left_out(nodes)

    return found


def inclusive_prefixes(method_element: etree._Element) -> list[str] | None:
    """Return the exclusive C14N InclusiveNamespaces PrefixList, if any."""
    found = next(method_element.iterchildren(f"{{{EC_NS}}}InclusiveNamespaces"), None)
    if found is None:
        return None

    prefixes = (found.get("PrefixList") or "").split()
    return ["" if p == "#default" else p for p in prefixes]


def _apply(data: Data, transform: etree._Element, ctx: TransformContext) -> Data:
    """Apply one transform."""
    uri = transform.get("Algorithm", "")
    if uri in alg.C14N_METHODS:
        nodes = _as_nodes(data, ctx)
        return canonicalise(nodes, uri, inclusive_prefixes(transform))

    if uri == alg.BASE64:
        return _base64(data)

    handler = _NODESET_TRANSFORMS.get(uri)
    if handler is None:
        raise UnsupportedNodeSetError(f"unsupported transform {uri[:100]}")

    return handler(_as_nodes(data, ctx), transform, ctx)


def _as_nodes(data: Data, ctx: TransformContext) -> NodeSet:
    """Turn octets into a node-set by parsing them safely."""
    if isinstance(data, NodeSet):
        return data

    tree = ctx.parse(data)
    return NodeSet(tree, [tree], with_comments=True)


def _base64(data: Data) -> bytes:
    """Decode base64 from octets or from a node-set's text."""
    if isinstance(data, NodeSet):
        text = "".join(_string_value(a) for a in data.materialise())
    else:
        text = data.decode("ascii", errors="replace")

    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise UnsupportedNodeSetError("base64 transform input is not base64") from exc


def _string_value(apex: Apex) -> str:
    """Return the text of an apex, comments excluded."""
    element = apex_element(apex)
    if element is None:
        return ""

    return "".join(str(t) for t in element.itertext())


def _enveloped(
    nodes: NodeSet, transform: etree._Element, ctx: TransformContext
) -> NodeSet:
    """Remove the ds:Signature that holds this transform."""
    if not same_document(ctx.signature, nodes.tree):
        return nodes

    return _remove(nodes, [ctx.signature])


def _remove(nodes: NodeSet, elements: list[etree._Element]) -> NodeSet:
    """Return the node-set with more subtrees cut out (made on one copy)."""
    if not elements:
        return nodes

    if any(e.getparent() is None for e in elements):
        raise UnsupportedNodeSetError("a transform removes the document element")

    kept = [a for a in nodes.apexes if not _apex_inside_any(a, elements)]
    return NodeSet(nodes.tree, kept, nodes.with_comments, nodes.removed + elements)


def _apex_inside_any(apex: Apex, elements: list[etree._Element]) -> bool:
    """Tell whether an apex lies within one of the elements."""
    if isinstance(apex, etree._ElementTree):
        return False

    element = apex_element(apex)
    return element is not None and any(is_within(element, e) for e in elements)


_SIGNATURE_FILTER = re.compile(
    r"\s*not\s*\(\s*ancestor-or-self::([A-Za-z_][\w.-]*):Signature\s*\)\s*"
)


def _xpath_filter(
    nodes: NodeSet, transform: etree._Element, ctx: TransformContext
) -> NodeSet:
    """Apply an XPath 1.0 filter whose dropped nodes form whole subtrees."""
    xpath_el = transform.find(f"{{{alg.DSIG}}}XPath")
    if xpath_el is None or not (xpath_el.text or "").strip():
        raise UnsupportedNodeSetError("XPath transform without an expression")

    expr = xpath_el.text or ""
    namespaces = _namespaces(xpath_el)
    quick = _SIGNATURE_FILTER.fullmatch(expr)
    if quick and namespaces.get(quick.group(1)) == alg.DSIG:
        found = nodes.tree.xpath(
            "//d:Signature[not(ancestor::d:Signature)]", namespaces={"d": alg.DSIG}
        )
        return _remove(nodes, elements(found))

    return _remove(nodes, _dropped_subtrees(nodes, expr, namespaces, xpath_el))


def _dropped_subtrees(
    nodes: NodeSet, expr: str, namespaces: dict[str, str], xpath_el: etree._Element
) -> list[etree._Element]:
    """Evaluate a general XPath filter on the parsed document."""
    source = nodes.tree
    _check_expression(expr, source)
    scope = "(//* | //text() | //processing-instruction() | //@*)"
    select = _compile(f"{scope}[not(boolean({expr}))]", namespaces, xpath_el)
    dropped = nodes_of(select(source))
    tops = [n for n in dropped if _is_top(n, dropped)]
    return _confirm_subtrees(elements(tops), len(dropped), expr, namespaces, xpath_el)


def _is_top(node: Any, dropped: list[Any]) -> bool:
    """Tell whether a dropped node is an element whose parent stays."""
    if not isinstance(node, etree._Element):
        return False

    parent = node.getparent()
    return parent is None or not any(parent is d for d in dropped)


def _confirm_subtrees(
    tops: list[etree._Element],
    dropped_count: int,
    expr: str,
    namespaces: dict[str, str],
    xpath_el: etree._Element,
) -> list[etree._Element]:
    """Check that exactly the whole subtrees under ``tops`` are dropped."""
    subtree = "(descendant-or-self::* | descendant-or-self::text()"
    subtree += " | descendant-or-self::processing-instruction()"
    subtree += " | descendant-or-self::*/@*)"
    count = etree.XPath(f"count{subtree}")
    kept = _compile(f"count({subtree}[boolean({expr})])", namespaces, xpath_el)
    total = 0
    for top in tops:
        if number(kept(top)):
            raise UnsupportedNodeSetError("XPath filter keeps nodes inside a drop")

        total += number(count(top))

    if total != dropped_count:
        raise UnsupportedNodeSetError("XPath filter drops nodes, not subtrees")

    return tops


def _check_expression(expr: str, source: etree._ElementTree) -> None:
    """Refuse expressions we do not evaluate, and oversized documents."""
    if len(expr) > MAX_XPATH_LENGTH:
        raise UnsupportedNodeSetError("XPath expression too long")

    if re.search(r"\b(position|last|document)\s*\(", expr):
        raise UnsupportedNodeSetError("positional XPath functions are refused")

    if number(source.xpath("count(//node())")) > MAX_XPATH_NODES:
        raise UnsupportedNodeSetError("document too large for an XPath filter")


def _compile(
    expr: str, namespaces: dict[str, str], xpath_el: etree._Element
) -> etree.XPath:
    """Compile an expression with only ``here()`` as extension."""

    def here(_context: object) -> list[etree._Element]:
        return [xpath_el]

    try:
        return etree.XPath(
            expr,
            namespaces=namespaces,
            extensions={(None, "here"): here},
            regexp=False,
            smart_strings=False,
        )
    except etree.XPathError as exc:
        raise UnsupportedNodeSetError("XPath expression not accepted") from exc


def _namespaces(element: etree._Element) -> dict[str, str]:
    """Return the in-scope prefixes of an element, EXSLT ones left out."""
    return {
        prefix: uri
        for prefix, uri in element.nsmap.items()
        if prefix and not uri.startswith("http://exslt.org/")
    }


def _filter2(
    nodes: NodeSet, transform: etree._Element, ctx: TransformContext
) -> NodeSet:
    """Apply XPath Filter 2.0 (intersect, subtract, union) over subtrees."""
    source = nodes.tree
    apexes: list[Apex] = [source]
    excluded: list[etree._Element] = []
    for xpath_el in transform.findall(f"{{{alg.XPATH_FILTER2}}}XPath"):
        selected = _filter2_select(xpath_el, source, ctx)
        apexes, excluded = _filter2_step(
            xpath_el.get("Filter", ""), selected, apexes, excluded
        )

    kept = _intersect(nodes.apexes, apexes)
    result = NodeSet(source, kept, nodes.with_comments, list(nodes.removed))
    return _remove(result, [e for e in excluded if _touches(e, result.apexes)])


def _filter2_step(
    operation: str,
    selected: list[Apex],
    apexes: list[Apex],
    excluded: list[etree._Element],
) -> tuple[list[Apex], list[etree._Element]]:
    """Apply one Filter 2.0 operation to the set kept so far."""
    if operation == "intersect":
        return _intersect(apexes, selected), excluded

    elements = [apex_element(a) for a in selected]
    if operation == "subtract":
        if any(not isinstance(a, etree._Element) for a in selected):
            raise UnsupportedNodeSetError("subtracting non-element nodes")

        return apexes, excluded + [e for e in elements if e is not None]

    if operation == "union":
        kept = [e for e in excluded if not any(_contains(a, e) for a in selected)]
        if any(_contains_element(e, a) for e in kept for a in selected):
            raise UnsupportedNodeSetError("union inside a subtracted subtree")

        return apexes + selected, kept

    raise UnsupportedNodeSetError(f"unknown Filter 2.0 operation {operation[:20]}")


def _filter2_select(
    xpath_el: etree._Element, source: etree._ElementTree, ctx: TransformContext
) -> list[Apex]:
    """Evaluate one Filter 2.0 expression into apexes."""
    expr, variables = _rewrite_id_calls(xpath_el.text or "", ctx)
    _check_expression(expr, source)
    namespaces = _namespaces(xpath_el)
    compiled: Any = _compile(expr, namespaces, xpath_el)
    found = compiled(source, **variables)
    if not isinstance(found, list):
        raise UnsupportedNodeSetError("Filter 2.0 expression is not a node-set")

    if _selects_document_node(expr, namespaces, xpath_el, source, variables):
        return [source]

    return _as_apexes(found)


def _selects_document_node(
    expr: str,
    namespaces: dict[str, str],
    xpath_el: etree._Element,
    source: etree._ElementTree,
    variables: dict[str, list[etree._Element]],
) -> bool:
    """Whether a node-set expression holds the document node itself.

    lxml returns no node for the document node (``/``), yet a Filter 2.0
    ``intersect`` or ``union`` with it means the whole document: adding the
    root to the result changes the count only when it was not there already.
    """
    test: Any = _compile(f"count(({expr}) | /) = count({expr})", namespaces, xpath_el)
    return bool(test(source, **variables))


def _rewrite_id_calls(
    expr: str, ctx: TransformContext
) -> tuple[str, dict[str, list[etree._Element]]]:
    """Replace ``id('x')`` by variables bound through the Id index."""
    variables: dict[str, list[etree._Element]] = {}

    def replace(match: re.Match[str]) -> str:
        found = ctx.ids.get(match.group(2), [])
        if len(found) > 1:
            raise AmbiguousIdError(match.group(2))

        name = f"kancelaria_id{len(variables)}"
        variables[name] = list(found)
        return f"${name}"

    pattern = r"(?<![\w.:-])id\(\s*(['\"])([^'\"]*)\1\s*\)"
    return re.sub(pattern, replace, expr), variables


def _as_apexes(found: list[Any]) -> list[Apex]:
    """Group XPath results into element subtrees or one element's children."""
    if all(isinstance(n, etree._Element) for n in found):
        return [n for n in found if not isinstance(n, etree._Comment)]

    parents = {id(_parent_of(n)): _parent_of(n) for n in found}
    if len(parents) == 1:
        parent = next(iter(parents.values()))
        if parent is not None and len(found) == _child_count(parent):
            return [Children(parent)]

    raise UnsupportedNodeSetError("Filter 2.0 selects scattered nodes")


def _parent_of(node: Any) -> etree._Element | None:
    """Return the element a result node belongs to as a child."""
    if isinstance(node, etree._Element):
        return node.getparent()

    parent: etree._Element | None = node.getparent()
    if getattr(node, "is_tail", False) and parent is not None:
        return parent.getparent()

    return parent


def _child_count(parent: etree._Element) -> int:
    """Count an element's child nodes as XPath ``node()`` does."""
    return number(parent.xpath("count(node())"))


def _intersect(first: list[Apex], second: list[Apex]) -> list[Apex]:
    """Intersect two unions of subtrees."""
    result: list[Apex] = []
    for a in first:
        for b in second:
            if _contains(a, b):
                result.append(b)
            elif _contains(b, a):
                result.append(a)

    unique: list[Apex] = []
    for apex in result:
        if not any(apex is u or apex == u for u in unique):
            unique.append(apex)

    return unique


def _contains(outer: Apex, inner: Apex | etree._Element) -> bool:
    """Tell whether the subtree ``outer`` contains all of ``inner``."""
    if isinstance(outer, etree._ElementTree):
        return True

    if isinstance(inner, etree._ElementTree):
        return False

    inner_el = apex_element(inner)
    if inner_el is None:
        return False

    if isinstance(outer, Children):
        if isinstance(inner, Children) and inner.parent is outer.parent:
            return True

        return inner_el is not outer.parent and is_within(inner_el, outer.parent)

    return is_within(inner_el, outer)


def _contains_element(excluded: etree._Element, apex: Apex) -> bool:
    """Tell whether an excluded subtree swallows an apex."""
    element = apex_element(apex)
    if element is None or isinstance(apex, etree._ElementTree):
        return False

    return is_within(element, excluded) and element is not excluded


def _touches(excluded: etree._Element, apexes: list[Apex]) -> bool:
    """Tell whether an excluded subtree lies inside one of the apexes."""
    return any(_contains(a, excluded) for a in apexes)


_NODESET_TRANSFORMS: dict[
    str, Callable[[NodeSet, etree._Element, TransformContext], NodeSet]
] = {
    alg.ENVELOPED: _enveloped,
    alg.XPATH: _xpath_filter,
    alg.XPATH_FILTER2: _filter2,
}
