"""The registry throughput figures of issue #4, in one output.

Runs, one after the other, and prints what each prints:

1. ``bench_budget.py`` — CPU milliseconds of each intake step in process
   (the floor of this code: two cores cannot do more than 2000 / total);
2. ``bench_e2e.py`` — submissions per second, p50/p99, CPU per submission
   (server and database), for the baseline git ref (``--baseline``) and the
   setups compared in the same run, plus open-loop latency at ``--rate``;
3. ``bench_lookup.py`` — lookup by registry number in a registry of
   ``--rows`` documents;
4. ``bench_seal.py`` and ``bench_pdf_receipt.py`` — sealed XML and PDF
   receipts per second.

    .venv/bin/python bench/report_throughput.py [--baseline e81f103]
        [--requests 900] [--rows 1000000] [--rate 40 --rate 80]

On PostgreSQL (``KANCELARIA_TEST_POSTGRES`` or the local default).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Run every bench and print their figures under headings."""
    args = _arguments()
    e2e = ["--requests", str(args.requests), "--clients", str(args.clients)]
    if args.baseline:
        e2e += ["--baseline", args.baseline]
    for setup in args.setup or ["single", "grouped", "threads8", "threads16"]:
        e2e += ["--setup", setup]
    for rate in args.rate or [40.0, 80.0]:
        e2e += ["--rate", str(rate)]

    runs = [
        ("CPU budget per step", "bench_budget.py", []),
        ("End to end through gunicorn", "bench_e2e.py", e2e),
        (
            "Lookup by registry number",
            "bench_lookup.py",
            ["--database", "postgres", "--rows", str(args.rows)],
        ),
        ("Sealed XML receipts", "bench_seal.py", ["--rounds", "3"]),
        ("Sealed PDF receipts", "bench_pdf_receipt.py", ["--rounds", "2"]),
    ]
    for title, script, arguments in runs:
        _run(title, script, arguments)


def _run(title: str, script: str, arguments: list[str]) -> None:
    print(f"\n== {title} ({script} {' '.join(arguments)})", flush=True)
    started = time.monotonic()
    command = [sys.executable, str(ROOT / "bench" / script), *arguments]
    # Some benches import the project without putting its folder on the path.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(command, cwd=ROOT, env=env, check=False)
    took = time.monotonic() - started
    if finished.returncode != 0:
        print(f"   {script} failed with exit code {finished.returncode}", flush=True)
    print(f"   ({took:.0f} s)", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="git ref to compare against, e.g. main")
    parser.add_argument("--requests", type=int, default=900)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--setup", action="append")
    parser.add_argument("--rate", type=float, action="append")
    parser.add_argument("--rows", type=int, default=1_000_000)
    return parser.parse_args()


if __name__ == "__main__":
    main()
