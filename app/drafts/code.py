"""Short draft codes a person can read out and type: 9 symbols and a check.

The alphabet has 31 symbols with no 0/O, 1/I or U/V lookalikes; the last
symbol is a weighted sum modulo 31 (weights 1..9, prime modulus), so any
single wrong symbol and any swap of two neighbours is caught. Nine random
symbols give about 44 bits.
"""

from __future__ import annotations

import enum
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTVWXYZ"
BODY = 9
LENGTH = BODY + 1
# Blanks and dashes of any kind: on-screen keyboards and copied text bring
# no-break spaces and en dashes as readily as the printed ASCII hyphen.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


class CodeProblem(enum.StrEnum):
    """Why typed text cannot be a draft code, before any draft is looked up."""

    EMPTY = "empty"
    LENGTH = "length"
    SYMBOL = "symbol"
    CHECK = "check"


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
    if code_problem(typed) is not None:
        return None

    return bare_code(typed)


def bare_code(typed: str) -> str:
    """What a person typed without blanks or dashes, in capitals."""
    return _SEPARATORS.sub("", typed).upper()


def code_problem(typed: str) -> CodeProblem | None:
    """What makes ``typed`` no code at all (such as a slip the check symbol catches)."""
    code = bare_code(typed)
    if not code:
        return CodeProblem.EMPTY

    if len(code) != LENGTH:
        return CodeProblem.LENGTH

    if any(ch not in ALPHABET for ch in code):
        return CodeProblem.SYMBOL

    if check_symbol(code[:BODY]) != code[BODY]:
        return CodeProblem.CHECK

    return None


def format_code(code: str) -> str:
    """The code as printed: two groups of five, ``ABCDE-FGHJK``."""
    return f"{code[:5]}-{code[5:]}"
