"""Field labels in another language than the schema's, kept as data beside it.

A form's ``schema.xsd`` documents its elements in Polish and is pinned (its
hash is in receipts), so English words live in ``labels.en.toml`` in the
same version folder. Each entry is keyed by the element's path from the
root (``/Root/Child/Leaf``, an attribute as ``/Root/@Id``) and holds a
``label``, an optional ``help`` and, for enumerations, ``options`` naming
each allowed value.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.formfill.nodes import is_group, is_wildcard

# "Name", "Name.3", "Name~2.3" (a repeated name in one group), "~1.0" (a group).
_SEGMENT = re.compile(r"(?P<name>[^~]*?)(?:~\d+)?(?:\.\d+)?")
# Deep enough for any of our forms; a recursive schema is cut here.
MAX_DEPTH = 24


class LabelsError(Exception):
    """A labels file is not the expected TOML shape."""


@dataclass(frozen=True)
class Label:
    """The words shown for one element or attribute."""

    label: str
    help: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FormLabels:
    """Every label of one form version in one language."""

    lang: str
    entries: Mapping[str, Label]

    def get(self, path: str) -> Label | None:
        """The label of the element at ``path``, if the file has one."""
        return self.entries.get(path)


def load_labels(path: Path, lang: str) -> FormLabels:
    """Read a ``labels.<lang>.toml`` file; refuse any other shape."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LabelsError(f"{path}: {exc}") from exc

    entries = {}
    for key, entry in data.items():
        if not key.startswith("/") or not isinstance(entry, dict):
            raise LabelsError(f"{path}: {key!r} is not a path with a table")

        entries[key] = _label(path, key, entry)

    return FormLabels(lang, entries)


def _label(path: Path, key: str, entry: dict[str, Any]) -> Label:
    label, help_text = entry.get("label"), entry.get("help")
    options = entry.get("options", {})
    if not isinstance(label, str) or not label.strip():
        raise LabelsError(f"{path}: {key} has no label")

    if help_text is not None and not isinstance(help_text, str):
        raise LabelsError(f"{path}: {key} help is not text")

    if not isinstance(options, dict) or not all(
        isinstance(v, str) for v in options.values()
    ):
        raise LabelsError(f"{path}: {key} options are not text")

    return Label(label.strip(), help_text, dict(options))


def label_path(root: str, key: str) -> str:
    """The labels-file path of the node a form key names (indices dropped)."""
    names = [root]
    for segment in key.split("/") if key else []:
        if segment.startswith("@"):
            names.append(segment)
            continue

        match = _SEGMENT.fullmatch(segment)
        name = match.group("name") if match else segment
        if name:
            names.append(name)

    return "/" + "/".join(names)


def schema_paths(root: Any) -> Iterator[tuple[str, Any]]:
    """Every element and attribute path under ``root``, with its component."""
    yield from _element_paths(root, f"/{root.local_name}", 0)


def _element_paths(element: Any, path: str, depth: int) -> Iterator[tuple[str, Any]]:
    yield path, element
    if depth > MAX_DEPTH or element.type.is_simple():
        return

    for attribute in element.attributes.values():
        yield f"{path}/@{attribute.local_name}", attribute

    if not element.type.has_simple_content():
        yield from _group_paths(element.type.content, path, depth + 1)


def _group_paths(group: Any, path: str, depth: int) -> Iterator[tuple[str, Any]]:
    for particle in group if group is not None else ():
        if is_wildcard(particle):
            continue

        if is_group(particle):
            yield from _group_paths(particle, path, depth)
        else:
            yield from _element_paths(
                particle, f"{path}/{particle.local_name}", depth + 1
            )
