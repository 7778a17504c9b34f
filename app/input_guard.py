"""Refuse NUL characters, overlong addresses and coded bodies at the boundary.

An address longer than :data:`MAX_ADDRESS` characters is answered 414
``uri-too-long`` by the app itself (the JSON envelope under /api, the error
page elsewhere, with the security headers), well below gunicorn's own
request-line limit, whose bare HTML answer no client can parse.

PostgreSQL text cannot hold a NUL, so one reaching a query would fail
there; no person types one and no address needs one. The address and the
query string are checked on every request, and the form fields of pages,
except on pages that check their own fields (:func:`checks_own_fields`):
there a NUL is marked beside its field like any other character that
cannot be kept, and the person's filled form is not lost. API bodies are
read as raw streams by intake and never searched as text.

A body sent in a content coding (``Content-Encoding: gzip`` or any other
but ``identity``) is answered 415 ``unsupported-content-encoding``, with
``Accept-Encoding: identity`` (RFC 7694), on every address that takes a
body: the office keeps, hashes and receipts the exact bytes it is sent,
and unpacking them first would make those bytes something else. A body
sent in a transfer coding other than ``chunked`` (``Transfer-Encoding:
gzip, chunked``) is answered 415 ``unsupported-transfer-encoding`` for the
same reason: gunicorn undoes the chunks and passes the header on, but
unpacks nothing else, so the app would read the gzip bytes as the document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request

from app.errors import ErrorCode, RequestError

NUL = "\x00"
# Below gunicorn's default request line (4094 bytes, `make run` sets 8190);
# our longest addresses (a receipt link with its code) stay under 200.
MAX_ADDRESS = 2048
OWN_CHECK = "checks_own_fields"
# Methods whose bodies nothing reads: a Content-Encoding there is harmless.
BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., Any])


def init_input_guard(app: Flask) -> None:
    """Check every request before its view runs."""
    app.before_request(refuse_long_addresses)
    # Before the NUL check, which reads page forms: a coded body is never read.
    app.before_request(refuse_coded_bodies)
    app.before_request(refuse_nul_characters)


def refuse_long_addresses() -> None:
    """Answer 414 when the path and query string are longer than we accept."""
    raw = request.environ.get("RAW_URI") or request.full_path
    if len(str(raw)) > MAX_ADDRESS:
        raise RequestError(ErrorCode.URI_TOO_LONG, 414)


def refuse_coded_bodies() -> None:
    """Answer 415 when a body is announced in a content or transfer coding."""
    if request.method in BODILESS:
        return

    if _codings("Content-Encoding") - {"", "identity"}:
        raise RequestError(ErrorCode.UNSUPPORTED_CONTENT_ENCODING, 415)

    # Chunks are framing the server undoes; any other coding stays on.
    if _codings("Transfer-Encoding") - {"", "chunked"}:
        raise RequestError(ErrorCode.UNSUPPORTED_TRANSFER_ENCODING, 415)


def _codings(header: str) -> set[str]:
    """The codings a header names, lower case, spaces trimmed."""
    return {c.strip() for c in request.headers.get(header, "").lower().split(",")}


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
