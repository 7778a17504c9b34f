"""Security headers on every answer (review F21).

Pages may not be framed (click-jacking of clerk buttons), may run only our
own scripts and styles, and are not cached: result pages, drafts, receipts
and desk pages carry personal data and access codes, and codes travel in
URLs, so no referrer leaves the site. Static assets keep normal caching.
A response that set its own Content-Security-Policy or Cache-Control keeps
it (a route may only be stricter than this default).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)
FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
NO_STORE = "no-store"
STATIC_PREFIX = "/static/"


def init_security_headers(app: Flask) -> None:
    """Add the header policy to every response ``app`` gives."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set the policy headers on ``response`` unless it set stricter ones."""
    for name, value in FIXED_HEADERS.items():
        response.headers[name] = value
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if not request.path.startswith(STATIC_PREFIX):
        response.headers.setdefault("Cache-Control", NO_STORE)
    return response
