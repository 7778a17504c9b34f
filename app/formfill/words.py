"""The module's messages: English source text, Polish in this part's catalog."""

from __future__ import annotations

from flask_babel import gettext


def _(message: str, **variables: object) -> str:
    """Translate ``message`` for the page being built (English outside a request)."""
    return str(gettext(message, **variables))
