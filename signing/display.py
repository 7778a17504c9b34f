"""Text for people: names from certificates made visible, levels named.

A certificate's subject is written by whoever asked for the certificate. It
may hold bidirectional controls (U+202A–U+202E, U+2066–U+2069) that make
``Jan <U+202E>cod.exe`` read as ``Jan exe.doc``, zero-width or other format
characters that hide letters, and control characters (an ESC starts a
terminal escape sequence). Wherever a person reads such text, each of those
characters is written as its code, ``\\u202E``: visible, and nothing else in
the text changes.
"""

from __future__ import annotations

import unicodedata

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Control, format, surrogate, private-use, unassigned, line and paragraph
separator characters: none of them is a letter anyone writes in a name."""

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
"""The baseline levels of EN 319 132-1 / EN 319 142-1, lowest first."""

TIMESTAMP_FORMS = frozenset({"PDF-TS", "ASiC-TS"})
"""Forms of document time-stamps: over a PDF revision or an ASiC's content."""

PASSED = "passed"
FAILED = "failed"
NOT_CHECKED = "not-checked"

_NO_LEVEL = ("XMLDSig", "CMS", "unreadable", "not ", "PDF-TS")


def shown(text: str | None) -> str | None:
    """Return ``text`` with every hidden or control character written as a code."""
    if text is None:
        return None

    return "".join(escape(c) if _hidden(c) else c for c in text)


def escape(char: str) -> str:
    """Write one character as its code point, ``\\uXXXX`` (``\\UXXXXXXXX`` beyond)."""
    point = ord(char)
    return f"\\u{point:04X}" if point <= 0xFFFF else f"\\U{point:08X}"


def baseline_level(form: str | None) -> str | None:
    """The baseline level a signature's form (``XAdES-T``, ``PAdES-B-LTA`` …)
    reaches; ``None`` for plain XMLDSig or CMS and document time-stamps."""
    text = form or ""
    if not text or text.startswith(_NO_LEVEL):
        return None

    for suffix in ("LTA", "LT", "T"):
        if text.endswith("-" + suffix):
            return "B-" + suffix

    return "B-B"


def check_outcome(passed: bool, detail: str, signature_passed: bool) -> str:
    """Say whether a check passed, failed or was not checked.

    A failed check the verdict did without was not relied on: the validator
    says so in its note, or the signature passed regardless."""
    if passed:
        return PASSED

    if signature_passed or detail.startswith(("not checked", "not used")):
        return NOT_CHECKED

    if detail.endswith("(no copy held to check)"):
        return NOT_CHECKED

    return FAILED


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in HIDDEN_CATEGORIES
