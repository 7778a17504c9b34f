"""An application on SQLite and on PostgreSQL, API clients with webhooks,
and a receiver on 127.0.0.1 the tests run themselves."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete

from app import create_app
from app.intake import Submission, intake
from app.intake.pipeline import Outcome
from app.notifications.models import OutboxMessage, WebhookDelivery
from app.registry.models import ApiClient
from app.services import Services
from signing.seal import XadesSigner
from tests.app.conftest import make_settings, sample
from tests.conftest_db import _temporary_database, postgres_admin_url
from tests.notifications.receiver import Receiver, free_port

__all__ = ["postgres_admin_url"]

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One application per backend for the module's tests."""
    instance = tmp_path_factory.mktemp("instance")
    if request.param == "sqlite":
        yield from _app(instance, None)
        return

    admin: str = request.getfixturevalue("postgres_admin_url")
    with _temporary_database(admin) as url:
        yield from _app(instance, url)


@pytest.fixture(scope="module")
def services(app: Flask) -> Services:
    found: Services = app.extensions["kancelaria"]
    return found


@pytest.fixture(scope="module")
def citizen(services: Services) -> XadesSigner:
    assert services.demo is not None
    return XadesSigner.from_issued(services.demo.citizen)


@pytest.fixture
def empty_outbox(services: Services) -> Iterator[None]:
    """Start and leave each test with no events and no delivery log."""
    _empty_outbox(services)
    yield
    _empty_outbox(services)


@pytest.fixture
def receiver(empty_outbox: None) -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 that answers 204."""
    found = Receiver(free_port()).start()
    yield found
    found.stop()


def add_client(
    services: Services, webhook_url: str | None, secret: str | None = None
) -> tuple[int, str, str]:
    """Create an API client row; return its id, key and webhook secret."""
    key = "kan_" + secrets.token_urlsafe(32)
    secret = secret or secrets.token_hex(32)
    row = ApiClient(
        name=f"platform {secrets.token_hex(4)}",
        key_prefix=key[:8],
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        allowed_forms=[],
        rate_limit="1000/minute",
        webhook_url=webhook_url,
        webhook_secret=secret if webhook_url else None,
        created_at=datetime.now(UTC),
    )
    with services.sessions() as session, session.begin():
        session.add(row)

    return row.id, key, secret


def submit(services: Services, signer: XadesSigner, client_id: int | None) -> Outcome:
    """Take a signed sample in through the pipeline as an API client would."""
    body = signer.sign_enveloped(sample("pismo-ogolne"))
    submission = Submission(channel="api", client_id=client_id)
    return intake(services, io.BytesIO(body), submission, len(body))


def _app(instance: Path, database_url: str | None) -> Iterator[Flask]:
    # The receivers of these tests listen on 127.0.0.1 (review F27).
    overrides: dict[str, object] = {"webhook_private_targets": True}
    if database_url is not None:
        overrides["database_url"] = database_url

    application = create_app(make_settings(instance, **overrides))
    yield application
    application.extensions["kancelaria"].engine.dispose()


def _empty_outbox(services: Services) -> None:
    with services.sessions() as session, session.begin():
        session.execute(delete(WebhookDelivery))
        session.execute(delete(OutboxMessage))
