"""Who may route, transfer, answer, check receipts, read the overview, manage keys.

A second table beside app.cases.access, for the actions of routing and
oversight; the department rule is the same: department roles act in
their own department (a clerk also on a case assigned to them), the
archivist reads everywhere, the administrator manages API clients only.
"""

from __future__ import annotations

from enum import StrEnum

from app.cases.constants import Role
from app.cases.models import Case, Clerk


class Duty(StrEnum):
    """Routing and oversight actions that need permission."""

    ROUTE = "route"
    TRANSFER = "transfer"
    ANSWER = "answer"
    CHECK_RECEIPT = "check-receipt"
    OVERVIEW = "overview"
    MANAGE_CLIENTS = "manage-clients"


WORK = frozenset({Duty.ROUTE, Duty.TRANSFER, Duty.ANSWER, Duty.CHECK_RECEIPT})

GRANTED: dict[Role, frozenset[Duty]] = {
    Role.FRONT_DESK: frozenset({Duty.CHECK_RECEIPT}),
    Role.CLERK: WORK,
    Role.HEAD: WORK | {Duty.OVERVIEW},
    Role.ARCHIVIST: frozenset({Duty.CHECK_RECEIPT, Duty.OVERVIEW}),
    Role.ADMIN: frozenset({Duty.MANAGE_CLIENTS}),
}

DEPARTMENT_SCOPED = frozenset({Duty.ROUTE, Duty.TRANSFER, Duty.ANSWER, Duty.OVERVIEW})
OFFICE_WIDE = {Role.ARCHIVIST, Role.ADMIN}


def allowed(clerk: Clerk, duty: Duty) -> bool:
    """Say whether the clerk's role allows ``duty`` anywhere at all."""
    return bool(clerk.active) and duty in GRANTED[Role(clerk.role)]


def allowed_in(clerk: Clerk, duty: Duty, department_id: int | None) -> bool:
    """Say whether the clerk may do ``duty`` in the department given."""
    if not allowed(clerk, duty):
        return False

    if Role(clerk.role) in OFFICE_WIDE or duty not in DEPARTMENT_SCOPED:
        return True

    return department_id is not None and clerk.department_id == department_id


def allowed_on_case(clerk: Clerk, duty: Duty, case: Case) -> bool:
    """Like :func:`allowed_in`; the case's assignee reaches it from anywhere."""
    if allowed_in(clerk, duty, case.department_id):
        return True

    return (
        case.assignee_id == clerk.id
        and allowed(clerk, duty)
        and duty != (Duty.OVERVIEW)
    )
