"""End-to-end submissions per second through gunicorn on 127.0.0.1, and their CPU.

A ~12 KiB XAdES-BES form (RSA-2048, the demo citizen) is posted by a pool of
client threads on keep-alive connections; each answer is a registered document
with a sealed receipt. For each setup it prints submissions per second,
p50/p99 latency and the CPU milliseconds one submission cost: the server's
processes (gunicorn master and workers) and the database's backends (with
PostgreSQL's WAL writer and checkpointer), read from /proc before and after
the load. All setups run in one invocation, so that their ratios compare;
the last line is the HTTP ceiling of the same gunicorn.

    .venv/bin/python bench/bench_e2e.py [--requests 600] [--clients 16]
        [--setup grouped --setup single ...] [--baseline GIT-REF] [--rate 50 ...]
        [--database sqlite|postgres|both] [--pg-blobs postgres|file]

Setups (``--setup``, repeatable; default ``single`` then ``grouped``):
``grouped`` 2 gthread workers × 4 threads, group commit (the default);
``single`` the same with ``KANCELARIA_REGISTRY_BATCH=1`` (one transaction
per submission); ``sync`` 3 sync workers; ``threads8`` and ``threads16``
2 × 8 and 2 × 16 threads, grouped. ``--baseline main`` also runs the code
of that git ref (exported with ``git archive`` into a temporary folder) as
the first setup.

PostgreSQL is found as the tests find it: ``KANCELARIA_TEST_POSTGRES`` (an
admin URL; ``source <(bash tools/ensure-postgres.sh)`` sets it), else
``postgresql://postgres@127.0.0.1:5432/postgres``.

``--rate R`` adds, per setup, 4 seconds of open-loop load at R submissions
a second (bench/paced.py), whose latency counts from each submission's due
time: the p99 a citizen would see at that rate.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.config import Settings  # noqa: E402
from bench.cpu_meter import CpuMeter, CpuSample  # noqa: E402
from bench.paced import PacedResult, post_paced  # noqa: E402
from signing.pki import ensure_demo_pki  # noqa: E402
from signing.seal import XadesSigner  # noqa: E402
from tests.app.served import gunicorn, gunicorn_server  # noqa: E402

LETTER = ROOT / "forms" / "pismo-ogolne" / "1" / "sample.xml"
DEFAULT_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Setup:
    """How gunicorn serves the app in one measured run."""

    name: str
    worker_class: str = "gthread"
    workers: int = 2
    threads: int = 4
    env: tuple[tuple[str, str], ...] = ()
    root: Path = ROOT


SETUPS = {
    "grouped": Setup("grouped"),
    "single": Setup("single", env=(("KANCELARIA_REGISTRY_BATCH", "1"),)),
    "sync": Setup("sync", worker_class="sync", workers=3, threads=1),
    "threads8": Setup("threads8", threads=8),
    "threads16": Setup("threads16", threads=16),
}


@dataclass(frozen=True)
class Measured:
    """One setup's figures."""

    label: str
    count: int
    elapsed: float
    latencies: list[float]
    cpu: CpuSample
    client_cpu: float
    paced: list[PacedResult]

    @property
    def rate(self) -> float:
        """Submissions per second."""
        return self.count / self.elapsed


def main() -> None:
    """Run the benchmark and print its figures."""
    args = _arguments()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]

    with tempfile.TemporaryDirectory() as folder:
        setups = _setups(args, Path(folder))
        instance = Path(folder) / "instance"
        bodies = _signed_letters(instance, args.requests)
        print(f"{len(bodies)} signed forms of {len(bodies[0])} bytes", flush=True)

        for database in databases:
            results = [
                _measure(setup, database, args, instance, bodies) for setup in setups
            ]
            _compare(results)

        with gunicorn(
            Path(folder) / "echo",
            2,
            target="bench.echo_app:app",
            ready_path="/",
        ) as base:
            ceiling, _ = _run(base, bodies, args.clients)

    print(
        f"HTTP ceiling (same gunicorn, body read + SHA-256 only): "
        f"{len(bodies) / ceiling:.0f}/s"
    )


def _setups(args: argparse.Namespace, folder: Path) -> list[Setup]:
    chosen = [SETUPS[name] for name in args.setup or ["single", "grouped"]]
    if args.baseline is None:
        return chosen

    tree = folder / "baseline"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", args.baseline], cwd=ROOT, check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    # The old code in the first setup's shape, so that only the code differs.
    baseline = replace(chosen[0], name=f"baseline {args.baseline}", root=tree)
    return [baseline, *chosen]


