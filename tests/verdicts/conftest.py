"""An office whose trust anchors include a PKI made here, with a clerk in OR.

Documents are registered through the real intake pipeline (portal uploads,
the front desk's scan path); the pages under test read what was stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.cases import writing
from app.cases.accounts import add_department
from app.cases.models import Clerk
from app.services import Services
from signing import pki
from tests.app.conftest import app_database_env, check_app_backend, make_settings
from tests.cases.conftest import PASSWORD, password_hash
from tests.conftest_db import postgres_admin_url

__all__ = ["postgres_admin_url"]

CLERK = "clerk.or"


@dataclass(frozen=True)
class Office:
    """The application, its services and the PKIs the tests sign with."""

    app: Flask
    services: Services
    trusted_ca: pki.Issued
    """An issuing CA under a root the office trusts (KANCELARIA_TRUST_ANCHORS)."""
    untrusted_ca: pki.Issued
    """An issuing CA under a root no anchor names."""
    platform: pki.Issued
    """The trusted-profile platform's seal (KANCELARIA_TRUSTED_PROFILE_SEALS)."""


@pytest.fixture(scope="module")
def office(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Office]:
    folder = tmp_path_factory.mktemp("verdicts")
    root = pki.make_root("Testowe Centrum Raportów")
    anchors = folder / "anchors"
    anchors.mkdir()
    (anchors / "root.pem").write_bytes(root.certificate.public_bytes(Encoding.PEM))
    stranger = pki.make_root("Nieznane Centrum")
    trusted_ca = pki.make_intermediate(root, "Testowy CA Raportów")
    platform = pki.make_seal(
        trusted_ca, office_name="Testowa Platforma Profilu Zaufanego", nip="1234563218"
    )
    seal_pem = folder / "platform.pem"
    seal_pem.write_bytes(platform.certificate.public_bytes(Encoding.PEM))

    with app_database_env(request) as environ:
        env = {
            **environ,
            "KANCELARIA_TRUST_ANCHORS": str(anchors),
            "KANCELARIA_TRUSTED_PROFILE_SEALS": str(seal_pem),
        }
        application = create_app(make_settings(folder / "instance", env))
        application.config["WTF_CSRF_ENABLED"] = False
        try:
            check_app_backend(application)
            services: Services = application.extensions["kancelaria"]
            _seed(services)
            yield Office(
                application,
                services,
                trusted_ca,
                pki.make_intermediate(stranger, "Nieznany CA"),
                platform,
            )
        finally:
            application.extensions["kancelaria"].engine.dispose()


@pytest.fixture()
def client(office: Office) -> FlaskClient:
    return office.app.test_client()


@pytest.fixture()
def clerk(office: Office) -> FlaskClient:
    """A clerk of OR (where forms, PDF letters and our paper go), signed in."""
    http = office.app.test_client()
    answer = http.post("/desk/sign-in", data={"login": CLERK, "password": PASSWORD})
    assert answer.status_code == 303
    return http


def upload(
    client: FlaskClient, body: bytes, name: str, payload: bytes | None = None
) -> str:
    """Send a file on the portal's upload page; return the result page's address."""
    data = {"document": (BytesIO(body), name)}
    if payload is not None:
        data["payload"] = (BytesIO(payload), "pismo.pdf")

    answer = client.post("/submit", data=data, content_type="multipart/form-data")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:600]
    assert re.search(r"/submissions/\d+/\d+\?code=\w+$", answer.location)
    return answer.location


def _seed(services: Services) -> None:
    with writing(services.sessions) as session:
        unit = add_department(session, "OR", "Wydział Organizacyjny", "OR")
        session.add(
            Clerk(
                login=CLERK,
                display_name="Clerk Or",
                password_hash=password_hash(),
                role="clerk",
                department_id=unit.id,
                failed_logins=0,
                active=True,
                created_at=datetime.now(UTC),
                auth_version=1,
            )
        )
