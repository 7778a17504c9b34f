"""An API application with data behind every operation, for contract tests.

One client with a key and a webhook receiver that refuses connections (a
closed port on 127.0.0.1), one document it submitted, one failed delivery
in its log, and an anonymous rate limit high enough that generated requests
reach the routes rather than the limiter.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app.api.clients import create_client
from app.notifications.sender import run_once
from app.services import Services
from signing.seal import XadesSigner
from tests.api.fixtures import make_api_app
from tests.app.conftest import sample


@dataclass(frozen=True)
class Seeded:
    """The application and what a client of it holds."""

    app: Flask
    key: str
    submission: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        """The client's ``Authorization`` header."""
        return {"Authorization": f"Bearer {self.key}"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    # Its webhook receivers listen on 127.0.0.1 (review F27).
    app = make_api_app(
        tmp_path_factory.mktemp("contract"),
        anonymous_rate_limit="100000/minute",
        webhook_private_targets=True,
    )
    services: Services = app.extensions["kancelaria"]
    with services.sessions() as session:
        issued = create_client(
            session,
            "Platforma kontraktowa",
            rate_limit="100000/minute",
            webhook_url=f"http://127.0.0.1:{_closed_port()}/hook",
            private_targets=True,
        )

    assert services.demo is not None
    signed = XadesSigner.from_issued(services.demo.citizen).sign_enveloped(
        sample("pismo-ogolne")
    )
    headers = {
        "Content-Type": "application/xml",
        "Authorization": f"Bearer {issued.key}",
    }
    answer = app.test_client().post("/api/v1/submissions", data=signed, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    report = run_once(services)
    assert report.claimed == 1, report

    yield Seeded(app=app, key=issued.key, submission=answer.get_json())
    services.engine.dispose()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]

    return port
