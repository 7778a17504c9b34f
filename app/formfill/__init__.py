"""Forms filled in the browser, generated from a form's XSD and turned into XML.

No template per form: the page is laid out from xmlschema's parsed
components (sequences, choices, optional and repeated parts, simple types'
facets), posted back as flat key/value pairs, composed into the document
and validated against the catalog's pinned schema before it is offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import xmlschema

from app.formfill.actions import apply_action, values_from_post
from app.formfill.compose import Composed, compose, iter_nodes
from app.formfill.labels import FormLabels, LabelsError, load_labels
from app.formfill.layout import Limits, layout
from app.formfill.nodes import (
    Block,
    Choice,
    Field,
    FormLimitError,
    FormModelError,
    Group,
    Repeat,
)
from app.formfill.prefill import values_from_document

__all__ = [
    "Block",
    "Choice",
    "Composed",
    "Field",
    "FormLabels",
    "FormLimitError",
    "FormModelError",
    "Group",
    "LabelsError",
    "Limits",
    "Repeat",
    "apply_action",
    "compose",
    "fill_document",
    "iter_nodes",
    "layout",
    "load_labels",
    "root_element",
    "title_root",
    "values_from_document",
    "values_from_post",
]


def root_element(schema: xmlschema.XMLSchema, namespace: str, root: str) -> Any:
    """The schema's global element declaring the form's root."""
    name = f"{{{namespace}}}{root}" if namespace else root
    element = schema.elements.get(root) or schema.elements.get(name)
    if element is None:
        element = schema.maps.elements.get(name)

    if element is None:
        raise FormModelError(f"the schema declares no root element {root}")

    return element


def fill_document(
    schema: xmlschema.XMLSchema,
    root: Any,
    values: Mapping[str, str],
    limits: Limits | None = None,
    lang: str = "pl",
    labels: FormLabels | None = None,
) -> tuple[Block, Composed]:
    """Lay out ``values`` and compose them: the model (with errors) and result."""
    model = layout(root, values, limits, lang, labels)
    return model, compose(model, schema)


def title_root(model: object, title: str) -> str | None:
    """Head the root part with the form's ``title``; return its words' language.

    The root element's own name (or documentation) is a schema's word, not
    the title people know the form by; the language is returned so that the
    page can still mark the schema's other words.
    """
    if not isinstance(model, Block):
        return None

    words_lang = model.lang
    model.label = title
    model.lang = None
    return words_lang
