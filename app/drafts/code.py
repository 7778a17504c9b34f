"""Short draft codes a person can read out and type: 9 symbols and a check.

The alphabet has 31 symbols with no 0/O, 1/I or U/V lookalikes; the last
symbol is a weighted sum modulo 31 (weights 1..9, prime modulus), so any
single wrong symbol and any swap of two neighbours is caught. Nine random
symbols give about 44 bits.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTVWXYZ"
BODY = 9
LENGTH = BODY + 1
_SEPARATORS = str.maketrans("", "", " -\t")


def new_code() -> str:
    """A fresh random code of LENGTH symbols, its check symbol last."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return body + check_symbol(body)


def check_symbol(body: str) -> str:
    """The check symbol for the first BODY symbols."""
    total = sum((n + 1) * ALPHABET.index(ch) for n, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what a person typed; None when not a code."""
    code = typed.translate(_SEPARATORS).upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None

    if check_symbol(code[:BODY]) != code[BODY]:
        return None

    return code


def format_code(code: str) -> str:
    """The code as printed: two groups of five, ``ABCDE-FGHJK``."""
    return f"{code[:5]}-{code[5:]}"
