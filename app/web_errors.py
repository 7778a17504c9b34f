"""Error handlers: JSON envelopes under /api, plain pages elsewhere, never a 500 page
for anything a client sent."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.errors import ErrorCode, RequestError, envelope, message_in
from app.i18n import N_, translate
from app.registry.blobstore import BlobNotFoundError

log = logging.getLogger(__name__)

# Not an API error code: the API serves no stored file; pages do.
BLOB_MISSING = "blob-missing"
BLOB_MISSING_MESSAGE = N_(
    "The stored file is missing from the office's store; the administrator "
    "must restore it from a backup (flask registry verify names it)."
)

HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
}


def register_error_handlers(app: Flask) -> None:
    """Answer every refusal with a stable code and a plain sentence."""
    app.register_error_handler(RequestError, _request_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(DisconnectionError, _database_down)
    app.register_error_handler(PoolTimeoutError, _database_down)
    app.register_error_handler(BlobNotFoundError, _blob_missing)


def _request_error(exc: RequestError) -> Response:
    answer = _answer(exc.code, exc.status, exc.message)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        answer.headers["Retry-After"] = str(retry_after)

    if exc.code is ErrorCode.UNSUPPORTED_CONTENT_ENCODING:
        # RFC 7694: say which codings a request body may use (none).
        answer.headers["Accept-Encoding"] = "identity"

    return answer


def _http_error(exc: HTTPException) -> Response | HTTPException:
    status = exc.code or 500
    code = HTTP_CODES.get(status)
    if code is None:
        return exc

    answer = _answer(code, status, None)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        answer.headers["Allow"] = ", ".join(sorted(exc.valid_methods))

    return answer


def http_error_answer(exc: HTTPException) -> Response | HTTPException:
    """The app's own answer for an HTTP error (for a blueprint's handler)."""
    return _http_error(exc)


def _database_error(exc: DBAPIError) -> Response:
    # Lost or refused connections (psycopg reports them as OperationalError,
    # SQLAlchemy flags them connection_invalidated), a closed connection
    # (InterfaceError) and SQLite's "database is locked" past the busy
    # timeout are passing: 503. Anything else (an IntegrityError) is a bug.
    passing = (OperationalError, InterfaceError)
    if not (isinstance(exc, passing) or exc.connection_invalidated):
        raise exc

    return _database_down(exc)


def _database_down(exc: Exception) -> Response:
    cause = getattr(exc, "orig", None) or exc
    log.error("database unavailable", extra={"error": type(cause).__name__})
    answer = _answer(ErrorCode.UNAVAILABLE, 503, None)
    answer.headers["Retry-After"] = "30"
    return answer


def _blob_missing(exc: BlobNotFoundError) -> Response:
    # A stored file the registry names is gone (a damaged store or a
    # mistaken removal): the operator must restore it; the page says so.
    sha256 = str(exc.args[0]) if exc.args else ""
    log.error("stored blob missing", extra={"sha256": sha256})
    answer = Response(
        render_template(
            "error.html", code=BLOB_MISSING, message=translate(BLOB_MISSING_MESSAGE)
        )
    )
    answer.status_code = 410
    return answer


def _answer(code: ErrorCode, status: int, message: str | None) -> Response:
    if request.path.startswith("/api/"):
        answer = jsonify(envelope(code, message))
    else:
        sentence = message_in(code)
        answer = Response(
            render_template("error.html", code=code.value, message=sentence)
        )

    answer.status_code = status
    return answer
