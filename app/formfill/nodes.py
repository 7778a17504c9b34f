"""The HTML form model: fields, element blocks, repeats and choices.

Keys name every value in the posted form. An element instance is
``Name.<n>`` under its parent's key, a nested model group ``~<pos>.<n>``,
an attribute ``<element key>/@name``; ``_n:<key>`` holds how many
instances a repeat has and ``_c:<key>`` the branch a choice takes.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from xmlschema.validators import XsdAnyElement

from app.formfill.hints import Hints

COUNT = "_n:"
CHOICE = "_c:"
# A break before a capital after a small letter (DataUrodzenia), and before
# a capital that starts a word after a one-letter word (WniosekOZaswiadczenie).
_WORD_BREAK = re.compile(
    r"(?<=[a-ząćęłńóśźż])(?=[A-ZĄĆĘŁŃÓŚŹŻ])"
    r"|(?<=[A-ZĄĆĘŁŃÓŚŹŻ])(?=[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż])"
)
SHORT_LABEL = 90


class FormModelError(Exception):
    """The schema uses a construct the browser form cannot offer."""


class FormLimitError(Exception):
    """The form grew beyond the bounds set for one page (repeats, depth, fields)."""


@dataclass
class Field:
    """One value to type in: an element's text or an attribute."""

    key: str
    label: str
    code: str
    help: str | None
    hints: Hints
    stype: Any = field(repr=False)
    qname: str
    required: bool
    value: str = ""
    fixed: str | None = None
    error: str | None = None
    node: str = "field"
    # Language of the label when it differs from the page's (a Polish label
    # on an English page): marked in the HTML for screen readers.
    lang: str | None = None

    @property
    def html_id(self) -> str:
        """A stable, valid HTML id for the field's input."""
        return "f" + hashlib.sha256(self.key.encode()).hexdigest()[:12]


@dataclass
class Block:
    """One instance of an element with complex type."""

    key: str
    label: str
    code: str
    help: str | None
    qname: str
    attributes: list[Field]
    text: Field | None
    children: list[Any]
    node: str = "block"
    lang: str | None = None


@dataclass
class Group:
    """One instance of a nested sequence: its particles in order."""

    key: str
    children: list[Any]
    node: str = "group"


@dataclass
class Choice:
    """One instance of a choice: the branches and the one taken."""

    key: str
    label: str
    options: list[tuple[int, str]]
    selected: int
    children: list[Any]
    error: str | None = None
    node: str = "choice"
    lang: str | None = None

    @property
    def html_id(self) -> str:
        """A stable, valid HTML id for the choice's fieldset."""
        return "c" + hashlib.sha256(self.key.encode()).hexdigest()[:12]


@dataclass
class Repeat:
    """A particle that may occur several times (or not at all)."""

    key: str
    label: str
    items: list[Any]
    minimum: int
    maximum: int
    node: str = "repeat"
    lang: str | None = None

    @property
    def html_id(self) -> str:
        """A stable, valid HTML id for the repeat's container."""
        return "r" + hashlib.sha256(self.key.encode()).hexdigest()[:12]

    @property
    def count(self) -> int:
        """How many instances are on the page."""
        return len(self.items)

    @property
    def can_add(self) -> bool:
        """Whether one more instance is allowed."""
        return self.count < self.maximum

    @property
    def can_remove(self) -> bool:
        """Whether an instance may be taken away."""
        return self.count > self.minimum


def humanise(name: str) -> str:
    """Turn ``DataUrodzenia`` into ``Data urodzenia``; codes like P_7 stay."""
    words = _WORD_BREAK.sub(" ", name).split(" ")
    return " ".join([words[0]] + [w.lower() for w in words[1:]])


@functools.lru_cache(maxsize=65536)
def describe(component: Any) -> tuple[str, str | None]:
    """Label and help text of an element or attribute from its documentation.

    Cached per component: reading an annotation runs an XPath query, and
    compiled schemas live as long as the catalog.
    """
    local = str(component.local_name)
    annotation = getattr(component, "annotation", None)
    text = " ".join(str(annotation).split()) if annotation is not None else ""
    if not text:
        return humanise(local), None

    if len(text) <= SHORT_LABEL:
        return text.rstrip(".").strip() or humanise(local), None

    return humanise(local), text


def child_prefix(key: str) -> str:
    """Prefix of keys below ``key`` ("" for the root element)."""
    return f"{key}/" if key else ""


def choice_key(prefix: str) -> str:
    """Key of a choice whose branches sit under ``prefix``."""
    return prefix[:-1] if prefix else ""


def segments(group: Any) -> list[str]:
    """Key segment of each particle of a model group, in order."""
    names = [
        f"~{pos}" if _is_group(p) or is_wildcard(p) else str(p.local_name)
        for pos, p in enumerate(group)
    ]
    seen: set[str] = set()
    result = []
    for pos, name in enumerate(names):
        result.append(name if name not in seen else f"{name}~{pos}")
        seen.add(name)

    return result


def occurs(particle: Any) -> tuple[int, int | None]:
    """minOccurs and maxOccurs (None when unbounded)."""
    return int(particle.min_occurs), particle.max_occurs


def is_group(particle: Any) -> bool:
    """Whether a particle is a model group (sequence, choice, all)."""
    return _is_group(particle)


def _is_group(particle: Any) -> bool:
    return hasattr(particle, "model")


def is_wildcard(particle: Any) -> bool:
    """Whether a particle is xs:any (no declaration to make fields from)."""
    return isinstance(particle, XsdAnyElement)


def check_supported(particle: Any) -> None:
    """Refuse required wildcards and abstract elements: nothing to make fields of."""
    if is_wildcard(particle) and occurs(particle)[0] > 0:
        raise FormModelError("the schema requires any element here (xs:any)")

    if getattr(particle, "abstract", False):
        raise FormModelError(f"{particle.local_name} is abstract")
