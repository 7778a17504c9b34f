"""A view guard for the routing and oversight duties (app.cases.grants)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user

from app.cases.grants import Duty, allowed
from app.desk.auth import current_clerk, login_manager

View = TypeVar("View", bound=Callable[..., Any])


def require_duty(duty: Duty) -> Callable[[View], View]:
    """Let only signed-in clerks through whose role has ``duty`` somewhere."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()

            if not allowed(current_clerk(), duty):
                abort(403)

            return view(*args, **kwargs)

        return cast(View, guarded)

    return decorate
