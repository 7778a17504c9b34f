"""What the API adds to an application: rate limits, handlers, commands."""

from __future__ import annotations

from flask import Flask, Response
from flask.blueprints import BlueprintSetupState

from app.api import bp
from app.api.client_commands import clients_cli
from app.api.limits import check_limit, init_limits

bp.before_request(check_limit)


@bp.after_request
def _challenge(response: Response) -> Response:
    """Name the scheme a refused request should authenticate with (RFC 6750)."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kancelaria"'

    return response


@bp.record_once
def _init_app(state: BlueprintSetupState) -> None:
    app = state.app
    assert isinstance(app, Flask)
    init_limits(app, app.extensions["kancelaria"].settings)
    app.cli.add_command(clients_cli)
