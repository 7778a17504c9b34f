"""Flask's signed-cookie session, opened without work when no cookie came.

API calls and first page views carry no session cookie; Flask would still
build its signing serializer (a key derivation) for each of them just to
hand out an empty session, and work out the cookie's attributes after it
to write nothing. Sessions that were read or written are handled as before.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import (
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionMixin,
)


class CookieSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session; an absent cookie gives an empty session."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return a new empty session when the request sent no session cookie."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()

        return super().open_session(app, request)

    def save_session(
        self, app: Flask, session: SessionMixin, response: Response
    ) -> None:
        """Do nothing for a session nobody read, wrote or emptied."""
        if session or session.modified or session.accessed:
            super().save_session(app, session, response)
