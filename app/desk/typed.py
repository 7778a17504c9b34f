"""Free text typed at the desk that cannot be kept: marked beside its field.

A control character (NUL among them, which PostgreSQL text cannot hold)
in a note or a decision is answered with the case page again, the text
kept in its field and the field marked, instead of the app-wide request
guard's bare 400 that loses what the clerk typed. Views that use this are
marked :func:`app.input_guard.checks_own_fields`, so every other field of
their form is checked here too.
"""

from __future__ import annotations

import re

from flask import abort, request
from flask_babel import gettext as _

# Control characters no one types; tabs and line breaks stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def typed_text(fields: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """What was typed in each text field (by its id) and the fields to correct.

    ``fields`` maps a textarea's id to its form field's name. A NUL anywhere
    else in the form (a list's value, a field's name) is a plain 400.
    """
    names = set(fields.values())
    for name, value in request.form.items(multi=True):
        if "\x00" in name or (name not in names and "\x00" in value):
            abort(400)

    typed = {key: request.form.get(name, "") for key, name in fields.items()}
    message = str(_("Remove the control character (an invisible one) from this field."))
    invalid = {key: message for key, value in typed.items() if CONTROL.search(value)}
    return typed, invalid
