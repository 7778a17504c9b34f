"""The draft a kiosk has open, kept in the session instead of in an address.

Only the draft's database id and the time of its last use are kept (the
session cookie is signed, not secret, so never the code itself). The value
is dropped by "Done", by the idle reset (both lead to the start page) and
after :data:`KEEP_SECONDS` without use, so the next person at the terminal
finds nothing open, whatever the browser's history holds.
"""

from __future__ import annotations

import time

from flask import session

KEY = "kiosk_draft"
KEEP_SECONDS = 600


def remember(draft_id: int) -> None:
    """Keep ``draft_id`` as the draft this kiosk has open."""
    session[KEY] = {"id": draft_id, "at": int(time.time())}


def opened_id() -> int | None:
    """The id of the draft open here, refreshed; None when none or too old."""
    value = session.get(KEY)
    if not isinstance(value, dict):
        return None

    draft_id, at = value.get("id"), value.get("at")
    if not isinstance(draft_id, int) or not isinstance(at, int):
        forget()
        return None

    if time.time() - at > KEEP_SECONDS:
        forget()
        return None

    remember(draft_id)
    return draft_id


def forget() -> None:
    """Close whatever draft this kiosk had open."""
    if KEY in session:  # else the session stays untouched: no cookie is set
        session.pop(KEY)
