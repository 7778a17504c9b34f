"""The filled form as rows to print: headings for blocks, label and value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.formfill.nodes import Block, Choice, Field, Group, Repeat


@dataclass(frozen=True)
class Row:
    """One printed line: a heading (value None) or a label with its value."""

    depth: int
    label: str
    value: str | None


def summary_rows(root: Block) -> list[Row]:
    """Rows of every filled value under headings, in the order of the form."""
    rows: list[Row] = []
    _rows(root, 0, rows, heading=False)
    return rows


def _rows(node: Any, depth: int, rows: list[Row], heading: bool = True) -> None:
    if isinstance(node, Field):
        if node.value.strip() and node.node != "hidden":
            rows.append(Row(depth, node.label, _shown(node)))
        return

    if isinstance(node, Block):
        if heading:
            rows.append(Row(depth, node.label, None))
            depth += 1

        for item in [*node.attributes, *([node.text] if node.text else [])]:
            _rows(item, depth, rows)

        for child in node.children:
            _rows(child, depth, rows)
        return

    children = node.items if isinstance(node, Repeat) else node.children
    if isinstance(node, (Group, Choice, Repeat)):
        for child in children:
            _rows(child, depth, rows)


YES = "tak / yes"
NO = "nie / no"


def _shown(item: Field) -> str:
    """The value as a person reads it: an option's label rather than its code."""
    value = item.value.strip()
    if item.hints.kind == "boolean":
        return YES if value in ("true", "1") else NO

    labels = dict(item.hints.options)
    if item.hints.kind == "checkbox" and labels.get(value, value) == value:
        return f"{YES} ({value})" if value == "1" else value

    label = labels.get(value)
    if label and label != value:
        return f"{label} ({value})"

    return value
