"""The words a form page shows for each node: the schema's, or a labels file's.

Schemas document their elements in Polish. On a page in another language
the labels file of that language is used where it names the node; where it
does not (outside schemas have no such file) the Polish words stay and the
node is marked ``lang="pl"`` so that screen readers pronounce them right.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from app.formfill.hints import Hints
from app.formfill.labels import FormLabels, label_path
from app.formfill.nodes import describe, humanise, is_group

SCHEMA_LANG = "pl"


@dataclass(frozen=True)
class Words:
    """Label and help of one node, and the language they are in when marked."""

    label: str
    help: str | None
    lang: str | None


class Naming:
    """Find the words of the nodes of one form for one page language."""

    def __init__(self, root: str, lang: str, labels: FormLabels | None) -> None:
        self.root = root
        self.translated = lang != SCHEMA_LANG
        self.labels = labels if labels is not None and labels.lang == lang else None

    def of(self, component: Any, key: str) -> Words:
        """Words of the element or attribute at ``key``."""
        label, help_text = describe(component)
        if not self.translated:
            return Words(label, help_text, None)

        found = self.labels.get(label_path(self.root, key)) if self.labels else None
        if found is None:
            return Words(label, help_text, SCHEMA_LANG)

        return Words(found.label, found.help, None)

    def particle(self, particle: Any, key: str, limit: int = 3) -> Words:
        """A short label for a particle: an element's, or a group's first ones'."""
        if not is_group(particle):
            return self.of(particle, key)

        parts = [self.particle(p, f"{key}/{_segment(p)}") for p in particle][:limit]
        more = "…" if len(particle) > limit else ""
        label = ", ".join(w.label for w in parts) + more if parts else humanise("group")
        return Words(label, None, marked(parts))

    def options(self, hints: Hints, key: str) -> Hints:
        """The hints with enumeration values named in the page's language."""
        if not self.labels or not hints.options:
            return hints

        found = self.labels.get(label_path(self.root, key))
        if found is None or not found.options:
            return hints

        named = tuple((v, found.options.get(v, shown)) for v, shown in hints.options)
        return replace(hints, options=named)


def marked(words: list[Words]) -> str | None:
    """The language to mark a node made of several labels with, if any."""
    return SCHEMA_LANG if any(w.lang for w in words) else None


def _segment(particle: Any) -> str:
    # Only the name matters to a label path; group segments are dropped.
    return "~0" if is_group(particle) else str(particle.local_name)
