"""API submissions per second with a key and Idempotency-Key vs anonymous.

One gunicorn on 127.0.0.1 (SQLite, blob folder) serves both runs, one after
the other, each posting distinct signed forms from a pool of client threads
on keep-alive connections: first anonymous without Idempotency-Key, then
with ``Authorization: Bearer`` and a fresh ``Idempotency-Key`` per request.
Both runs pass the rate limiter (limits set high enough never to refuse).
Prints both rates, p50/p99 latency and the ratio.

    .venv/bin/python bench/bench_api.py [--requests 300] [--clients 8]
        [--workers 2] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.api.clients import create_client  # noqa: E402
from app.config import Settings  # noqa: E402
from signing.seal import XadesSigner  # noqa: E402
from tests.app.served import gunicorn  # noqa: E402

LETTER = ROOT / "forms" / "pismo-ogolne" / "1" / "sample.xml"
HIGH_LIMIT = "1000000/minute"


def main() -> None:
    """Run both variants through the same server and print the figures."""
    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        key, bodies = _prepare(instance, 2 * args.requests)
        plain, keyed = bodies[: args.requests], bodies[args.requests :]
        env = {
            "KANCELARIA_ANONYMOUS_RATE_LIMIT": HIGH_LIMIT,
            "KANCELARIA_OUTBOX_THREAD": "off",
        }
        with gunicorn(instance, args.workers, args.threads, env=env) as base:
            port = int(base.rsplit(":", 1)[1])
            _run(port, plain[:4], args.clients, None)
            anonymous = _run(port, plain[4:], args.clients, None)
            authenticated = _run(port, keyed, args.clients, key)

    _report("anonymous, no Idempotency-Key", anonymous)
    _report("Bearer key + Idempotency-Key", authenticated)
    ratio = _rate(authenticated) / _rate(anonymous)
    print(f"ratio authenticated/anonymous: {ratio:.2f}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    return parser.parse_args()


def _prepare(instance: Path, count: int) -> tuple[str, list[bytes]]:
    """Create the instance, a client with a high limit, and signed forms."""
    settings = Settings.from_env({"KANCELARIA_INSTANCE": str(instance)})
    app = create_app(settings)
    services = app.extensions["kancelaria"]
    with services.sessions() as session:
        issued = create_client(session, "bench", rate_limit=HIGH_LIMIT)

    signer = XadesSigner.from_issued(services.demo.citizen)
    letter = LETTER.read_bytes()
    bodies = [signer.sign_enveloped(letter) for _ in range(count)]
    services.engine.dispose()
    return issued.key, bodies


Result = tuple[float, list[float]]


def _run(port: int, bodies: list[bytes], clients: int, key: str | None) -> Result:
    chunks = [bodies[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        parts = pool.map(lambda chunk: _post_chunk(port, chunk, key), chunks)
        latencies = [latency for part in parts for latency in part]

    return time.perf_counter() - started, latencies


def _post_chunk(port: int, bodies: list[bytes], key: str | None) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    for body in bodies:
        headers = {"Content-Type": "application/xml"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
            headers["Idempotency-Key"] = str(uuid.uuid4())

        started = time.perf_counter()
        connection.request("POST", "/api/v1/submissions", body, headers)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 201:
            raise RuntimeError(f"submission answered {answer.status}")

        latencies.append(time.perf_counter() - started)

    connection.close()
    return latencies


def _rate(result: Result) -> float:
    elapsed, latencies = result
    return len(latencies) / elapsed


def _report(label: str, result: Result) -> None:
    _, latencies = result
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label}: {_rate(result):.1f} submissions/s over {len(ordered)}, "
        f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
