"""An application on a fresh instance folder, and signers for its demo PKI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import Settings
from app.services import Services
from signing.seal import XadesSigner

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"


def make_settings(instance: Path, **overrides: object) -> Settings:
    """Settings for an embedded instance in ``instance``, as the defaults give."""
    env = {"KANCELARIA_INSTANCE": str(instance)}
    settings = Settings.from_env(env)
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]

    return settings


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(make_settings(instance))
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
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
