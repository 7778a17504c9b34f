"""Who may do what: one table of roles and actions, and the department rule.

Department roles (front desk, clerk, head) act only in their own
department, except that a clerk also reaches a case assigned to them. The
archivist reads every department and changes nothing; the administrator
manages departments and accounts and reads no documents.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from app.cases.accounts import find_department
from app.cases.constants import Role
from app.cases.models import Case, Clerk
from app.cases.queries import case_of_document
from app.registry.models import Document


class Action(StrEnum):
    """Things done at the desk that need permission."""

    REGISTER_PAPER = "register-paper"
    VIEW_INBOX = "view-inbox"
    VIEW_DOCUMENT = "view-document"
    VIEW_CASE = "view-case"
    OPEN_CASE = "open-case"
    ATTACH = "attach"
    ASSIGN = "assign"
    CHANGE_STATUS = "change-status"
    DECIDE = "decide"
    MANAGE = "manage"


READ = {Action.VIEW_INBOX, Action.VIEW_DOCUMENT, Action.VIEW_CASE}
WORK = {Action.OPEN_CASE, Action.ATTACH, Action.CHANGE_STATUS, Action.DECIDE}

ALLOWED: dict[Role, frozenset[Action]] = {
    Role.FRONT_DESK: frozenset({Action.REGISTER_PAPER}),
    Role.CLERK: frozenset(READ | WORK),
    Role.HEAD: frozenset(READ | WORK | {Action.ASSIGN}),
    Role.ARCHIVIST: frozenset(READ),
    Role.ADMIN: frozenset({Action.MANAGE}),
}

# Actions that concern one department's documents and cases.
DEPARTMENT_SCOPED = READ | WORK | {Action.ASSIGN}

# Roles whose permissions reach every department.
OFFICE_WIDE = {Role.ARCHIVIST, Role.ADMIN}


def may(clerk: Clerk, action: Action, department_id: int | None = None) -> bool:
    """Say whether ``clerk`` may do ``action`` in the department given."""
    if not clerk.active:
        return False

    role = Role(clerk.role)
    if action not in ALLOWED[role]:
        return False

    if role in OFFICE_WIDE or action not in DEPARTMENT_SCOPED:
        return True

    # A document of no department is reachable office-wide only.
    return department_id is not None and clerk.department_id == department_id


def may_on_case(clerk: Clerk, action: Action, case: Case) -> bool:
    """Like :func:`may`, for a case: its assignee reaches it from anywhere."""
    if may(clerk, action, case.department_id):
        return True

    assigned = case.assignee_id == clerk.id and clerk.active
    return assigned and action in ALLOWED[Role(clerk.role)]


def may_on_document(
    session: Session, clerk: Clerk, action: Action, document: Document
) -> bool:
    """Like :func:`may`, for a document: its department, or its case's assignee."""
    department = find_department(session, document.department or "")
    if may(clerk, action, department.id if department else None):
        return True

    case = case_of_document(session, document)
    return case is not None and may_on_case(clerk, action, case)


def may_somewhere(clerk: Clerk, action: Action) -> bool:
    """Say whether ``clerk``'s role allows ``action`` in any department at all."""
    return bool(clerk.active) and action in ALLOWED[Role(clerk.role)]
