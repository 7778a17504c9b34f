"""The clerks' workspace at /desk: sign-in, front desk, inboxes, cases, management.

A channel: it calls app.cases and app.intake and imports no other channel.
"""

from flask import Blueprint

bp = Blueprint(
    "desk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from app.desk import (  # noqa: E402,F401
    admin_clients,
    answers,
    auth,
    carried,
    cases,
    front,
    inbox,
    manage,
    overview,
    receipt_check,
    routing,
)
