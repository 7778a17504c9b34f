"""E-mail addresses the office stores: exactly one plain addr-spec each.

Nothing that could be read as more than one address or as a mail header
gets in: no spaces, CR/LF, commas, angle brackets, quotes or comments;
a local part of the usual characters, ``@``, a domain of labels.
"""

from __future__ import annotations

import re

MAX_LENGTH = 320
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDR_SPEC = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})+")


def is_one_address(text: str) -> bool:
    """Say whether ``text`` is exactly one addr-spec (``name@example.org``)."""
    local, _sep, _domain = text.partition("@")
    return (
        len(text) <= MAX_LENGTH
        and len(local) <= 64
        and ADDR_SPEC.fullmatch(text) is not None
    )
