"""Sentences for refused routing and transfers, in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _

from app.cases import routing


def routing_error_message(reason: str) -> str:
    """Say why a pass to another department was refused."""
    messages = {
        routing.SAME_DEPARTMENT: _("The document is already in that department."),
        routing.INACTIVE_DEPARTMENT: _("That department no longer takes documents."),
        routing.IN_CASE: _(
            "The document belongs to a case: pass the whole case instead."
        ),
        routing.NOTE_TOO_LONG: _("The note may have at most 2000 characters."),
    }
    return str(messages.get(reason, _("The document cannot be passed on.")))


def transfer_refusal() -> str:
    """Say that the office chosen is not a partner office."""
    return str(_("Choose an office from the list of partner offices."))
