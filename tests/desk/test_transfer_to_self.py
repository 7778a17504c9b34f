"""An office that lists itself as a partner (a test set-up, or a unit sharing
the server) can post a package to its own address: delivery holds no
transaction open while the receiving request registers, so the two never
wait for each other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.cases.records import Transfer
from app.registry.models import Document
from app.services import Services
from tests.app.conftest import app_database_env, check_app_backend, make_settings
from tests.desk.conftest import _seed, paper_document, sign_in
from tests.desk.offices import write_partners

SELF = "urzad-sam"


@pytest.fixture(scope="module")
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One office served on 127.0.0.1 whose partners file names itself."""
    folder = tmp_path_factory.mktemp("self")
    partners = folder / "partners.toml"
    with app_database_env(request) as environ:
        settings = make_settings(
            folder / "instance", environ, office_id=SELF, partners_file=partners
        )
        application = create_app(settings)
        application.config["WTF_CSRF_ENABLED"] = False
        check_app_backend(application)
        services: Services = application.extensions["kancelaria"]
        _seed(services)
        server = make_server("127.0.0.1", 0, application, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        pem = services.seal_certificate.public_bytes(Encoding.PEM)
        (folder / "seal.pem").write_bytes(pem)
        url = f"http://127.0.0.1:{server.server_port}/api/v1/submissions"
        write_partners(partners, SELF, "Ten sam urząd", "seal.pem", url)
        try:
            yield application
        finally:
            server.shutdown()
            thread.join(10)
            services.engine.dispose()


def test_a_package_posted_to_this_very_office_is_delivered_and_registered(
    served: Flask,
) -> None:
    services: Services = served.extensions["kancelaria"]
    document = paper_document(services, "SO")
    http = served.test_client()
    sign_in(http, "clerk.so")

    answer = http.post(
        f"/desk/documents/{document.public_id}/transfer",
        data={"office": SELF, "deliver": "on"},
    )

    package_id = answer.headers["Location"].rsplit("/", 1)[-1]
    with services.sessions() as session:
        rows = session.scalars(
            select(Transfer).where(Transfer.package_id == package_id)
        ).all()
        assert {row.direction for row in rows} == {"out", "in"}
        sent = next(row for row in rows if row.direction == "out")
        assert sent.delivery == "delivered", sent.answer
        got = session.scalars(
            select(Document).where(Document.registry_number == sent.answer)
        ).one()
        assert got.channel == "office"
