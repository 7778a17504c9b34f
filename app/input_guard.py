"""Refuse NUL characters at the request boundary (400, never a 500).

PostgreSQL text cannot hold a NUL, so one reaching a query would fail
there; no person types one and no address needs one. The address and the
query string are checked on every request, and the form fields of pages,
except on pages that check their own fields (:func:`checks_own_fields`):
there a NUL is marked beside its field like any other character that
cannot be kept, and the person's filled form is not lost. API bodies are
read as raw streams by intake and never searched as text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request

NUL = "\x00"
OWN_CHECK = "checks_own_fields"
View = TypeVar("View", bound=Callable[..., Any])


def init_input_guard(app: Flask) -> None:
    """Check every request before its view runs."""
    app.before_request(refuse_nul_characters)


def refuse_nul_characters() -> None:
    """Answer 400 when a NUL stands in the path, a query value or a page field."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    values += [request.headers.get("X-Access-Code", "")]
    if _page_form() and not _view_checks_fields():
        values += [*request.form.keys(), *request.form.values()]

    if any(NUL in value for value in values):
        abort(400)


def checks_own_fields(view: View) -> View:
    """Mark a page view that refuses a NUL in its fields itself, field by field.

    Its fields must never reach the database unchecked: the view answers
    400 with the form kept and the field marked.
    """
    setattr(view, OWN_CHECK, True)
    return view


def _page_form() -> bool:
    return not request.path.startswith("/api/") and request.mimetype in FORM_TYPES


def _view_checks_fields() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, OWN_CHECK, False))


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
