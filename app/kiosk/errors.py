"""Kiosk refusals on a kiosk page: the app's own error page leads to the portal.

Same codes and sentences as everywhere (app.errors); only the page differs,
so that a refusal keeps the person inside the kiosk, with its idle reset.
"""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from app.errors import ErrorCode, RequestError, message_in
from app.kiosk import bp
from app.web_errors import HTTP_CODES


@bp.errorhandler(RequestError)
def refused(exc: RequestError) -> tuple[str, int, dict[str, str]]:
    """A refusal with its code and sentence (and Retry-After when limited)."""
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return _page(exc.code), exc.status, headers


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> tuple[str, int] | HTTPException | BaseResponse:
    """Not found, bad request and the like; anything else as the app answers."""
    status = exc.code or 500
    code = HTTP_CODES.get(status)
    if code is None:
        return exc

    return _page(code), status


def _page(code: ErrorCode) -> str:
    message = message_in(code)
    return render_template("kiosk/error.html", code=code.value, message=message)
