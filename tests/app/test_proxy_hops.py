"""Behind a reverse proxy, callers are told apart only when the operator says so."""

from __future__ import annotations

from pathlib import Path

from app import create_app
from tests.app.conftest import make_settings

XML = {"Content-Type": "application/xml"}


def _statuses(tmp_path: Path, hops: int, forwarded: list[str]) -> list[int]:
    settings = make_settings(
        tmp_path / "instance",
        {"KANCELARIA_ANONYMOUS_RATE_LIMIT": "1/minute"},
        proxy_hops=hops,
    )
    application = create_app(settings)
    client = application.test_client()
    try:
        return [
            client.post(
                "/api/v1/submissions",
                data=b"<a><b></a>",
                headers={**XML, "X-Forwarded-For": address},
            ).status_code
            for address in forwarded
        ]
    finally:
        application.extensions["kancelaria"].engine.dispose()


def test_with_one_trusted_hop_each_forwarded_caller_has_its_own_limit(
    tmp_path: Path,
) -> None:
    statuses = _statuses(tmp_path, 1, ["192.0.2.1", "192.0.2.2", "192.0.2.1"])

    assert statuses == [400, 400, 429]


def test_without_trusted_hops_forwarded_addresses_are_ignored(tmp_path: Path) -> None:
    statuses = _statuses(tmp_path, 0, ["192.0.2.1", "192.0.2.2"])

    assert statuses == [400, 429]
