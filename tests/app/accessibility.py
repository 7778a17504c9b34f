"""Checks of WCAG 2.1 AA that read HTML and CSS: labels, ids, language, contrast."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Page(HTMLParser):
    """What one page says about its fields, ids and language."""

    html_lang: str | None = None
    ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    fields: list[dict[str, str | None]] = field(default_factory=list)
    described_by: list[str] = field(default_factory=list)
    images_without_alt: int = 0
    open_labels: int = 0
    wrapped: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang")
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if found.get("aria-describedby"):
            self.described_by += str(found["aria-describedby"]).split()
        if tag == "label":
            self.open_labels += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        if tag == "img" and found.get("alt") is None:
            self.images_without_alt += 1
        kind = found.get("type") or "text"
        if tag in {"input", "select", "textarea"} and kind not in UNLABELLED_TYPES:
            if self.open_labels:
                self.wrapped.add(len(self.fields))
            self.fields.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.open_labels:
            self.open_labels -= 1

    def problems(self) -> list[str]:
        """Every failure found, in words."""
        found = []
        if self.html_lang not in {"pl", "en"}:
            found.append(f"html lang is {self.html_lang!r}")
        duplicates = {i for i in self.ids if self.ids.count(i) > 1}
        if duplicates:
            found.append(f"ids used twice: {sorted(duplicates)}")
        for index, attrs in enumerate(self.fields):
            if not _labelled(attrs, self.label_for) and index not in self.wrapped:
                found.append(f"no label for {attrs.get('name') or attrs}")
        missing = set(self.described_by) - set(self.ids)
        if missing:
            found.append(f"aria-describedby names missing ids: {sorted(missing)}")
        if self.images_without_alt:
            found.append(f"{self.images_without_alt} images without alt")
        return found


def check_page(html: str) -> list[str]:
    """Parse a page and return its accessibility problems."""
    page = Page()
    page.feed(html)
    return page.problems()


def _labelled(attrs: dict[str, str | None], label_for: set[str]) -> bool:
    if attrs.get("aria-label") or attrs.get("aria-labelledby"):
        return True

    return attrs.get("id") in label_for


# --- contrast (WCAG 2.1: 4.5:1 for text, 3:1 for focus rings and borders) ---

RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """Selector and declarations of every rule (media blocks flattened)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)
    rules = []
    for selector, body in RULE.findall(css):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        rules.append((selector.strip(), declarations))
    return rules


def resolve(value: str, variables: dict[str, str]) -> str | None:
    """The first colour in a value, with var(--x) replaced; None if none."""
    value = re.sub(r"var\((--[\w-]+)\)", lambda m: variables.get(m[1], ""), value)
    found = HEX.search(value)
    if found is None:
        return "#ffffff" if re.search(r"\b(#fff|white)\b", value) else None
    digits = found[1]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.lower()


def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def colour_pairs(css: str) -> list[tuple[str, str, str, float]]:
    """(selector, foreground, background, needed ratio) of every pair a rule sets."""
    rules = css_rules(css)
    variables = {
        name: value
        for selector, body in rules
        if selector == ":root"
        for name, value in body.items()
    }
    page_bg = "#ffffff"
    page_ink = resolve(variables.get("--ink", "#000"), variables) or "#000000"
    for selector, body in rules:
        if re.fullmatch(r"(body[.\w]*|html)", selector) and "background" in body:
            page_bg = resolve(body["background"], variables) or page_bg

    pairs = []
    for selector, body in rules:
        background = None
        for name in ("background", "background-color"):
            if name in body:
                background = resolve(body[name], variables)
        foreground = resolve(body["color"], variables) if "color" in body else None
        if foreground or background:
            pairs.append((selector, foreground or page_ink, background or page_bg, 4.5))
        for name in ("outline", "border", "border-left", "border-bottom"):
            if name in body and (ring := resolve(body[name], variables)):
                pairs.append((f"{selector} {name}", ring, background or page_bg, 3.0))
    return pairs
