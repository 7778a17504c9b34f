"""Names and identifiers read from certificates, made safe to show (review F26).

A certificate's subject is written by whoever asked for the certificate. It
may hold bidirectional controls (U+202A–U+202E, U+2066–U+2069) that make
``Jan <U+202E>cod.exe`` read as ``Jan exe.doc``, zero-width or other format
characters that hide letters, and control characters that break a line or a
page. Wherever a person reads such a name, each of those characters is shown
as its code, ``\\u202E``: visible, and nothing else in the name changes.
"""

from __future__ import annotations

import unicodedata

# Control, format, surrogate, private-use, unassigned, line and paragraph
# separators: none of them is a letter anyone writes in a name.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def shown(text: str | None) -> str | None:
    """Return ``text`` with every hidden or control character written as ``\\uXXXX``."""
    if text is None:
        return None

    return "".join(escape(c) if _hidden(c) else c for c in text)


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in HIDDEN_CATEGORIES


def escape(char: str) -> str:
    """Write one character as its code point, ``\\uXXXX``."""
    point = ord(char)
    return f"\\u{point:04X}" if point <= 0xFFFF else f"\\U{point:08X}"
