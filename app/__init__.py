"""Kancelaria: the electronic front office of a town hall (Flask application)."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Settings
from app.cookie_session import CookieSessionInterface
from app.i18n import init_i18n
from app.input_guard import init_input_guard
from app.timeshow import init_times

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application: services, blueprints, error handlers, commands."""
    from app.services import build_services

    settings = settings or Settings.from_env()
    services = build_services(settings)

    app = Flask(__name__)
    app.session_interface = CookieSessionInterface()
    if settings.proxy_hops > 0:
        # Only then is X-Forwarded-For believed, and only that many hops deep:
        # rate limits and idempotency scopes key on the caller's address.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    app.config.update(
        SECRET_KEY=services.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
    )
    app.extensions["kancelaria"] = services

    init_i18n(app, settings.instance)
    init_times(app)
    init_input_guard(app)
    _register_blueprints(app)
    _register_commands(app)
    _start_outbox_thread(app)
    log.info("started", extra={"instance": str(settings.instance)})
    return app


def _register_blueprints(app: Flask) -> None:
    from app.api import bp as api_bp
    from app.desk import bp as desk_bp
    from app.desk.auth import init_login
    from app.kiosk import bp as kiosk_bp
    from app.limits import init_limiter
    from app.portal import bp as portal_bp
    from app.portal import csrf
    from app.security_headers import init_security_headers
    from app.web_errors import register_error_handlers

    init_limiter(app, app.extensions["kancelaria"].settings)
    csrf.init_app(app)
    csrf.exempt(api_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(desk_bp, url_prefix="/desk")
    app.register_blueprint(kiosk_bp, url_prefix="/kiosk")
    init_login(app)
    register_error_handlers(app)
    init_security_headers(app)


def _register_commands(app: Flask) -> None:
    from app.cli import kancelaria_cli, registry_cli
    from app.desk.commands import desk_cli
    from app.drafts.commands import drafts_cli
    from app.notifications.commands import outbox_cli

    app.cli.add_command(kancelaria_cli)
    app.cli.add_command(registry_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(desk_cli)
    app.cli.add_command(drafts_cli)


def _start_outbox_thread(app: Flask) -> None:
    """Send webhooks from this process when KANCELARIA_OUTBOX_THREAD is on."""
    from app.notifications.sender import OutboxThread

    services = app.extensions["kancelaria"]
    if services.settings.outbox_thread:
        poll = services.settings.outbox_poll_seconds
        thread = OutboxThread(services, poll_s=poll).start()
        app.extensions["kancelaria_outbox"] = thread
