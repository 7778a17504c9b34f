"""Refusals of case actions: a stable code and one plain sentence."""

from __future__ import annotations

from enum import StrEnum


class CaseErrorCode(StrEnum):
    """Why a case action was refused (shown to clerks, kept in logs)."""

    UNKNOWN_JRWA = "UNKNOWN_JRWA"
    TITLE_INVALID = "TITLE_INVALID"
    DOCUMENT_IN_CASE = "DOCUMENT_IN_CASE"
    CASE_DECIDED = "CASE_DECIDED"
    ASSIGNEE_NOT_IN_DEPARTMENT = "ASSIGNEE_NOT_IN_DEPARTMENT"
    STATUS_NOT_ALLOWED = "STATUS_NOT_ALLOWED"
    ALREADY_PAUSED = "ALREADY_PAUSED"
    NOT_PAUSED = "NOT_PAUSED"
    DECISION_EMPTY = "DECISION_EMPTY"
    MESSAGE_INVALID = "MESSAGE_INVALID"
    EMAIL_INVALID = "EMAIL_INVALID"


MESSAGES = {
    CaseErrorCode.UNKNOWN_JRWA: "The JRWA class is not a case class of the list.",
    CaseErrorCode.TITLE_INVALID: "The case title must have 1 to 500 characters.",
    CaseErrorCode.DOCUMENT_IN_CASE: "The document already belongs to a case.",
    CaseErrorCode.CASE_DECIDED: "The case is decided and can no longer change.",
    CaseErrorCode.ASSIGNEE_NOT_IN_DEPARTMENT: (
        "The case can only be assigned to an active clerk of its department."
    ),
    CaseErrorCode.STATUS_NOT_ALLOWED: "The case cannot take this status now.",
    CaseErrorCode.ALREADY_PAUSED: "The case is already waiting for a remedy.",
    CaseErrorCode.NOT_PAUSED: "The case is not waiting for a remedy.",
    CaseErrorCode.DECISION_EMPTY: "A decision needs its text.",
    CaseErrorCode.MESSAGE_INVALID: "A message must have 1 to 10000 characters.",
    CaseErrorCode.EMAIL_INVALID: (
        "The e-mail must be one address such as jan@example.org."
    ),
}


class CaseError(ValueError):
    """A case action that the rules do not allow."""

    def __init__(self, code: CaseErrorCode) -> None:
        super().__init__(MESSAGES[code])
        self.code = code
