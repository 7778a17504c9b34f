"""An API application on a fresh instance, clients with keys, signed samples."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.api.clients import IssuedKey, create_client
from app.registry.models import Document
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import (
    app_database_env,
    check_app_backend,
    make_settings,
    sample,
)

XML = {"Content-Type": "application/xml"}
SUBMISSIONS = "/api/v1/submissions"


def make_api_app(
    instance: Path, environ: dict[str, str] | None = None, **overrides: Any
) -> Flask:
    """An application on ``instance`` with settings changed by ``overrides``."""
    settings = replace(make_settings(instance, environ), **overrides)
    return create_app(settings)


@pytest.fixture(scope="module")
def api_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An application whose anonymous limit stays out of the tests' way.

    SQLite, or PostgreSQL with KANCELARIA_TEST_APP_DB=postgres (tests/app).
    """
    instance = tmp_path_factory.mktemp("api")

    with app_database_env(request) as environ:
        application = make_api_app(
            instance, environ, anonymous_rate_limit="1000/minute"
        )
        try:
            check_app_backend(application)
            yield application
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture()
def api_http(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


@pytest.fixture(scope="module")
def api_services(api_app: Flask) -> Services:
    found: Services = api_app.extensions["kancelaria"]
    return found


@pytest.fixture(scope="module")
def api_signer(api_services: Services) -> XadesSigner:
    assert api_services.demo is not None
    return XadesSigner.from_issued(api_services.demo.citizen)


def new_client(
    services: Services,
    name: str = "Platforma testowa",
    forms: Sequence[str] = (),
    rate_limit: str = "1000/minute",
    mtls_sha256: str | None = None,
) -> IssuedKey:
    """Create an API client directly in the registry database."""
    with services.sessions() as session:
        return create_client(
            session,
            name,
            rate_limit=rate_limit,
            forms=forms,
            mtls_sha256=mtls_sha256,
        )


def bearer(key: str, **extra: str) -> dict[str, str]:
    """Headers of an XML request authenticated with ``key``."""
    return {**XML, "Authorization": f"Bearer {key}", **extra}


def signed(signer: XadesSigner, form_id: str = "pismo-ogolne") -> bytes:
    """A freshly signed sample (each signature differs, so each body does)."""
    return signer.sign_enveloped(sample(form_id))


def registrations(services: Services, sha256: str) -> int:
    """How many documents the registry holds with these bytes."""
    with services.sessions() as session:
        query = select(func.count()).where(Document.sha256 == sha256)
        return session.scalar(query) or 0


def document_count(services: Services) -> int:
    """How many documents the registry holds."""
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0
