"""A form's filling instructions (markdown) as HTML inside a page section.

The page already has the form's title as its only ``<h1>`` and a ``<h2>``
over the instructions, so the instructions' own title is left out and their
headings move one level down.
"""

from __future__ import annotations

import re

import markdown
from markupsafe import Markup

_TITLE = re.compile(r"\A\s*# [^\n]*\n")
_HEADING = re.compile(r"<(/?)h([1-5])\b")


def instructions_html(text: str) -> Markup:
    """Render ``text`` without its title line, headings one level lower."""
    html = markdown.markdown(_TITLE.sub("", text, count=1), output_format="html")
    lowered = _HEADING.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", html)
    return Markup(lowered)  # noqa: S704 - our own catalog files, not user input
