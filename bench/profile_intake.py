"""Where a submission's time goes: the intake pipeline in process, under cProfile.

Submits signed forms through the Flask test client (no HTTP server, one
thread) and prints the time per submission and the functions that take it.

    .venv/bin/python bench/profile_intake.py [--requests 200]
        [--database sqlite|postgres] [--sort cumulative|tottime] [--top 40]
        [--clock cpu|wall] [--callers REGEX]

``--clock cpu`` (the default) times functions by this process's CPU, so
that waiting for the database's commit does not hide where the CPU goes;
``wall`` counts the waits too.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import Settings  # noqa: E402
from bench.bench_e2e import (  # noqa: E402
    DEFAULT_ADMIN,
    _signed_letters,
    _throwaway_database,
)

XML = {"Content-Type": "application/xml"}


def main() -> None:
    """Profile the submissions and print the figures."""
    args = _arguments()

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        bodies = _signed_letters(instance, args.requests + 5)

        if args.database == "sqlite":
            _profile(instance, {}, bodies, args)
            return

        admin = os.environ.get("KANCELARIA_TEST_POSTGRES") or DEFAULT_ADMIN
        with _throwaway_database(admin) as url:
            env = {
                "KANCELARIA_DATABASE_URL": url,
                "KANCELARIA_BLOB_BACKEND": "postgres",
            }
            _profile(instance, env, bodies, args)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument(
        "--callers", help="also print who calls functions matching this"
    )
    return parser.parse_args()


def _profile(
    instance: Path, env: dict[str, str], bodies: list[bytes], args: argparse.Namespace
) -> None:
    # Many anonymous submissions from one address: no rate limit here.
    settings = Settings.from_env(
        {
            **env,
            "KANCELARIA_ANONYMOUS_RATE_LIMIT": "off",
            "KANCELARIA_INSTANCE": str(instance),
        }
    )
    app = create_app(settings)
    client = app.test_client()

    for body in bodies[:5]:  # warm up: imports, pool, caches
        _submit(client, body)

    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    profiler = cProfile.Profile(clock)
    started, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    for body in bodies[5:]:
        _submit(client, body)
    profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    count = len(bodies) - 5
    print(
        f"{args.database}: {elapsed / count * 1000:.2f} ms per submission, "
        f"{cpu / count * 1000:.2f} ms of it CPU (profiled, {args.clock} clock)"
    )
    stats = pstats.Stats(profiler).sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)

    app.extensions["kancelaria"].engine.dispose()


def _submit(client: object, body: bytes) -> None:
    answer = client.post("/api/v1/submissions", data=body, headers=XML)  # type: ignore[attr-defined]
    if answer.status_code != 201:
        raise RuntimeError(f"unexpected status {answer.status_code}")


if __name__ == "__main__":
    main()
