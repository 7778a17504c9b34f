"""Kiosk mode for the two terminals in the hall: choose a form, read it, print it.

A separate channel with its own layout: large touch targets, choices instead
of typing, kiosk links only, a Content-Security-Policy that lets a page load
nothing and send nothing beyond this server, and a return to the start after
a minute without a touch (a small script, with a meta refresh without it).
"""

from flask import Blueprint
from werkzeug.wrappers import Response

bp = Blueprint("kiosk", __name__, template_folder="templates")

# Nothing from other hosts, no inline script, no framing, forms post here only.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


@bp.after_request
def lock_down(response: Response) -> Response:
    """Send the kiosk's security headers with every kiosk page."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


from app.kiosk import case, draft, errors, filling, routes  # noqa: E402,F401
