"""Read a filled document back into form values (keys as the page posts them).

Children are matched to the content model in order, greedily, which is
exact for the deterministic content models XSD requires (Unique Particle
Attribution). Used to reopen a document and to prove the round trip.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from app.formfill.nodes import (
    CHOICE,
    COUNT,
    child_prefix,
    choice_key,
    is_group,
    is_wildcard,
    occurs,
    segments,
)


def values_from_document(root: Any, element: Any) -> dict[str, str]:
    """Form values that lay out ``element``, a document of schema element ``root``."""
    values: dict[str, str] = {}
    _element(root, element, "", values)
    return values


def _element(xsd: Any, element: Any, key: str, values: dict[str, str]) -> None:
    for attribute in xsd.attributes.values():
        value = element.get(attribute.name)
        values[f"{child_prefix(key)}@{attribute.local_name}"] = value or ""

    if xsd.type.is_simple() or xsd.type.has_simple_content():
        values[key] = element.text or ""
        return

    group = xsd.type.content
    if group is None or not len(group):
        return

    children = [c for c in element if isinstance(c.tag, str)]
    prefix = child_prefix(key)
    if occurs(group) != (1, 1):
        _particle(group, "~0", children, 0, prefix, values)
    else:
        _group_once(group, children, 0, prefix, values)


def _particle(
    particle: Any,
    segment: str,
    children: list[Any],
    at: int,
    prefix: str,
    values: dict[str, str],
) -> int:
    """Match every occurrence of ``particle`` from ``children[at]``; next index."""
    base = prefix + segment
    if is_wildcard(particle):
        return at

    _, high = occurs(particle)
    count = 0
    while (high is None or count < high) and at < len(children):
        key = f"{base}.{count}"
        if is_group(particle):
            after = _group_once(particle, children, at, child_prefix(key), values)
        elif _matches(particle, children[at]):
            _element(particle, children[at], key, values)
            after = at + 1
        else:
            after = at

        if after == at:
            break

        at, count = after, count + 1

    if not is_group(particle) and particle.type.is_simple() and high == 1:
        values.setdefault(f"{base}.0", "")
    else:
        values[COUNT + base] = str(count)

    return at


def _group_once(
    group: Any, children: list[Any], at: int, prefix: str, values: dict[str, str]
) -> int:
    """Match one occurrence of a model group; the index after it."""
    if group.model != "choice":
        for particle, segment in zip(group, segments(group), strict=True):
            at = _particle(particle, segment, children, at, prefix, values)

        return at

    if at >= len(children):
        return at

    for branch, (n, segment) in zip(group, enumerate(segments(group)), strict=True):
        if etree.QName(children[at]).text in first_names(branch):
            values[CHOICE + choice_key(prefix)] = str(n)
            return _particle(branch, segment, children, at, prefix, values)

    return at


def first_names(particle: Any) -> set[str]:
    """Clark names of the elements that can start ``particle``."""
    if is_wildcard(particle):
        return set()

    if not is_group(particle):
        return {particle.name}

    names: set[str] = set()
    for item in particle:
        names |= first_names(item)
        if particle.model != "choice" and occurs(item)[0] > 0 and not _emptiable(item):
            break

    return names


def _emptiable(particle: Any) -> bool:
    if not is_group(particle):
        return occurs(particle)[0] == 0

    if particle.model == "choice":
        return any(_emptiable(p) for p in particle)

    return all(_emptiable(p) for p in particle)


def _matches(xsd: Any, element: Any) -> bool:
    return bool(etree.QName(element).text == xsd.name)
