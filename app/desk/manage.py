"""Management pages for the administrator: departments and accounts."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app.cases import writing
from app.cases.access import Action
from app.cases.accounts import (
    AccountError,
    add_clerk,
    add_department,
    find_clerk,
    find_department,
    is_locked,
    list_clerks,
    list_departments,
    lock,
    unlock,
)
from app.cases.constants import Role
from app.cases.models import Clerk
from app.desk import bp
from app.desk.auth import current_clerk, require
from app.desk.wording import account_error_message
from app.services import current_services as services


@bp.route("/manage/departments", methods=["GET", "POST"])
@require(Action.MANAGE)
def departments() -> str | BaseResponse | tuple[str, int]:
    """List the departments; add one."""
    error = None
    if request.method == "POST":
        form = request.form
        try:
            with writing(services().sessions) as db:
                add_department(
                    db,
                    form.get("symbol", "").strip(),
                    form.get("name_pl", "").strip()[:256],
                    form.get("name_en", "").strip()[:256],
                    form.get("email", "").strip() or None,
                    by=db.get_one(Clerk, current_clerk().id),
                )
        except AccountError as exc:
            error = account_error_message(exc)
        else:
            flash(_("Department added."))
            return redirect(url_for("desk.departments"), 303)

    with services().sessions() as db:
        page = {"departments": list_departments(db), "error": error}
        answer = render_template("desk/departments.html", **page)

    return (answer, 400) if error else answer


@bp.route("/manage/users", methods=["GET", "POST"])
@require(Action.MANAGE)
def users() -> str | BaseResponse | tuple[str, int]:
    """List the accounts; add one."""
    error = None
    if request.method == "POST":
        error = _add_user(request.form.to_dict())
        if error is None:
            flash(_("Account added."))
            return redirect(url_for("desk.users"), 303)

    return _users_page(error)


def _users_page(error: str | None) -> str | tuple[str, int]:
    with services().sessions() as db:
        page: dict[str, Any] = {
            "clerks": list_clerks(db),
            "departments": list_departments(db),
            "roles": list(Role),
            "error": error,
            "is_locked": is_locked,
        }
        answer = render_template("desk/users.html", **page)

    return (answer, 400) if error else answer


@bp.post("/manage/users/<login>/lock")
@require(Action.MANAGE)
def lock_user(login: str) -> BaseResponse | str | tuple[str, int]:
    """Lock an account and end its sessions."""
    return _change_lock(login, lock, _("Account locked."))


@bp.post("/manage/users/<login>/unlock")
@require(Action.MANAGE)
def unlock_user(login: str) -> BaseResponse | str | tuple[str, int]:
    """Unlock an account."""
    return _change_lock(login, unlock, _("Account unlocked."))


def _change_lock(
    login: str, change: Any, done: str
) -> BaseResponse | str | tuple[str, int]:
    try:
        with writing(services().sessions) as db:
            clerk = find_clerk(db, login)
            if clerk is None:
                abort(404)
            change(db, clerk, by=db.get_one(Clerk, current_clerk().id))
    except AccountError as exc:
        return _users_page(account_error_message(exc))

    flash(done)
    return redirect(url_for("desk.users"), 303)


def _add_user(form: dict[str, str]) -> str | None:
    try:
        with writing(services().sessions) as db:
            symbol = form.get("department", "")
            department = find_department(db, symbol) if symbol else None
            add_clerk(
                db,
                form.get("login", "").strip(),
                form.get("display_name", "").strip()[:256],
                form.get("password", ""),
                form.get("role", ""),
                department,
                by=db.get_one(Clerk, current_clerk().id),
            )
    except AccountError as exc:
        return account_error_message(exc)

    return None
