"""Sign-in for clerks (Flask-Login): argon2 passwords, lockout, session expiry.

A desk session ends after ``IDLE`` without a request and ``ABSOLUTE`` after
sign-in, whichever comes first, and as soon as the account's password
changes, an administrator locks it or the clerk signs out
(``Clerk.auth_version`` is part of the session id, and each of these
raises it: signing out ends the clerk's sessions on every computer). The
lock after five wrong passwords keeps sessions already signed in, so that
someone guessing cannot throw a working clerk out.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from app.cases import writing
from app.cases.access import Action, may, may_somewhere
from app.cases.accounts import end_sessions
from app.cases.models import Clerk
from app.cases.signin import sign_in
from app.desk import bp, throttle
from app.services import current_services as services

log = logging.getLogger(__name__)

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 10 * 60 * 60
SEEN, SINCE = "desk_seen", "desk_since"
# A ``next`` the sign-in follows: a path under /desk/, never //, a scheme or
# a host; printable ASCII only (Flask-Login gives it percent-encoded).
SAME_SITE_DESK_PATH = re.compile(r"/desk/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*")

login_manager = LoginManager()
View = TypeVar("View", bound=Callable[..., Any])


class DeskUser(UserMixin):  # type: ignore[misc]
    """The signed-in clerk, detached from any database session."""

    def __init__(self, clerk: Clerk) -> None:
        self.clerk = clerk

    def get_id(self) -> str:
        """Return ``<clerk id>:<auth version>`` (a password change ends it)."""
        return f"{self.clerk.id}:{self.clerk.auth_version}"

    @property
    def is_active(self) -> bool:
        """Only active accounts stay signed in."""
        return bool(self.clerk.active)


def init_login(app: Flask) -> None:
    """Set up Flask-Login for the desk."""
    login_manager.init_app(app)
    login_manager.login_view = "desk.sign_in_page"
    login_manager.login_message = ""
    login_manager.session_protection = "strong"


@login_manager.user_loader  # type: ignore[untyped-decorator]
def load_user(user_id: str) -> DeskUser | None:
    """Find the clerk of a session id; None if it changed or is locked."""
    clerk_id, _sep, version = user_id.partition(":")
    if not clerk_id.isdigit() or not version.isdigit():
        return None

    with services().sessions() as db:
        clerk = db.get(Clerk, int(clerk_id))

    if clerk is None or clerk.auth_version != int(version) or not clerk.active:
        return None

    return DeskUser(clerk)


def current_clerk() -> Clerk:
    """The clerk signed in for this request (views are behind ``require``)."""
    return cast(DeskUser, current_user).clerk


def require(action: Action | None = None) -> Callable[[View], View]:
    """Let only signed-in clerks through, and only those allowed ``action``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()

            if action is not None and not may_somewhere(current_clerk(), action):
                abort(403)

            return view(*args, **kwargs)

        return cast(View, guarded)

    return decorate


@bp.before_request
def expire_idle_sessions() -> BaseResponse | None:
    """End a desk session that was idle or is too old; else note this request."""
    if not current_user.is_authenticated:
        return None

    now = time.time()
    seen, since = session.get(SEEN, 0), session.get(SINCE, 0)
    if now - seen > IDLE_SECONDS or now - since > ABSOLUTE_SECONDS:
        _end_session()
        flash(_("Your session has expired. Please sign in again."))
        return redirect(url_for("desk.sign_in_page"))

    session[SEEN] = now
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page() -> str | BaseResponse | tuple[str, int] | tuple[str, int, Any]:
    """Show the sign-in form, or check a login and password."""
    if request.method != "POST":
        return render_template("desk/sign_in.html", error=None)

    login = request.form.get("login", "").strip().lower()[:64]
    wait = throttle.wait_seconds()
    if wait is not None:
        error = _(
            "Too many failed sign-ins from this address. Try again in %(minutes)s min.",
            minutes=math.ceil(wait / 60),
        )
        page = render_template("desk/sign_in.html", error=error, login=login)
        return page, 429, {"Retry-After": str(wait)}

    password = request.form.get("password", "")[:1024]
    result = sign_in(services().sessions, login, password)

    if result.clerk is None:
        throttle.count_failure()
        error = _("Wrong login or password, or the account is locked.")
        if _answers_locked(login, result.reason):
            error = _(
                "The account is locked. Try again later or ask the administrator."
            )
        return render_template("desk/sign_in.html", error=error, login=login), 401

    session.clear()
    login_user(DeskUser(result.clerk))
    session[SEEN] = session[SINCE] = time.time()
    return redirect(_next_page(request.args.get("next", "")), 303)


@bp.post("/sign-out")
def sign_out() -> BaseResponse:
    """End the desk session, on the server too: a copied cookie no longer works."""
    if current_user.is_authenticated:
        with writing(services().sessions) as db:
            clerk = db.get(Clerk, current_clerk().id)
            if clerk is not None:
                end_sessions(db, clerk)
    _end_session()
    return redirect(url_for("desk.sign_in_page"), 303)


def _answers_locked(login: str, reason: str) -> bool:
    """Tell whether to say "locked", for a real account or a login that is not."""
    if reason != "unknown":
        return reason == "locked"

    # An unknown login answers exactly as an account would: locked after
    # as many failures, for as long.
    if throttle.unknown_login_locked(login):
        return True

    throttle.count_unknown_login_failure(login)
    return False


def _next_page(wanted: str) -> str:
    """Follow ``next`` only to a desk path on this site; else the role's page."""
    if SAME_SITE_DESK_PATH.fullmatch(wanted):
        return wanted

    return url_for("desk.home")


@bp.get("/")
@require()
def home() -> BaseResponse:
    """Send each role to its first page."""
    clerk = current_clerk()
    if may(clerk, Action.MANAGE):
        return redirect(url_for("desk.users"))

    if may(clerk, Action.REGISTER_PAPER):
        return redirect(url_for("desk.register_paper"))

    return redirect(url_for("desk.inbox"))


@bp.errorhandler(403)
def forbidden(_error: Exception) -> tuple[str, int]:
    """Say plainly that the role does not allow this."""
    return render_template("desk/forbidden.html"), 403


def _end_session() -> None:
    logout_user()
    session.clear()
