"""Where a served submission's CPU goes: gunicorn with every request profiled.

Serves ``bench.profiled_wsgi:app`` (each worker thread under cProfile, timed
by its own CPU) as bench_e2e serves ``wsgi:app``, posts signed forms from
client threads, stops gunicorn so that each worker writes its statistics,
and prints them merged, per submission.

    .venv/bin/python bench/profile_served.py [--requests 600] [--clients 16]
        [--threads 8] [--database sqlite|postgres] [--sort tottime] [--top 40]
"""

from __future__ import annotations

import argparse
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_e2e import _database_env, _run, _signed_letters  # noqa: E402
from tests.app.served import gunicorn  # noqa: E402


def main() -> None:
    """Profile the served submissions and print the merged statistics."""
    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        profiles = Path(folder) / "profiles"
        profiles.mkdir()
        bodies = _signed_letters(instance, args.requests + 16)

        with _database_env(args.database, "postgres", Path(folder)) as (env, label, _):
            env = {**env, "KANCELARIA_PROFILE_DIR": str(profiles)}
            with gunicorn(
                instance, 2, args.threads, "bench.profiled_wsgi:app", env=env
            ) as base:
                _run(base, bodies[:16], 4)
                elapsed, _ = _run(base, bodies[16:], args.clients)

        dumps = sorted(profiles.glob("*.prof"))
        if not dumps:
            raise SystemExit("no worker wrote its profile")

        stats = pstats.Stats(*[str(dump) for dump in dumps])
        total = stats.total_tt  # type: ignore[attr-defined]
        print(
            f"{label}: {args.requests} submissions in {elapsed:.2f} s; "
            f"profiled worker CPU {total / (args.requests + 16) * 1000:.2f} ms "
            f"per request (profiler overhead included)"
        )
        stats.sort_stats(args.sort).print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="postgres"
    )
    parser.add_argument("--sort", choices=["cumulative", "tottime"], default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--callers", help="also print who calls functions matching this"
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
