"""Sentences for refusals the desk shows, in the page's language."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _

from app.cases.accounts import AccountError, AccountErrorCode
from app.cases.errors import CaseError, CaseErrorCode
from app.errors import RequestError
from app.intake.scan import PaperError, PaperErrorCode


def request_error_message(exc: RequestError) -> str:
    """The intake pipeline's own sentence for its refusal."""
    return exc.sentence(g.get("lang", "pl"))


def paper_error_message(exc: PaperError) -> str:
    """Say what is wrong with a scan or the paper's details."""
    if exc.code == PaperErrorCode.NOT_A_SCAN:
        return str(_("The scan must be a PDF, JPEG, PNG or TIFF file."))

    fields = {
        "sender": _("Give the sender."),
        "department": _("Choose the department."),
        "pages": _("Give the number of pages (1 to 10000)."),
        "attachments": _("Give the number of attachments (0 or more)."),
        "arrival": _("Say how the paper came in: in person or by post."),
        "subject": _("Give the subject (up to 500 characters) or choose the form."),
        "form": _("Choose a form from the list."),
        "draft": _("No form was filled in with this code; check the code."),
    }
    return str(fields.get(exc.field or "", _("The paper's details are incomplete.")))


def case_error_message(exc: CaseError) -> str:
    """Say why a case action was refused."""
    messages = {
        CaseErrorCode.UNKNOWN_JRWA: _("Choose a JRWA class from the list."),
        CaseErrorCode.TITLE_INVALID: _("The case title must have 1 to 500 characters."),
        CaseErrorCode.DOCUMENT_IN_CASE: _("The document already belongs to a case."),
        CaseErrorCode.CASE_DECIDED: _("The case is decided and can no longer change."),
        CaseErrorCode.ASSIGNEE_NOT_IN_DEPARTMENT: _(
            "The case can only be assigned to an active clerk of its department."
        ),
        CaseErrorCode.STATUS_NOT_ALLOWED: _("The case cannot take this status now."),
        CaseErrorCode.ALREADY_PAUSED: _("The case is already waiting for a remedy."),
        CaseErrorCode.NOT_PAUSED: _("The case is not waiting for a remedy."),
        CaseErrorCode.DECISION_EMPTY: _("A decision needs its text."),
        CaseErrorCode.MESSAGE_INVALID: _("A message must have 1 to 10000 characters."),
        CaseErrorCode.EMAIL_INVALID: _(
            "The e-mail must be one address such as jan@example.org."
        ),
    }
    return str(messages[exc.code])


def account_error_message(exc: AccountError) -> str:
    """Say why an account or department was not added."""
    messages = {
        AccountErrorCode.BAD_SYMBOL: _(
            "A department symbol is a capital letter and up to 7 capitals or digits."
        ),
        AccountErrorCode.DEPARTMENT_EXISTS: _("This department exists already."),
        AccountErrorCode.BAD_LOGIN: _(
            "A login is 2 to 64 small letters, digits, dots, dashes or underscores."
        ),
        AccountErrorCode.NEEDS_DEPARTMENT: _("This role needs a department."),
        AccountErrorCode.LOGIN_TAKEN: _("This login is taken."),
        AccountErrorCode.SHORT_PASSWORD: _("A password needs at least 12 characters."),
        AccountErrorCode.UNKNOWN_ROLE: _("Choose a role from the list."),
        AccountErrorCode.BAD_EMAIL: _(
            "The e-mail must be one address such as wydzial@example.org."
        ),
        AccountErrorCode.LOCKS_ONESELF: _("You cannot lock your own account."),
        AccountErrorCode.LAST_ADMIN: _(
            "The last active administrator cannot be locked."
        ),
    }
    return str(messages[exc.code])