def _measure(
    setup: Setup,
    database: str,
    args: argparse.Namespace,
    instance: Path,
    bodies: list[bytes],
) -> Measured:
    with (
        _database_env(database, args.pg_blobs, instance.parent) as (env, label, db),
        gunicorn_server(
            instance,
            setup.workers,
            setup.threads,
            env={**env, **dict(setup.env)},
            worker_class=setup.worker_class,
            root=setup.root,
        ) as server,
    ):
        _warm_up(server.base, bodies[:8])
        admin = _admin() if database == "postgres" else None
        meter = CpuMeter(server.process.pid, admin, db)
        before, client = meter.read(), time.process_time()
        elapsed, latencies = _run(server.base, bodies, args.clients)
        used = meter.read() - before
        client = time.process_time() - client
        meter.close()
        paced = [
            post_paced(_port(server.base), bodies[: int(rate * 4)], rate)
            for rate in args.rate or []
        ]
        per_commit = _documents_per_transaction(env["KANCELARIA_DATABASE_URL"])

    shape = f"{setup.workers} {setup.worker_class} × {setup.threads}"
    if per_commit is not None:
        shape += f", {per_commit:.1f} documents per commit"
    return Measured(
        f"{label}, {setup.name} ({shape})",
        len(bodies),
        elapsed,
        latencies,
        used,
        client,
        paced,
    )


def _documents_per_transaction(url: str) -> float | None:
    """How many documents shared a registering transaction, on average.

    On PostgreSQL a row's ``xmin`` is the transaction that wrote it.
    """
    if not url.startswith("postgresql"):
        return None

    query = (
        "SELECT count(*)::float / greatest(count(DISTINCT xmin::text), 1) FROM document"
    )
    conninfo = make_url(url).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(hide_password=False)) as connection:
        row = connection.execute(query).fetchone()

    return None if row is None else float(row[0])


def _admin() -> str:
    admin = make_url(os.environ.get("KANCELARIA_TEST_POSTGRES") or DEFAULT_ADMIN)
    return admin.set(drivername="postgresql").render_as_string(hide_password=False)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--setup", action="append", choices=sorted(SETUPS))
    parser.add_argument("--baseline", help="git ref to run first, for comparison")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="also send 4 s of submissions at this rate per second (repeatable)",
    )
    parser.add_argument(
        "--database", choices=["sqlite", "postgres", "both"], default="postgres"
    )
    parser.add_argument("--pg-blobs", choices=["postgres", "file"], default="postgres")
    return parser.parse_args()


@contextmanager
def _database_env(
    database: str, pg_blobs: str, folder: Path
) -> Iterator[tuple[dict[str, str], str, str | None]]:
    """Yield the server's extra environment, a label and the database's name.

    Every setup gets an empty database and blob folder of its own; the
    instance folder (and so the demo PKI the forms are signed with) is shared.
    """
    run = folder / f"run-{uuid.uuid4().hex[:8]}"
    blobs = {"KANCELARIA_BLOB_DIR": str(run / "blobs")}
    if database == "sqlite":
        url = f"sqlite:///{run / 'kancelaria.db'}"
        run.mkdir(parents=True)
        yield {**blobs, "KANCELARIA_DATABASE_URL": url}, "SQLite, blob folder", None
        return

    with _throwaway_database(_admin()) as url:
        env = {
            **blobs,
            "KANCELARIA_DATABASE_URL": url,
            "KANCELARIA_BLOB_BACKEND": pg_blobs,
        }
        yield env, f"PostgreSQL, blobs in {pg_blobs}", make_url(url).database


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


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def _run(base: str, bodies: list[bytes], clients: int) -> tuple[float, list[float]]:
    port = _port(base)
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


def _compare(results: list[Measured]) -> None:
    """Print each setup's figures and its ratios to the first setup's."""
    first = results[0]
    for result in results:
        _report(result)
        if result is not first:
            print(
                f"    vs first: {result.rate / first.rate:.2f}× submissions/s, "
                f"{_cpu_ms(result) / _cpu_ms(first):.2f}× CPU per submission",
                flush=True,
            )


def _report(result: Measured) -> None:
    latencies = sorted(result.latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    server = result.cpu.server / result.count * 1000
    database = result.cpu.postgres / result.count * 1000
    client = result.client_cpu / result.count * 1000
    print(
        f"{result.label}: {result.count} submissions in {result.elapsed:.2f} s "
        f"= {result.rate:.0f}/s; latency p50 "
        f"{statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms\n"
        f"    CPU per submission: {server:.1f} ms server + {database:.1f} ms "
        f"database = {server + database:.1f} ms (2 cores at most "
        f"{2000 / (server + database):.0f}/s); the load generator "
        f"{client:.1f} ms more",
        flush=True,
    )
    for paced in result.paced:
        print(
            f"    paced at {paced.rate:.0f}/s for 4 s: "
            f"achieved {paced.achieved:.0f}/s, "
            f"latency p50 {paced.percentile(0.5) * 1000:.1f} ms, "
            f"p99 {paced.percentile(0.99) * 1000:.1f} ms",
            flush=True,
        )


def _cpu_ms(result: Measured) -> float:
    return (result.cpu.server + result.cpu.postgres) / result.count * 1000


if __name__ == "__main__":
    main()
