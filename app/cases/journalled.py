"""Replay case and routing entries of the journal into documents' status.

``registry verify`` compares each document row with what the journal says
(app.registry.rowcheck); after registration only these entries change a
document's ``status`` and ``department``, by the rules of
app.cases.lifecycle and app.cases.routing, replayed here in journal order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import constants as c
from app.cases.constants import DocumentStatus
from app.registry.models import JournalEntry

# app.cases.routing.EVENT_DOCUMENT_ROUTED (not imported: it pulls the ORM).
EVENT_DOCUMENT_ROUTED = "document-routed"


@dataclass
class _Case:
    department: str | None
    paused: bool = False
    documents: list[int] = field(default_factory=list)


class _Replay:
    """The documents' facts and the cases' state, entry after entry."""

    def __init__(self) -> None:
        self.documents: dict[int, dict[str, str | None]] = {}
        self.cases: dict[str, _Case] = {}

    def case(self, payload: dict[str, Any]) -> _Case:
        number = str(payload.get("case"))
        if number not in self.cases:
            # A case number begins with its department's symbol at opening.
            self.cases[number] = _Case(number.split(".")[0])

        return self.cases[number]

    def set(self, case: _Case, **facts: str | None) -> None:
        for document_id in case.documents:
            self.documents.setdefault(document_id, {}).update(facts)


def document_states(session: Session) -> dict[int, dict[str, str | None]]:
    """Return each document's status and department as later entries set them."""
    replay = _Replay()
    rows = session.execute(
        select(JournalEntry.event, JournalEntry.document_id, JournalEntry.payload_json)
        .where(JournalEntry.event.in_(list(_RULES)))
        .order_by(JournalEntry.position)
        .execution_options(yield_per=1000)
    )
    for event, document_id, payload_json in rows:
        _RULES[event](replay, document_id, json.loads(payload_json))

    return replay.documents


def _opened(replay: _Replay, _document_id: int | None, payload: Any) -> None:
    replay.case(payload)


def _attached(replay: _Replay, document_id: int | None, payload: Any) -> None:
    case = replay.case(payload)
    if document_id is None:
        return

    case.documents.append(document_id)
    status = DocumentStatus.AWAITING_REMEDY if case.paused else DocumentStatus.IN_CASE
    replay.documents[document_id] = {
        "status": str(status),
        "department": case.department,
    }


def _status(replay: _Replay, _document_id: int | None, payload: Any) -> None:
    replay.set(replay.case(payload), status=str(DocumentStatus.IN_CASE))


def _paused(replay: _Replay, _document_id: int | None, payload: Any) -> None:
    case = replay.case(payload)
    case.paused = True
    replay.set(case, status=str(DocumentStatus.AWAITING_REMEDY))


def _resumed(replay: _Replay, _document_id: int | None, payload: Any) -> None:
    case = replay.case(payload)
    case.paused = False
    replay.set(case, status=str(DocumentStatus.IN_CASE))


def _decided(replay: _Replay, _document_id: int | None, payload: Any) -> None:
    replay.set(replay.case(payload), status=str(DocumentStatus.DECIDED))


def _case_routed(replay: _Replay, _document_id: int | None, payload: Any) -> None:
    case = replay.case(payload)
    case.department = payload.get("to")
    replay.set(case, department=case.department)


def _document_routed(replay: _Replay, document_id: int | None, payload: Any) -> None:
    if document_id is not None:
        replay.documents.setdefault(document_id, {})["department"] = payload.get("to")


_RULES: dict[str, Callable[[_Replay, int | None, Any], None]] = {
    f"case-{c.ACTION_OPENED}": _opened,
    f"case-{c.ACTION_ATTACHED}": _attached,
    f"case-{c.ACTION_STATUS}": _status,
    f"case-{c.ACTION_PAUSED}": _paused,
    f"case-{c.ACTION_RESUMED}": _resumed,
    f"case-{c.ACTION_DECIDED}": _decided,
    "case-routed": _case_routed,
    EVENT_DOCUMENT_ROUTED: _document_routed,
}
