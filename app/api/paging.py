"""Page size and opaque cursors for the API's newest-first listings."""

from __future__ import annotations

import base64
import binascii

from flask import request

from app.errors import ErrorCode, RequestError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_ID = 2**31 - 1
"""Ids are 32-bit: a cursor never makes the database's integer overflow."""


def page_limit() -> int:
    """Read ``?limit=`` (1 to MAX_LIMIT, default DEFAULT_LIMIT)."""
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not (raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MAX_LIMIT):
        raise RequestError(
            ErrorCode.BAD_REQUEST, 400, f"limit must be 1 to {MAX_LIMIT}."
        )

    return int(raw)


def read_cursor(mark: str) -> int | None:
    """Read ``?cursor=`` made by ``make_cursor`` with the same ``mark``."""
    raw = request.args.get("cursor")
    if raw is None:
        return None

    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        digits = text[len(mark) :]
        plain = digits.isascii() and digits.isdigit() and len(digits) <= 12
        if not text.startswith(mark) or not plain:
            raise ValueError("not a cursor")
    except (ValueError, binascii.Error) as exc:
        raise RequestError(
            ErrorCode.BAD_REQUEST, 400, "The cursor is not one we gave out."
        ) from exc

    return min(int(digits), MAX_ID)


def make_cursor(mark: str, last_id: int) -> str:
    """Return the opaque cursor for the page after ``last_id``."""
    return base64.urlsafe_b64encode(f"{mark}{last_id}".encode()).decode().rstrip("=")
