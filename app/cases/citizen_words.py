"""The words a citizen's case page uses for statuses and events, translated.

Shared by every channel that shows a citizen their case (portal, kiosk);
the Polish words are in this part's catalog.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.cases import constants as c
from app.cases.constants import CaseStatus


def status_words() -> dict[str, str]:
    """What each case status means, in the page's language."""
    return {
        CaseStatus.OPEN: _("Opened; waiting for the clerk to start"),
        CaseStatus.IN_PROGRESS: _("In progress"),
        CaseStatus.AWAITING_REMEDY: _("Waiting for you to remedy a defect"),
        CaseStatus.DECIDED: _("Decided"),
    }


def event_words() -> dict[str, str]:
    """What each case event a citizen sees means, in the page's language."""
    return {
        c.ACTION_OPENED: _("the case was opened"),
        c.ACTION_ATTACHED: _("a document was added to the case"),
        c.ACTION_STATUS: _("the status of the case changed"),
        c.ACTION_PAUSED: _("the office asked for a defect to be remedied"),
        c.ACTION_RESUMED: _("work on the case resumed"),
        c.ACTION_DECIDED: _("the case was decided"),
    }
