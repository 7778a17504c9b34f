"""An application on a fresh instance folder, and signers for its demo PKI.

The module-scoped ``app`` runs on an SQLite file in its instance folder, or,
with ``KANCELARIA_TEST_APP_DB=postgres``, on a fresh PostgreSQL database
(created through ``KANCELARIA_TEST_POSTGRES``, dropped afterwards), so that
the same tests run on both backends.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import Settings
from app.services import Services
from signing.seal import XadesSigner
from tests.conftest_db import _temporary_database, postgres_admin_url

__all__ = ["postgres_admin_url"]

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"

APP_DB_ENV = "KANCELARIA_TEST_APP_DB"
APP_DB_MODES = ("sqlite", "postgres")


def app_database_mode() -> str:
    """The backend the shared app fixtures run on: "sqlite" (default) or "postgres"."""
    mode = os.environ.get(APP_DB_ENV, "").strip().lower() or "sqlite"
    if mode not in APP_DB_MODES:
        raise pytest.UsageError(f"{APP_DB_ENV} must be one of {APP_DB_MODES}: {mode!r}")

    return mode


@contextmanager
def app_database_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Environment naming the app's database: none for SQLite, else a fresh one.

    In PostgreSQL mode the database is created empty (the app migrates it)
    and dropped when the block ends; dispose the app's engine before that.
    """
    if app_database_mode() == "sqlite":
        yield {}
        return

    admin_url: str = request.getfixturevalue("postgres_admin_url")
    with _temporary_database(admin_url) as url:
        yield {"KANCELARIA_DATABASE_URL": url}


def check_app_backend(application: Flask) -> None:
    """Fail when the app does not run on the backend the mode asks for."""
    dialect = application.extensions["kancelaria"].engine.dialect.name
    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[app_database_mode()]
    assert dialect == expected, f"{APP_DB_ENV} asks for {expected}, app uses {dialect}"


def make_settings(
    instance: Path, environ: dict[str, str] | None = None, **overrides: object
) -> Settings:
    """Settings for an embedded instance in ``instance``, as the defaults give.

    ``environ`` adds ``KANCELARIA_*`` variables; ``overrides`` replace fields.
    """
    env = {**(environ or {}), "KANCELARIA_INSTANCE": str(instance)}
    settings = Settings.from_env(env)
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]

    return settings


@pytest.fixture(scope="module")
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")

    with app_database_env(request) as environ:
        application = create_app(make_settings(instance, environ))
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            check_app_backend(application)
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def services(app: Flask) -> Services:
    found: Services = app.extensions["kancelaria"]
    return found


@pytest.fixture(scope="module")
def citizen(services: Services) -> XadesSigner:
    """The demo citizen's signer, as `flask kancelaria sign-demo` uses it."""
    assert services.demo is not None
    return XadesSigner.from_issued(services.demo.citizen)


def sample(form_id: str) -> bytes:
    """The published sample of one of our forms."""
    return (FORMS / form_id / "1" / "sample.xml").read_bytes()
