"""End-to-end submissions per second through gunicorn on 127.0.0.1.

A ~12 KiB XAdES-BES form (RSA-2048, the demo citizen) is posted by a pool of
client threads on keep-alive connections; each answer is a registered document
with a sealed receipt. Prints requests per second and p50/p99 latency on
SQLite (blob folder) and on PostgreSQL (a throwaway database on the local
server, blobs in PostgreSQL unless ``--pg-blobs file``), and the HTTP ceiling
of the same gunicorn.

    .venv/bin/python bench/bench_e2e.py [--requests 600] [--clients 16]
        [--workers 2] [--threads 4] [--worker-class gthread|sync]
        [--database sqlite|postgres|both]
        [--pg-blobs postgres|file]

PostgreSQL is found as the tests find it: ``KANCELARIA_TEST_POSTGRES`` (an
admin URL; ``source <(bash tools/ensure-postgres.sh)`` sets it), else
``postgresql://postgres@127.0.0.1:5432/postgres``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.config import Settings  # noqa: E402
from signing.pki import ensure_demo_pki  # noqa: E402
from signing.seal import XadesSigner  # noqa: E402
from tests.app.served import gunicorn  # noqa: E402

LETTER = ROOT / "forms" / "pismo-ogolne" / "1" / "sample.xml"
DEFAULT_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    """Run the benchmark and print its figures."""
    args = _arguments()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        bodies = _signed_letters(instance, args.requests)
        print(f"{len(bodies)} signed forms of {len(bodies[0])} bytes", flush=True)

        for database in databases:
            with (
                _database_env(database, args.pg_blobs) as (env, label),
                gunicorn(
                    instance,
                    args.workers,
                    args.threads,
                    env=env,
                    worker_class=args.worker_class,
                ) as base,
            ):
                _warm_up(base, bodies[:4])
                elapsed, latencies = _run(base, bodies, args.clients)

            _report(label, args, len(bodies), elapsed, latencies)

        with gunicorn(
            Path(folder) / "echo",
            args.workers,
            target="bench.echo_app:app",
            ready_path="/",
        ) as base:
            ceiling, _ = _run(base, bodies, args.clients)

    print(
        f"HTTP ceiling (same gunicorn, body read + SHA-256 only): "
        f"{len(bodies) / ceiling:.0f}/s"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--worker-class", choices=["gthread", "sync"], default="gthread"
    )
    parser.add_argument(
        "--database", choices=["sqlite", "postgres", "both"], default="both"
    )
    parser.add_argument("--pg-blobs", choices=["postgres", "file"], default="postgres")
    return parser.parse_args()


@contextmanager
def _database_env(database: str, pg_blobs: str) -> Iterator[tuple[dict[str, str], str]]:
    """Yield the server's extra environment and a label for the report."""
    if database == "sqlite":
        yield {}, "SQLite, blob folder"
        return

    admin = os.environ.get("KANCELARIA_TEST_POSTGRES") or DEFAULT_ADMIN
    with _throwaway_database(admin) as url:
        env = {"KANCELARIA_DATABASE_URL": url, "KANCELARIA_BLOB_BACKEND": pg_blobs}
        yield env, f"PostgreSQL, blobs in {pg_blobs}"


@contextmanager
def _throwaway_database(admin_url: str) -> Iterator[str]:
    name = f"kancelaria_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(admin_url).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)

    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(sql.Identifier(name)))


def _signed_letters(instance: Path, count: int) -> list[bytes]:
    settings = Settings.from_env({"KANCELARIA_INSTANCE": str(instance)})
    demo = ensure_demo_pki(settings.demo_pki_dir, settings.office_name)
    signer = XadesSigner.from_issued(demo.citizen)
    filler = "Proszę o rozpatrzenie sprawy. " * 180
    letter = LETTER.read_text(encoding="utf-8")
    letter = letter.replace("Z poważaniem", filler + "\nZ poważaniem")
    return [signer.sign_enveloped(letter.encode()) for _ in range(count)]


def _warm_up(base: str, bodies: list[bytes]) -> None:
    # Each worker imports lazily and opens its pool on first use.
    port = int(base.rsplit(":", 1)[1])
    _post_all(port, bodies, len(bodies))


def _run(base: str, bodies: list[bytes], clients: int) -> tuple[float, list[float]]:
    port = int(base.rsplit(":", 1)[1])
    started = time.perf_counter()
    latencies = _post_all(port, bodies, clients)
    return time.perf_counter() - started, latencies


def _post_all(port: int, bodies: list[bytes], clients: int) -> list[float]:
    chunks = [bodies[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        results = pool.map(lambda chunk: _post_chunk(port, chunk), chunks)
        return [latency for chunk in results for latency in chunk]


def _post_chunk(port: int, bodies: list[bytes]) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    for body in bodies:
        started = time.perf_counter()
        connection.request(
            "POST", "/api/v1/submissions", body, {"Content-Type": "application/xml"}
        )
        answer = connection.getresponse()
        answer.read()
        if answer.status != 201:
            raise RuntimeError(f"unexpected status {answer.status}")
        latencies.append(time.perf_counter() - started)

    connection.close()
    return latencies


def _report(
    label: str,
    args: argparse.Namespace,
    count: int,
    elapsed: float,
    latencies: list[float],
) -> None:
    latencies = sorted(latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(
        f"{label}: {count} submissions in {elapsed:.2f} s = {count / elapsed:.0f}/s "
        f"({args.workers} {args.worker_class} workers × {args.threads} threads, "
        f"{args.clients} clients); "
        f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
