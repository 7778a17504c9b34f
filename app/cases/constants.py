"""Names shared by the case services and the channels: roles, statuses, actions."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a clerk may do (app.cases.access decides)."""

    FRONT_DESK = "front_desk"
    CLERK = "clerk"
    HEAD = "head"
    ARCHIVIST = "archivist"
    ADMIN = "admin"


class CaseStatus(StrEnum):
    """The state of a case; every one is shown to the citizen."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    AWAITING_REMEDY = "awaiting-remedy"
    DECIDED = "decided"


class DocumentStatus(StrEnum):
    """Citizen-visible state of a registered document (``Document.status``)."""

    REGISTERED = "registered"
    IN_CASE = "in-case"
    AWAITING_REMEDY = "awaiting-remedy"
    DECIDED = "decided"


class Direction(StrEnum):
    """Which way a case message went."""

    CITIZEN_TO_OFFICE = "citizen-to-office"
    OFFICE_TO_CITIZEN = "office-to-citizen"
    # The office's remedy request with a pause: also to the citizen, but the
    # case page shows it as what the office needs until the case resumes.
    OFFICE_REMEDY = "office-remedy"


# Journal event names of case actions ("case-" + action).
ACTION_OPENED = "opened"
ACTION_ATTACHED = "attached"
ACTION_ASSIGNED = "assigned"
ACTION_STATUS = "status"
ACTION_PAUSED = "paused"
ACTION_RESUMED = "resumed"
ACTION_DECIDED = "decided"
ACTION_MESSAGE = "message"
EVENT_DOCUMENT_VIEWED = "document-viewed"
