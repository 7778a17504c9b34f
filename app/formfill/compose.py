"""Turn a laid-out, filled form into the XML document, or into field errors.

Each value is checked against its simple type first (plain sentences next to
the fields); only a form whose values all pass is composed and validated as
a whole against the pinned schema, and what that still finds is mapped back
to the field or block it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import xmlschema
from lxml import etree
from xmlschema import XMLResource

from app.formfill.hints import check_value
from app.formfill.nodes import Block, Field, Repeat
from app.formfill.words import _

MAX_ISSUES = 50
# Characters XML 1.0 cannot carry at all (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Composed:
    """The outcome of composing: the document, or what to correct."""

    xml: bytes | None
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    """(html id or "", label, sentence) of each problem, in page order."""


def compose(root: Block, schema: xmlschema.XMLSchema) -> Composed:
    """Check every field, build the document and validate it with ``schema``."""
    errors = [(f.html_id, f.label, f.error) for f in _check_fields(root) if f.error]
    if errors:
        return Composed(None, errors)

    owners: dict[Any, Field | Block] = {}
    element = _build(root, _Root(schema.target_namespace), owners)
    etree.cleanup_namespaces(element, top_nsmap=_nsmap(schema, element))
    issues = _validate(schema, element, owners)
    if issues:
        return Composed(None, issues)

    xml = etree.tostring(
        element, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return Composed(xml)


def iter_nodes(node: Any) -> Iterator[Any]:
    """Every node of the model, depth first in page order."""
    yield node
    if isinstance(node, Block):
        yield from node.attributes
        if node.text is not None:
            yield node.text

    for child in getattr(node, "children", None) or getattr(node, "items", None) or []:
        yield from iter_nodes(child)


def _check_fields(root: Block) -> list[Field]:
    """Run each field's own check; fields carry their error afterwards."""
    fields = [node for node in iter_nodes(root) if isinstance(node, Field)]
    for item in fields:
        item.error = _field_error(item)

    return fields


def _field_error(item: Field) -> str | None:
    value = item.value.strip()
    if not value:
        return _("Fill in this field.") if item.required else None

    if _NOT_XML.search(value):
        return _("Remove the special characters this field cannot hold.")

    if item.fixed is not None and value != item.fixed:
        return _("This value is fixed by the form: %(v)s.", v=item.fixed)

    return check_value(item.stype, value)


def _build(node: Any, parent: Any, owners: dict[Any, Field | Block]) -> Any:
    """Append the elements of ``node`` to ``parent``; return the root made."""
    if isinstance(node, Block):
        element = _element(parent, node.qname)
        owners[element] = node
        for attribute in node.attributes:
            if attribute.value.strip():
                element.set(attribute.qname, attribute.value.strip())

        if node.text is not None:
            element.text = node.text.value.strip()

        for child in node.children:
            _build(child, element, owners)

        return element

    if isinstance(node, Field):
        if node.value.strip() or node.required:
            element = _element(parent, node.qname)
            element.text = node.value.strip()
            owners[element] = node

        return None

    children = node.items if isinstance(node, Repeat) else node.children
    for child in children:
        _build(child, parent, owners)

    return None


class _Root:
    """Stands for the parent of the root element: it gets the default namespace."""

    def __init__(self, namespace: str | None) -> None:
        self.nsmap: Any = {None: namespace} if namespace else None


def _element(parent: Any, qname: str) -> Any:
    if isinstance(parent, _Root):
        return etree.Element(qname, nsmap=parent.nsmap)

    return etree.SubElement(parent, qname)


def _nsmap(schema: xmlschema.XMLSchema, element: Any) -> dict[str, str]:
    """The schema's own prefixes for the other namespaces the document uses."""
    used = {etree.QName(e).namespace for e in element.iter()}
    target = schema.target_namespace
    nsmap: dict[str, str] = {}
    for prefix, uri in schema.namespaces.items():
        if prefix and uri in used and uri != target and uri not in nsmap.values():
            nsmap[prefix] = uri

    return nsmap


def _validate(
    schema: xmlschema.XMLSchema, element: Any, owners: dict[Any, Field | Block]
) -> list[tuple[str, str, str]]:
    """Validate the composed document; map each issue to its field or block."""
    resource = XMLResource(element, allow="none", defuse="always")
    found: list[tuple[str, str, str]] = []
    for error in schema.iter_errors(resource, use_location_hints=False):
        owner = owners.get(error.elem)
        if isinstance(owner, Field):
            owner.error = _("This value is not accepted here.")
            found.append((owner.html_id, owner.label, owner.error))
        else:
            label = owner.label if owner is not None else ""
            sentence = _("This part is not complete or not in order.")
            found.append(("", label, sentence))

        if len(found) >= MAX_ISSUES:
            break

    return found
