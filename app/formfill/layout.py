"""Lay out the HTML form model of a schema's root element for given values.

Only what is instantiated is laid out: optional blocks start absent and a
choice shows the branch it takes, so recursive or very large schemas (KSeF
FA(3)) stay a page of the size the person asked for. The walk is bounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.formfill.hints import Hints, hints_for
from app.formfill.labels import FormLabels
from app.formfill.naming import Naming, marked
from app.formfill.nodes import (
    CHOICE,
    COUNT,
    Block,
    Choice,
    Field,
    FormLimitError,
    Group,
    Repeat,
    check_supported,
    child_prefix,
    choice_key,
    is_group,
    is_wildcard,
    occurs,
    segments,
)
from app.formfill.words import _

_XSD_ID = "{http://www.w3.org/2001/XMLSchema}ID"


@dataclass(frozen=True)
class Limits:
    """Bounds of one form page."""

    repeat: int = 100
    depth: int = 24
    # Under werkzeug's 1,000 form parts per request, with the hidden inputs.
    fields: int = 600


class _Walk:
    """State of one layout: the values, the bounds and the field count."""

    def __init__(
        self, values: Mapping[str, str], limits: Limits, naming: Naming
    ) -> None:
        self.values = values
        self.limits = limits
        self.naming = naming
        self.fields = 0

    def count_field(self) -> None:
        self.fields += 1
        if self.fields > self.limits.fields:
            raise FormLimitError(
                _("The form would have more than %(n)s fields.", n=self.limits.fields)
            )


def layout(
    root: Any,
    values: Mapping[str, str],
    limits: Limits | None = None,
    lang: str = "pl",
    labels: FormLabels | None = None,
) -> Block:
    """Lay out the form of the schema element ``root`` filled with ``values``.

    On a page in ``lang`` other than the schema's Polish, ``labels`` name
    the fields; without them the Polish words stay, marked as Polish.
    """
    naming = Naming(str(root.local_name), lang, labels)
    walk = _Walk(values, limits or Limits(), naming)
    block = _element_instance(walk, root, "", 0)
    assert isinstance(block, Block)
    return block


def _particle(walk: _Walk, particle: Any, segment: str, prefix: str, depth: int) -> Any:
    """Lay out every instance of one particle of a model group."""
    check_supported(particle)
    if depth > walk.limits.depth:
        raise FormLimitError(_("The form is nested too deeply to be shown."))

    base = prefix + segment
    if is_wildcard(particle):
        return Group(base, [])  # optional xs:any: offered as nothing

    low, high = occurs(particle)
    simple = not is_group(particle) and particle.type.is_simple()
    if simple and high == 1:
        return _field(walk, particle, f"{base}.0", low > 0)

    upper = walk.limits.repeat if high is None else min(high, walk.limits.repeat)
    count = _count(walk, base, low, upper, 1 if simple else low)
    items = [_instance(walk, particle, f"{base}.{n}", depth) for n in range(count)]
    words = walk.naming.particle(particle, base)
    return Repeat(base, words.label, items, low, upper, lang=words.lang)


def _count(walk: _Walk, base: str, low: int, upper: int, default: int) -> int:
    """How many instances the page asks for, within the schema's bounds."""
    posted = walk.values.get(COUNT + base, "")
    if not posted:
        return max(low, min(default, upper))

    if not posted.isdigit() or int(posted) > upper:
        raise FormLimitError(
            _("A part of the form may be repeated at most %(n)s times.", n=upper)
        )

    return max(low, int(posted))


def _instance(walk: _Walk, particle: Any, key: str, depth: int) -> Any:
    if not is_group(particle):
        if particle.type.is_simple():
            return _field(walk, particle, key, True)

        return _element_instance(walk, particle, key, depth)

    if particle.model == "choice":
        return _choice(walk, particle, child_prefix(key), depth + 1)

    return Group(key, _group_children(walk, particle, child_prefix(key), depth + 1))


def _element_instance(walk: _Walk, element: Any, key: str, depth: int) -> Any:
    """A block for one element of complex type (or a field for a simple one)."""
    if element.type.is_simple():
        return _field(walk, element, key, True)

    words = walk.naming.of(element, key)
    attributes = [
        _attribute(walk, attribute, f"{child_prefix(key)}@{attribute.local_name}")
        for attribute in element.attributes.values()
    ]
    text = None
    children: list[Any] = []
    if element.type.has_simple_content():
        text = _field(walk, element, key, True, element.type.content)
    else:
        children = _content(walk, element.type.content, child_prefix(key), depth + 1)

    return Block(
        key,
        words.label,
        str(element.local_name),
        words.help,
        element.name,
        attributes,
        text,
        children,
        lang=words.lang,
    )


