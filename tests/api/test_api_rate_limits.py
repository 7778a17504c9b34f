"""Rate limits: 429 rate-limited with Retry-After, in memory and on real Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask, request

from app.api.limits import _outside_api
from app.limits import EXTENSION
from app.services import Services
from signing.seal import XadesSigner
from tests.api.fixtures import (
    SUBMISSIONS,
    XML,
    bearer,
    make_api_app,
    new_client,
    signed,
)

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The test Redis (tools/ensure-redis.sh); fail, never skip, without it."""
    url = os.environ.get("KANCELARIA_TEST_REDIS") or DEFAULT_REDIS
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"no Redis at {url}: run `source <(bash tools/ensure-redis.sh)` ({exc})"
        )

    return url


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A storage URI and a key prefix of this test's own; Redis keys go after."""
    prefix = f"kancelaria-test-{uuid.uuid4().hex}"
    if request.param == "memory":
        yield "memory://", prefix
        return

    url: str = request.getfixturevalue("redis_url")
    yield url, prefix
    server = redis.Redis.from_url(url)
    keys = list(server.scan_iter(match=f"*{prefix}*"))
    if keys:
        server.delete(*keys)


def _app(tmp_path: Path, storage: tuple[str, str], anonymous: str) -> Flask:
    uri, prefix = storage
    return make_api_app(
        tmp_path / "instance",
        rate_limit_storage=uri,
        rate_limit_prefix=prefix,
        anonymous_rate_limit=anonymous,
    )


def _services(app: Flask) -> Services:
    found: Services = app.extensions["kancelaria"]
    return found


def test_anonymous_submissions_past_the_limit_get_429_with_retry_after(
    tmp_path: Path, storage: tuple[str, str]
) -> None:
    app = _app(tmp_path, storage, anonymous="2/minute")
    http = app.test_client()

    # Refused bodies count too: the limit protects the validator's time.
    answers = [
        http.post(SUBMISSIONS, data=b"<a/>", headers=XML).status_code for _ in range(2)
    ]
    limited = http.post(SUBMISSIONS, data=b"<a/>", headers=XML)

    assert 429 not in answers
    assert limited.status_code == 429
    assert limited.get_json()["errors"][0]["error"] == "rate-limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 61
    _services(app).engine.dispose()


def test_client_limit_is_its_own_and_keyed_by_client(
    tmp_path: Path, storage: tuple[str, str]
) -> None:
    app = _app(tmp_path, storage, anonymous="1/minute")
    services = _services(app)
    slow = new_client(services, rate_limit="2/minute")
    other = new_client(services, rate_limit="2/minute")
    http = app.test_client()

    first = [http.get(SUBMISSIONS, headers=bearer(slow.key)) for _ in range(2)]
    limited = http.get(SUBMISSIONS, headers=bearer(slow.key))
    unaffected = http.get(SUBMISSIONS, headers=bearer(other.key))

    assert [a.status_code for a in first] == [200, 200]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert unaffected.status_code == 200
    services.engine.dispose()


def test_client_submissions_are_not_held_to_the_anonymous_limit(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path, ("memory://", "t"), anonymous="1/minute")
    services = _services(app)
    assert services.demo is not None
    signer = XadesSigner.from_issued(services.demo.citizen)
    issued = new_client(services, rate_limit="10/minute")
    http = app.test_client()

    statuses = [
        http.post(
            SUBMISSIONS, data=signed(signer), headers=bearer(issued.key)
        ).status_code
        for _ in range(3)
    ]

    assert statuses == [201, 201, 201]
    services.engine.dispose()


def test_anonymous_limit_can_be_switched_off(tmp_path: Path) -> None:
    app = _app(tmp_path, ("memory://", "t"), anonymous="off")
    http = app.test_client()

    statuses = {
        http.post(SUBMISSIONS, data=b"<a/>", headers=XML).status_code for _ in range(5)
    }

    assert 429 not in statuses
    _services(app).engine.dispose()


def test_redis_counters_are_shared_between_applications(
    tmp_path: Path, redis_url: str
) -> None:
    prefix = f"kancelaria-test-{uuid.uuid4().hex}"
    one = _app(tmp_path / "a", (redis_url, prefix), anonymous="2/minute")
    two = _app(tmp_path / "b", (redis_url, prefix), anonymous="2/minute")

    one.test_client().post(SUBMISSIONS, data=b"<a/>", headers=XML)
    one.test_client().post(SUBMISSIONS, data=b"<a/>", headers=XML)
    limited = two.test_client().post(SUBMISSIONS, data=b"<a/>", headers=XML)

    assert limited.status_code == 429
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(match=f"*{prefix}*"))
    assert keys
    server.delete(*keys)
    for app in (one, two):
        _services(app).engine.dispose()


def test_flask_limiter_check_is_kept_out_of_api_requests_only(tmp_path: Path) -> None:
    # The API counts its own limit; Flask-Limiter's check (view and limit
    # resolution) ran on every submission before its filter said "skip".
    app = _app(tmp_path, ("memory://", "p"), "5/minute")
    check = app.extensions[EXTENSION]._check_request_limit
    hooks = app.before_request_funcs[None]
    assert check not in hooks
    guarded = [hook for hook in hooks if getattr(hook, "__wrapped__", None) == check]
    assert len(guarded) == 1

    calls: list[str] = []
    counted = _outside_api(lambda: calls.append(request.path))
    for path in ("/api/v1/forms", "/", "/desk/", "/api/v1/submissions"):
        with app.test_request_context(path):
            counted()

    assert calls == ["/", "/desk/"]
