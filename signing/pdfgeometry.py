"""Strict checks of a PDF signature's ``/ByteRange`` on the raw bytes.

ISO 32000-1, clause 12.8.1 and EN 319 142-1, clause 5.1: the signature
covers the whole revision it belongs to except the ``/Contents`` value.  We
require exactly that and nothing looser, because every looser form has been
used to hide content (signature wrapping, SIWA, byte-range overlap):

- two ranges, the first starting at offset 0;
- the gap between them is exactly the ``/Contents`` hex string, ``<`` and
  ``>`` included, holding nothing but hex digits, and it decodes to the CMS
  that the parsed signature dictionary carries;
- the second range ends on a ``%%EOF`` marker (and at most one end-of-line):
  the end of the revision that was signed, never in the middle of one.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

_HEX = re.compile(rb"^[0-9A-Fa-f]*$")
_EOF_MARKER = b"%%EOF"
_EOLS = (b"\r\n", b"\n", b"\r")
_TAIL_WINDOW = 4096  # more than this after the last %%EOF is refused anyway


@dataclass(frozen=True)
class Geometry:
    """The outcome of the byte-range check."""

    passed: bool
    """Whether the byte range has the required shape."""
    detail: str
    """A plain sentence about the outcome."""
    signed_end: int = 0
    """Offset just past the signed revision (when the check passed)."""


def check_byte_range(
    data: bytes, byte_range: Sequence[object], contents: bytes
) -> Geometry:
    """Check the ``/ByteRange`` against the file and the parsed ``/Contents``."""
    numbers = _as_offsets(byte_range)
    if numbers is None:
        return Geometry(False, "/ByteRange is not four non-negative integers")

    start, first_len, second_start, second_len = numbers
    problem = _shape_problem(data, start, first_len, second_start, second_len)
    if problem is None:
        problem = _gap_problem(data[first_len:second_start], contents)
    if problem is None:
        problem = _end_problem(data, second_start + second_len)
    if problem is not None:
        return Geometry(False, problem)

    return Geometry(
        True,
        "/ByteRange covers the revision, all but the /Contents value",
        second_start + second_len,
    )


def bytes_after_last_revision(data: bytes) -> bool:
    """Tell whether anything but white space follows the last ``%%EOF``.

    Readers ignore such bytes, or scan them to repair the file: either way
    they are not part of any revision a signature or the change analysis
    sees, so they are refused rather than trusted to be harmless.
    """
    end = data.rfind(_EOF_MARKER, max(0, len(data) - _TAIL_WINDOW))
    if end < 0:
        return True

    return bool(data[end + len(_EOF_MARKER) :].strip(b" \t\r\n\f\x00"))


def _as_offsets(byte_range: Sequence[object]) -> tuple[int, int, int, int] | None:
    values = list(byte_range)
    if len(values) != 4:
        return None

    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None

    a, b, c, d = (int(v) for v in values)  # type: ignore[call-overload]
    if min(a, b, c, d) < 0:
        return None

    return a, b, c, d


def _shape_problem(
    data: bytes, start: int, first_len: int, second_start: int, second_len: int
) -> str | None:
    if start != 0:
        return "/ByteRange does not start at the beginning of the file"

    if first_len == 0 or second_start <= first_len + 1:
        return "/ByteRange leaves no room for the /Contents value"

    if second_start + second_len > len(data):
        return "/ByteRange reaches past the end of the file"

    return None


def _gap_problem(gap: bytes, contents: bytes) -> str | None:
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
        return "the gap in /ByteRange is not exactly a hex string"

    digits = gap[1:-1]
    if len(digits) % 2 or not _HEX.match(digits):
        return "the gap in /ByteRange holds more than the /Contents hex digits"

    if binascii.unhexlify(digits) != contents:
        return "the gap in /ByteRange is not this signature's /Contents"

    return None


def _end_problem(data: bytes, end: int) -> str | None:
    for eol in _EOLS:
        if data.startswith(eol, max(0, end - len(eol)), end):
            end -= len(eol)
            break

    if not data.startswith(_EOF_MARKER, max(0, end - len(_EOF_MARKER)), end):
        return "/ByteRange does not end at the end of a revision (%%EOF)"

    return None
