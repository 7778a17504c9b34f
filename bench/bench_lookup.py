"""Lookup time by registry number in a registry of 1 M documents.

Fills a throwaway database (PostgreSQL on the local server, with COPY; or an
SQLite file, with executemany) with ``--rows`` document rows, then looks up
random registry numbers the way the receipt route does
(``get_document_by_number``) and prints p50/p99, and the plan the database
chose (it must use the unique index on ``registry_number``).

    .venv/bin/python bench/bench_lookup.py [--rows 1000000] [--lookups 2000]
        [--database postgres|sqlite|both]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.db import make_engine, make_session_factory, upgrade  # noqa: E402
from app.registry.numbering import format_registry_number  # noqa: E402
from app.registry.queries import get_document_by_number  # noqa: E402
from bench.bench_e2e import DEFAULT_ADMIN, _throwaway_database  # noqa: E402

YEAR = 2026
BATCH = 50_000
COLUMNS = (
    "registry_number",
    "year",
    "sequence",
    "received_at",
    "channel",
    "sha256",
    "size",
    "media_type",
    "indication",
    "report_json",
    "status",
    "access_code",
    "public_id",
)
LOOKUP = "SELECT id FROM document WHERE registry_number = :number"


def main() -> None:
    """Fill, look up, print."""
    args = _arguments()
    databases = ["postgres", "sqlite"] if args.database == "both" else [args.database]

    for database in databases:
        with _database(database) as url:
            upgrade(url)
            engine = make_engine(url)
            try:
                _bench(database, engine, args)
            finally:
                engine.dispose()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument(
        "--database", choices=["postgres", "sqlite", "both"], default="postgres"
    )
    return parser.parse_args()


@contextmanager
def _database(database: str) -> Iterator[str]:
    if database == "postgres":
        admin = os.environ.get("KANCELARIA_TEST_POSTGRES") or DEFAULT_ADMIN
        with _throwaway_database(admin) as url:
            yield url
        return

    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'lookup.db'}"


def _bench(database: str, engine: Engine, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    if database == "postgres":
        _copy_rows(engine, args.rows)
    else:
        _insert_rows(engine, args.rows)

    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")

    filled = time.perf_counter() - started
    print(f"{database}: {args.rows} document rows written in {filled:.1f} s")
    print(f"  plan: {_plan(engine, database)}")

    numbers = [
        format_registry_number(random.randint(1, args.rows), YEAR)
        for _ in range(args.lookups)
    ]
    _report("  get_document_by_number (ORM)", _orm_lookups(engine, numbers))
    _report("  one SELECT by registry_number", _sql_lookups(engine, numbers))


def _copy_rows(engine: Engine, rows: int) -> None:
    # COPY in text format, written in blocks: about 1 M rows in seconds.
    url = engine.url.set(drivername="postgresql")
    conninfo = make_url(url).render_as_string(hide_password=False)
    statement = f"COPY document ({', '.join(COLUMNS)}) FROM STDIN"

    with (
        psycopg.connect(conninfo) as connection,
        connection.cursor().copy(statement) as copy,
    ):
        for start in range(1, rows + 1, BATCH):
            stop = min(start + BATCH, rows + 1)
            block = io.StringIO()
            for sequence in range(start, stop):
                block.write("\t".join(map(str, _row(sequence))) + "\n")
            copy.write(block.getvalue())


def _insert_rows(engine: Engine, rows: int) -> None:
    columns = ", ".join(COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    # Constant column names only: nothing from outside reaches the SQL.
    statement = f"INSERT INTO document ({columns}) VALUES ({marks})"  # noqa: S608
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN")
        for start in range(1, rows + 1, BATCH):
            stop = min(start + BATCH, rows + 1)
            cursor.executemany(statement, [_row(n) for n in range(start, stop)])
        cursor.execute("COMMIT")
    finally:
        connection.close()


def _row(sequence: int) -> tuple[object, ...]:
    received = datetime(YEAR, 1, 2, tzinfo=UTC) + timedelta(seconds=sequence * 20)
    return (
        format_registry_number(sequence, YEAR),
        YEAR,
        sequence,
        received.isoformat(),
        "api",
        f"{sequence:064x}",
        12_000,
        "application/xml",
        "TOTAL_PASSED",
        "{}",
        "registered",
        f"BENCH{sequence:011d}",
        # Unique and required (migration 0004): a UUID made from the sequence.
        str(uuid.UUID(int=sequence)),
    )


def _plan(engine: Engine, database: str) -> str:
    number = {"number": format_registry_number(12345, YEAR)}
    explain = "EXPLAIN " if database == "postgres" else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        rows = connection.execute(text(explain + LOOKUP), number).all()

    return " | ".join(str(row[-1]) for row in rows)


def _orm_lookups(engine: Engine, numbers: list[str]) -> list[float]:
    sessions = make_session_factory(engine)
    timings = []
    for number in numbers:
        started = time.perf_counter()
        with sessions() as session:
            found = get_document_by_number(session, number)
        timings.append(time.perf_counter() - started)
        if found is None:
            raise RuntimeError(f"{number} not found")

    return timings


def _sql_lookups(engine: Engine, numbers: list[str]) -> list[float]:
    timings = []
    with engine.connect() as connection:
        for number in numbers:
            started = time.perf_counter()
            connection.execute(text(LOOKUP), {"number": number}).scalar_one()
            timings.append(time.perf_counter() - started)

    return timings


def _report(label: str, timings: list[float]) -> None:
    timings.sort()
    p99 = timings[max(0, int(len(timings) * 0.99) - 1)]
    print(
        f"{label}: p50 {statistics.median(timings) * 1000:.3f} ms, "
        f"p99 {p99 * 1000:.3f} ms ({len(timings)} lookups)"
    )


if __name__ == "__main__":
    main()
