"""Refuse NUL characters at the request boundary (400, never a 500).

PostgreSQL text cannot hold a NUL, so one reaching a query would fail
there; no person types one and no address needs one. The address and the
query string are checked on every request, and the form fields of pages.
API bodies are read as raw streams by intake and never searched as text.
"""

from __future__ import annotations

from flask import Flask, abort, request

NUL = "\x00"


def init_input_guard(app: Flask) -> None:
    """Check every request before its view runs."""
    app.before_request(refuse_nul_characters)


def refuse_nul_characters() -> None:
    """Answer 400 when a NUL stands in the path, a query value or a page field."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    values += [request.headers.get("X-Access-Code", "")]
    if not request.path.startswith("/api/") and request.mimetype in FORM_TYPES:
        values += [*request.form.keys(), *request.form.values()]

    if any(NUL in value for value in values):
        abort(400)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
