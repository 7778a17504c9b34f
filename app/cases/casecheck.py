"""Compare case rows, case events and messages with the journal's case entries.

Every case action writes a ``case-<action>`` entry (app.cases.events); its
payload says the new status, assignee or department, the SHA-256 of the
note or decision, and, for entries written since review S2, the deadline
and the SHA-256 of a message's body. ``registry verify`` replays them here
and names each row field that differs. A fact an older entry does not hold
is not checked. Event, message and document-link rows, each way round
(a row gone from under its entry too), are compared in app.cases.trailcheck.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import constants as c
from app.cases.constants import CaseStatus
from app.cases.models import Case, Clerk, Department
from app.cases.trailcheck import (
    Entry,
    Link,
    entry_from,
    event_rows,
    link_from,
    link_rows,
    message_rows,
    text_sha256,
)
from app.registry.models import JournalEntry
from signing.merkle import format_journal_time

# app.cases.routing.ACTION_ROUTED (not imported: it pulls the mail outbox).
ACTION_ROUTED = "routed"
UNKNOWN = "?"


@dataclass
class _Facts:
    """One case as its entries leave it; ``UNKNOWN`` where none says."""

    department: str
    status: str = str(CaseStatus.OPEN)
    assignee: str | None = None
    deadline: str | None = UNKNOWN
    paused_at: str | None = None
    decided_at: str | None = None
    decision_sha256: str | None = None


def verify_cases(session: Session) -> list[str]:
    """Return one problem per case, event or message field the journal denies."""
    cases: dict[str, _Facts] = {}
    entries: dict[int, Entry] = {}
    messages: dict[int, tuple[int, dict[str, Any]]] = {}
    links: list[Link] = []

    for position, at, event, document_id, payload in _case_entries(session):
        # Only what the event rows are compared with: a long journal stays small.
        entries[position] = entry_from(event, payload)
        if event == f"case-{c.ACTION_MESSAGE}":
            messages[payload.get("message", -1)] = (position, payload)
        elif event == f"case-{c.ACTION_ATTACHED}" and document_id is not None:
            links.append(link_from(position, document_id, payload))

        number = str(payload.get("case"))
        if event == f"case-{c.ACTION_OPENED}" or number not in cases:
            cases[number] = _Facts(number.split(".")[0])

        _apply(cases[number], event.removeprefix("case-"), at, payload)

    return (
        _case_rows(session, cases)
        + event_rows(session, entries)
        + message_rows(session, messages)
        + link_rows(session, links)
    )


def _apply(facts: _Facts, action: str, at: datetime, payload: dict[str, Any]) -> None:
    if action == c.ACTION_OPENED:
        facts.deadline = payload.get("deadline", UNKNOWN)
    elif action == c.ACTION_ASSIGNED:
        facts.assignee = payload.get("to")
        if facts.status == CaseStatus.OPEN:
            facts.status = str(CaseStatus.IN_PROGRESS)
    elif action == c.ACTION_STATUS:
        facts.status = str(payload.get("status"))
    elif action == c.ACTION_PAUSED:
        facts.status = str(CaseStatus.AWAITING_REMEDY)
        facts.paused_at = format_journal_time(at)
    elif action == c.ACTION_RESUMED:
        facts.status, facts.paused_at = str(CaseStatus.IN_PROGRESS), None
        facts.deadline = payload.get("deadline", _plus(facts.deadline, payload))
    elif action == c.ACTION_DECIDED:
        # An old entry ending a pause does not say the days the pause added.
        old = UNKNOWN if facts.paused_at else facts.deadline
        facts.deadline = payload.get("deadline", old)
        facts.status, facts.paused_at = str(CaseStatus.DECIDED), None
        facts.decided_at = format_journal_time(at)
        facts.decision_sha256 = payload.get("note_sha256")
    elif action == ACTION_ROUTED:
        facts.department, facts.assignee = str(payload.get("to")), None


def _plus(deadline: str | None, payload: dict[str, Any]) -> str | None:
    if deadline in (None, UNKNOWN) or "days" not in payload:
        return UNKNOWN

    later = date.fromisoformat(str(deadline)) + timedelta(days=int(payload["days"]))
    return later.isoformat()


def _case_rows(session: Session, cases: dict[str, _Facts]) -> list[str]:
    problems: list[str] = []
    rows = session.execute(
        select(Case, Department.symbol, Clerk.login)
        .join(Department, Department.id == Case.department_id)
        .outerjoin(Clerk, Clerk.id == Case.assignee_id)
        .order_by(Case.id)
    )
    for case, department, assignee in rows:
        facts = cases.get(case.number)
        if facts is None:
            problems.append(f"case {case.number}: no journal entry opens it")
            continue

        row = _Facts(
            department=department,
            status=case.status,
            assignee=assignee,
            deadline=case.deadline.isoformat(),
            paused_at=_time(case.paused_since),
            decided_at=_time(case.decided_at),
            decision_sha256=text_sha256(case.decision),
        )
        problems += [
            f"case {case.number}: {name} differs from the journal"
            for name in _FIELDS + _FIELDS_TOO
            if getattr(facts, name) not in (UNKNOWN, getattr(row, name))
        ]

    return problems


# The row fields compared, named as the columns they come from.
_FIELDS = ("department", "status", "assignee", "deadline")
_FIELDS_TOO = ("decided_at", "paused_at", "decision_sha256")


def _case_entries(
    session: Session,
) -> Iterator[tuple[int, datetime, str, int | None, Any]]:
    rows = session.execute(
        select(
            JournalEntry.position,
            JournalEntry.at,
            JournalEntry.event,
            JournalEntry.document_id,
            JournalEntry.payload_json,
        )
        .where(JournalEntry.event.like("case-%"))
        .order_by(JournalEntry.position)
        .execution_options(yield_per=1000)
    )
    for position, at, event, document_id, payload_json in rows:
        yield position, at, event, document_id, json.loads(payload_json)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else format_journal_time(moment)
