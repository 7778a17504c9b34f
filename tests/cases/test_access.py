"""The permission table: every role × own or other department × every action."""

from __future__ import annotations

import pytest

from app.cases.access import Action, may, may_on_case
from app.cases.constants import Role
from app.cases.models import Case, Clerk

OWN, OTHER = 1, 2

# What each role may do in its own department; the office-wide roles the same
# in any department; department roles nothing in another one.
EXPECTED = {
    Role.FRONT_DESK: {Action.REGISTER_PAPER},
    Role.CLERK: {
        Action.VIEW_INBOX,
        Action.VIEW_DOCUMENT,
        Action.VIEW_CASE,
        Action.OPEN_CASE,
        Action.ATTACH,
        Action.CHANGE_STATUS,
        Action.DECIDE,
    },
    Role.ARCHIVIST: {Action.VIEW_INBOX, Action.VIEW_DOCUMENT, Action.VIEW_CASE},
    Role.ADMIN: {Action.MANAGE},
}
EXPECTED[Role.HEAD] = EXPECTED[Role.CLERK] | {Action.ASSIGN}
OFFICE_WIDE = {Role.ARCHIVIST, Role.ADMIN}
NOT_SCOPED = {Action.REGISTER_PAPER, Action.MANAGE}


def _clerk(role: Role, active: bool = True) -> Clerk:
    department = None if role in OFFICE_WIDE else OWN
    return Clerk(id=7, role=role, department_id=department, active=active)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("where", [OWN, OTHER, None], ids=["own", "other", "none"])
@pytest.mark.parametrize("role", list(Role))
def test_permission_matrix(role: Role, where: int | None, action: Action) -> None:
    allowed = action in EXPECTED[role]
    reaches = role in OFFICE_WIDE or action in NOT_SCOPED or where == OWN

    assert may(_clerk(role), action, where) is (allowed and reaches)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_an_inactive_account_may_do_nothing(role: Role, action: Action) -> None:
    assert may(_clerk(role, active=False), action, OWN) is False


def test_the_assignee_reaches_a_case_of_another_department() -> None:
    clerk = _clerk(Role.CLERK)
    case = Case(department_id=OTHER, assignee_id=clerk.id)

    assert may_on_case(clerk, Action.VIEW_CASE, case)
    assert may_on_case(clerk, Action.DECIDE, case)
    assert not may_on_case(clerk, Action.ASSIGN, case)
    assert not may_on_case(clerk, Action.VIEW_CASE, Case(department_id=OTHER))
