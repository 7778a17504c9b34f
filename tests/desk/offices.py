"""Two offices on fresh instances, each with its own demo PKI and office seal.

Office A (``urzad-a``) has departments and people (tests/desk/conftest);
office B (``gmina-b``) runs as a real HTTP server on 127.0.0.1 so that A
can post transfer packages to it. Each lists the other in its partners
file with the other's seal certificate as the only trust anchor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from app.services import Services
from tests.app.conftest import app_database_env, check_app_backend, make_settings
from tests.desk.conftest import _seed as seed_office

A, B = "urzad-a", "gmina-b"


@dataclass(frozen=True)
class Offices:
    """Both applications, their services and B's submissions address."""

    a: Flask
    b: Flask
    a_services: Services
    b_services: Services
    b_url: str
    folder: Path


@pytest.fixture(scope="module")
def offices(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Offices]:
    """Office A with people, office B serving on a loopback port."""
    folder = tmp_path_factory.mktemp("offices")
    with app_database_env(request) as env_a, app_database_env(request) as env_b:
        a = _app(folder / "a", env_a, A, folder / "partners-a.toml")
        b = _app(folder / "b", env_b, B, folder / "partners-b.toml")
        server = make_server("127.0.0.1", 0, b, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield _wire(a, b, server, folder)
        finally:
            server.shutdown()
            thread.join(10)
            for application in (a, b):
                application.extensions["kancelaria"].engine.dispose()


def _app(instance: Path, environ: dict[str, str], office: str, partners: Path) -> Flask:
    application = create_app(
        make_settings(
            instance,
            environ,
            office_id=office,
            partners_file=partners,
            anonymous_rate_limit="1000/minute",
        )
    )
    application.config["WTF_CSRF_ENABLED"] = False
    check_app_backend(application)
    return application


def _wire(a: Flask, b: Flask, server: BaseWSGIServer, folder: Path) -> Offices:
    a_services: Services = a.extensions["kancelaria"]
    b_services: Services = b.extensions["kancelaria"]
    seed_office(a_services)
    seed_office(b_services)
    for name, services in (("a", a_services), ("b", b_services)):
        pem = services.seal_certificate.public_bytes(Encoding.PEM)
        (folder / f"seal-{name}.pem").write_bytes(pem)

    url = f"http://127.0.0.1:{server.server_port}/api/v1/submissions"
    write_partners(folder / "partners-a.toml", B, "Gmina B", "seal-b.pem", url)
    write_partners(folder / "partners-b.toml", A, "Urząd A", "seal-a.pem", None)
    return Offices(a, b, a_services, b_services, url, folder)


def write_partners(
    path: Path, office: str, name: str, trust: str, url: str | None
) -> None:
    """Write a partners file naming one office."""
    lines = [f"[office.{office}]", f'name = "{name}"', f'trust = "{trust}"']
    lines.append('department = "SO"')
    if url:
        lines.append(f'url = "{url}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
