"""Safe parsing of untrusted XML (DESIGN.md, intake step 3).

The bytes are parsed once, by libxml2 through lxml, with everything that could
reach outside the document or blow up in memory switched off: no DTD at all (a
DOCTYPE is refused, so no entity can be declared, let alone expanded), no
network, no XInclude processing (an ``xi:include`` element is refused), a
bounded nesting depth and a bounded size. A UTF-8 byte order mark and the
encodings Polish producers declare (windows-1250, ISO-8859-2) are accepted.
"""

from __future__ import annotations

import logging

from lxml import etree

from signing.errors import ForbiddenXMLError, MalformedXMLError

log = logging.getLogger(__name__)

MAX_BYTES = 32 * 1024 * 1024
"""The largest document we parse, in bytes."""

MAX_DEPTH = 256
"""The deepest element nesting we accept."""

MAX_NAMESPACE_DECLARATIONS = 1024
"""The most namespace declarations we accept: each one is copied into every
canonicalised subtree, so thousands of them make C14N cost explode."""

XINCLUDE_NAMESPACES = frozenset(
    {"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"}
)


def parse_xml(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> etree._ElementTree:
    """Parse untrusted bytes into a tree, refusing anything unsafe."""
    if len(data) > max_bytes:
        raise ForbiddenXMLError(f"document larger than {max_bytes} bytes")

    _refuse_doctype_bytes(data)
    _refuse_namespace_flood(data)
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    except ValueError as exc:
        raise MalformedXMLError(f"not parseable as XML: {exc}") from None

    tree = root.getroottree()
    _refuse_dtd(tree)
    _check_elements(root, max_depth)
    return tree


def make_parser() -> etree.XMLParser:
    """Return a parser that never loads, fetches or expands anything."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
        collect_ids=False,
    )


def _refuse_doctype_bytes(data: bytes) -> None:
    """Refuse a DOCTYPE before libxml2 reads its internal subset."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("ascii", "ignore")

    if b"<!DOCTYPE" in head:
        raise ForbiddenXMLError("a DOCTYPE (DTD) is not accepted")


def _refuse_namespace_flood(data: bytes) -> None:
    """Refuse documents declaring more namespaces than any real form needs."""
    marker = b"xmlns"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        marker = "xmlns".encode("utf-16-le" if data[0] == 0xFF else "utf-16-be")

    if data.count(marker) > MAX_NAMESPACE_DECLARATIONS:
        raise ForbiddenXMLError("too many namespace declarations")


def _syntax_error(exc: etree.XMLSyntaxError) -> Exception:
    """Map a libxml2 error to ours: limits are forbidden, the rest malformed."""
    message = str(exc)
    if "Excessive depth" in message or "huge" in message.lower():
        return ForbiddenXMLError("document nested too deeply or too large")

    if "DOCTYPE" in message or "Entity" in message:
        return ForbiddenXMLError("entities and DTDs are not accepted")

    return MalformedXMLError(f"not well-formed XML: {message}")


def _refuse_dtd(tree: etree._ElementTree) -> None:
    """Refuse a document that declared a DTD after all."""
    info = tree.docinfo
    if info.internalDTD is not None or info.externalDTD is not None:
        raise ForbiddenXMLError("a DOCTYPE (DTD) is not accepted")

    if info.doctype:
        raise ForbiddenXMLError("a DOCTYPE (DTD) is not accepted")


def _check_elements(root: etree._Element, max_depth: int) -> None:
    """Refuse entity references, XInclude elements and excessive depth."""
    if next(root.iter(*_XI_INCLUDE), None) is not None:
        raise ForbiddenXMLError("XInclude is not accepted")

    for node in root.iter(etree.Entity):
        raise ForbiddenXMLError(f"entity reference {node.text} is not accepted")

    if max_depth < MAX_DEPTH and _depth_over(root, max_depth):
        raise ForbiddenXMLError(f"document nested deeper than {max_depth}")


_XI_INCLUDE = tuple(f"{{{ns}}}include" for ns in sorted(XINCLUDE_NAMESPACES))


def _depth_over(root: etree._Element, max_depth: int) -> bool:
    """Tell whether any element lies deeper than ``max_depth``."""
    path = "/".join(["*"] * (max_depth + 1))
    return bool(root.xpath(f"boolean(/{path})"))
