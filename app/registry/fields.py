"""What a registration is given: the document's fields and the receipt builder."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import NotRequired, TypedDict

from sqlalchemy.orm import Session

from app.registry.models import Document

ReceiptBuilder = Callable[[Document], bytes]
RegisteredHook = Callable[[Session, Document], None]

# What XML 1.0 and PostgreSQL text cannot hold (NUL, most C0 controls, lone
# surrogates, U+FFFE/U+FFFF): a receipt could not be built with them.
_UNSTORABLE = frozenset(range(0x20)) - {0x09, 0x0A, 0x0D}
SIGNER_IDENTIFIER_LENGTH = 256

# Unambiguous characters for codes people type from paper (no 0/O, 1/I/L).
ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACCESS_CODE_LENGTH = 16


class DocumentFields(TypedDict):
    """What the intake pipeline knows about a submission it has stored.

    The registry adds the number, year, sequence and status; it makes up an
    access code when none is given.
    """

    received_at: datetime
    channel: str
    sha256: str
    size: int
    media_type: str
    indication: str
    report_json: str
    subindication: NotRequired[str | None]
    form_id: NotRequired[str | None]
    form_version: NotRequired[str | None]
    form_namespace: NotRequired[str | None]
    schema_sha256: NotRequired[str | None]
    sender: NotRequired[str | None]
    signer_name: NotRequired[str | None]
    signer_identifier: NotRequired[str | None]
    signer_cert_sha256: NotRequired[str | None]
    signing_time: NotRequired[datetime | None]
    department: NotRequired[str | None]
    access_code: NotRequired[str | None]
    client_id: NotRequired[int | None]
    # Other stored blobs the document refers to: (role, sha256, size).
    blobs: NotRequired[list[tuple[str, str, int | None]]]


def new_access_code() -> str:
    """Return a random code that lets the holder of a receipt follow the case.

    Characters come from random bytes below the largest multiple of the
    alphabet's size (the rest are drawn again), so each is equally likely;
    one read of random bytes instead of one per character.
    """
    size = len(ACCESS_CODE_ALPHABET)
    below = 256 // size * size
    code: list[str] = []
    while len(code) < ACCESS_CODE_LENGTH:
        for byte in secrets.token_bytes(ACCESS_CODE_LENGTH + 8):
            if byte < below and len(code) < ACCESS_CODE_LENGTH:
                code.append(ACCESS_CODE_ALPHABET[byte % size])

    return "".join(code)


def same_access_code(given: str, expected: str) -> bool:
    """Tell whether a typed code is ``expected``: any letter case, constant time.

    Codes are printed in capitals; a resident may type them in lower case
    (review F24). Surrounding spaces are ignored as well.
    """
    typed = given.strip().upper().encode("utf-8")
    return hmac.compare_digest(typed, expected.encode("utf-8"))


def check_times(fields: DocumentFields) -> None:
    """Refuse naive datetimes before anything is numbered (the registry keeps UTC)."""
    for name in ("received_at", "signing_time"):
        value = fields.get(name)
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(f"naive datetime given for {name}; the registry keeps UTC")


def storable(text: str | None, limit: int | None = None) -> str | None:
    """Return text from a certificate fit for a column and the receipt XML.

    What XML and PostgreSQL cannot hold is written as ``\\uXXXX``, and the
    text is cut to ``limit`` characters; bidi and format characters are kept
    (the registry says what the certificate says; pages neutralise them).
    """
    if text is None:
        return None

    kept = "".join(f"\\u{ord(c):04X}" if _unstorable(c) else c for c in text)
    if limit is not None and len(kept) > limit:
        return kept[: limit - 1] + "…"

    return kept


def _unstorable(char: str) -> bool:
    point = ord(char)
    return (
        point in _UNSTORABLE or 0xD800 <= point <= 0xDFFF or point in (0xFFFE, 0xFFFF)
    )
