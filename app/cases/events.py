"""Write what happened to a case: a CaseEvent row and a registry journal entry.

The journal entry names the case, the action and the clerk's login; a note
is kept in the case trail only, the journal holds its SHA-256 so that it
can be checked without spreading its words.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.cases.models import Case, CaseEvent, Clerk
from app.registry import journal


def record_event(
    session: Session,
    case: Case,
    clerk: Clerk | None,
    action: str,
    note: str | None = None,
    document_id: int | None = None,
    at: datetime | None = None,
    **details: Any,
) -> CaseEvent:
    """Add one event to the case trail and the journal (caller commits)."""
    at = at or datetime.now(UTC)
    payload = {"case": case.number, "action": action, "by": _who(clerk), **details}

    if note:
        payload["note_sha256"] = hashlib.sha256(note.encode()).hexdigest()

    entry = journal.append(session, f"case-{action}", document_id, payload, at=at)
    event = CaseEvent(
        case_id=case.id,
        clerk_id=clerk.id if clerk else None,
        at=at,
        action=action,
        note=note or None,
        journal_position=entry.position,
    )
    session.add(event)
    return event


def record_office_event(
    session: Session,
    event: str,
    actor: Clerk | None,
    document_id: int | None = None,
    **details: Any,
) -> int:
    """Journal an action outside any case (accounts, departments, views)."""
    payload = {"by": _who(actor), **details}
    return journal.append(session, event, document_id, payload).position


def _who(clerk: Clerk | None) -> str | None:
    return clerk.login if clerk else None