def _content(walk: _Walk, group: Any, prefix: str, depth: int) -> list[Any]:
    """The particles of an element's content model."""
    if group is None or not len(group):
        return []

    if occurs(group) != (1, 1):
        return [_particle(walk, group, "~0", prefix, depth)]

    if group.model == "choice":
        return [_choice(walk, group, prefix, depth)]

    return _group_children(walk, group, prefix, depth)


def _group_children(walk: _Walk, group: Any, prefix: str, depth: int) -> list[Any]:
    return [
        _particle(walk, particle, segment, prefix, depth)
        for particle, segment in zip(group, segments(group), strict=True)
    ]


def _choice(walk: _Walk, group: Any, prefix: str, depth: int) -> Choice:
    """A choice showing the branch the values select (the first by default)."""
    key = choice_key(prefix)
    branches = list(group)
    names = [
        walk.naming.particle(branch, prefix + segment)
        for branch, segment in zip(branches, segments(group), strict=True)
    ]
    options = [(n, words.label) for n, words in enumerate(names)]
    posted = walk.values.get(CHOICE + key, "")
    selected = int(posted) if posted.isdigit() and int(posted) < len(branches) else 0
    branch = branches[selected]
    child = _particle(walk, branch, segments(group)[selected], prefix, depth + 1)
    legend = humanise_choice(options)
    return Choice(key, legend, options, selected, [child], lang=marked(names))


def humanise_choice(options: list[tuple[int, str]]) -> str:
    """A legend for a choice: its branches joined by "or"."""
    return _(" or ").join(label for _n, label in options)


def _field(
    walk: _Walk, element: Any, key: str, required: bool, stype: Any = None
) -> Field:
    walk.count_field()
    words = walk.naming.of(element, key)
    stype = stype if stype is not None else element.type
    hints = walk.naming.options(hints_for(stype), key)
    forced = _forced(hints, required)
    fixed = element.fixed or forced
    # A box to tick is never ticked for the person, even when it must be.
    tick = hints.kind in ("boolean", "checkbox") and forced is None
    default = element.default or ("" if tick else fixed)
    return Field(
        key=key,
        label=words.label,
        code=str(element.local_name),
        help=words.help,
        hints=hints,
        stype=stype,
        qname=element.name,
        required=required,
        value=walk.values.get(key, default or ""),
        fixed=fixed,
        lang=words.lang,
    )


def _forced(hints: Hints, required: bool) -> str | None:
    """The one value a required element may take, unless it is a tick to confirm.

    Codes such as a form's KodFormularza ("PCC-3") or a country fixed to
    "PL" are filled in for the person; a "1" or "true" stays a box to tick,
    since forms use it for statements the person confirms.
    """
    if not required or hints.kind != "checkbox":
        return None

    value = hints.options[0][0]
    return None if value in ("1", "true") else value


def _attribute(walk: _Walk, attribute: Any, key: str) -> Field:
    walk.count_field()
    words = walk.naming.of(attribute, key)
    fixed = attribute.fixed
    hints = walk.naming.options(hints_for(attribute.type), key)
    return Field(
        key=key,
        label=words.label,
        code=str(attribute.local_name),
        help=words.help,
        hints=_single_line(hints),
        stype=attribute.type,
        qname=attribute.name,
        required=attribute.use == "required",
        value=walk.values.get(key, attribute.default or fixed or ""),
        fixed=fixed,
        node=_attribute_node(attribute),
        lang=words.lang,
    )


def _attribute_node(attribute: Any) -> str:
    """An optional xs:ID (what a signature may point at) is kept but not shown.

    Residents cannot know what to type there; a value already in the
    document travels on in a hidden input.
    """
    stype = attribute.type
    while stype is not None and attribute.use != "required":
        if stype.name == _XSD_ID:
            return "hidden"
        stype = getattr(stype, "base_type", None)

    return "attribute"


def _single_line(hints: Hints) -> Hints:
    """Attributes are short codes: never a text area."""
    return replace(hints, kind="text") if hints.kind == "textarea" else hints
