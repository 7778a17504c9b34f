"""The administrator's pages for API clients: list, create, rotate, revoke.

A new key (and webhook secret) is shown once, on the answer to the form
that made it, and never stored in readable form (app.clients keeps its
SHA-256). Every change is journalled with the administrator's login.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app.cases.grants import Duty
from app.clients import (
    ClientError,
    IssuedKey,
    create_client,
    list_clients,
    revoke_client,
    rotate_key,
)
from app.desk import bp
from app.desk.auth import current_clerk
from app.desk.grants_view import require_duty
from app.services import current_services as services

NAME_MAX = 128
# Grace periods offered when a key is rotated, in seconds.
GRACE_CHOICES = (0, 3600, 86400, 7 * 86400)


@bp.get("/manage/clients")
@require_duty(Duty.MANAGE_CLIENTS)
def clients() -> str:
    """List the API clients and offer the form for a new one."""
    return _page()


@bp.post("/manage/clients")
@require_duty(Duty.MANAGE_CLIENTS)
def create_client_page() -> Response | tuple[str, int]:
    """Create a client; show its key (and webhook secret) this once."""
    form = request.form
    name = " ".join(form.get("name", "").split())[:NAME_MAX]
    forms = form.getlist("forms")
    known = {f.form_id for f in services().catalog.forms()}
    webhook = form.get("webhook_url", "").strip() or None
    rate = form.get("rate_limit", "").strip()[:64]
    if not name:
        return _page(_("Give the client a name.")), 400
    if set(forms) - known:
        return _page(_("Choose forms from the list.")), 400

    try:
        with services().sessions() as db:
            issued = create_client(
                db,
                name,
                rate_limit=rate or services().settings.client_rate_limit,
                forms=forms,
                webhook_url=webhook,
                by=current_clerk().login,
            )
    except ClientError:
        return _page(
            _(
                "Check the rate limit (such as 120/minute) and the webhook address "
                "(a plain http:// or https:// URL)."
            )
        ), 400

    return _shown_once(issued)


@bp.post("/manage/clients/<int:client_id>/rotate")
@require_duty(Duty.MANAGE_CLIENTS)
def rotate_client(client_id: int) -> Response | tuple[str, int]:
    """Give the client a new key; the old one works for the grace period chosen."""
    grace = request.form.get("grace", "0")
    seconds = int(grace) if grace.isdigit() else -1
    if seconds not in GRACE_CHOICES:
        return _page(_("Choose a grace period from the list.")), 400

    try:
        with services().sessions() as db:
            issued = rotate_key(db, client_id, seconds, by=current_clerk().login)
    except ClientError:
        return _page(_("No such active client.")), 404

    return _shown_once(issued)


@bp.post("/manage/clients/<int:client_id>/revoke")
@require_duty(Duty.MANAGE_CLIENTS)
def revoke_client_page(client_id: int) -> BaseResponse | tuple[str, int]:
    """Stop every key of the client at once."""
    try:
        with services().sessions() as db:
            revoke_client(db, client_id, by=current_clerk().login)
    except ClientError:
        return _page(_("No such active client.")), 404

    flash(_("The client's keys no longer work."))
    return redirect(url_for("desk.clients"), 303)


def _shown_once(issued: IssuedKey) -> Response:
    page = _page(shown=issued)
    answer = Response(page, mimetype="text/html")
    # The key is in this answer only: no cache may keep it.
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _page(error: str | None = None, shown: IssuedKey | None = None) -> str:
    with services().sessions() as db:
        rows = list(list_clients(db))

    page: dict[str, Any] = {
        "clients": rows,
        "forms": services().catalog.forms(),
        "error": error,
        "shown": shown,
        "grace_choices": GRACE_CHOICES,
        "default_rate": services().settings.client_rate_limit,
    }
    return render_template("desk/clients.html", **page)
