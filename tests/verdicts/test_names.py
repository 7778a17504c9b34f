"""Names from certificates: every bidi, format and control character visible."""

from __future__ import annotations

import pytest

from app.registry.fields import storable
from app.verdicts.names import shown

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
OTHERS = ["\u200b", "\u200e", "\u200f", "\ufeff", "\u00ad", "\u2028", "\x7f"]
CONTROLS = [chr(c) for c in range(0x20)]


@pytest.mark.parametrize("char", BIDI + OTHERS + CONTROLS)
def test_each_hidden_character_is_written_as_its_code(char: str) -> None:
    assert shown(f"Jan{char}Kowalski") == f"Jan\\u{ord(char):04X}Kowalski"


def test_letters_spaces_and_punctuation_are_kept() -> None:
    name = "Zażółć Gęślą-Jaźń, O'Brien (Łódź) 李"
    assert shown(name) == name
    assert shown(None) is None


def test_storage_escapes_only_what_xml_cannot_hold_and_cuts_to_the_column() -> None:
    assert storable("A\x00B\x07C\tD\u202eE") == "A\\u0000B\\u0007C\tD\u202eE"
    assert storable("x" * 300, 256) == "x" * 255 + "…"
    assert storable(None) is None
