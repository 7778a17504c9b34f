"""End-to-end submissions per second through gunicorn on 127.0.0.1.

A ~7 KiB XAdES-BES form (RSA-2048, the demo citizen) is posted by a pool of
client threads on keep-alive connections; each answer is a registered document
with a sealed receipt. Prints requests per second and p50/p99 latency.

    .venv/bin/python bench/bench_e2e.py [--requests 600] [--clients 16] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from signing.pki import ensure_demo_pki  # noqa: E402
from signing.seal import XadesSigner  # noqa: E402
from tests.app.served import gunicorn  # noqa: E402

LETTER = ROOT / "forms" / "pismo-ogolne" / "1" / "sample.xml"


def main() -> None:
    """Run the benchmark and print its figures."""
    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        with gunicorn(instance, workers=args.workers) as base:
            bodies = _signed_letters(instance, args.requests)
            elapsed, latencies = _run(base, bodies, args.clients)

        with gunicorn(
            Path(folder) / "echo",
            args.workers,
            target="bench.echo_app:app",
            ready_path="/",
        ) as base:
            ceiling, _ = _run(base, bodies, args.clients)

    latencies.sort()
    print(
        f"HTTP ceiling (same gunicorn, body read + SHA-256 only): "
        f"{len(bodies) / ceiling:.0f}/s"
    )
    print(
        f"end-to-end submissions: {len(bodies)} in {elapsed:.2f} s "
        f"= {len(bodies) / elapsed:.0f}/s "
        f"({args.workers} gthread workers, {args.clients} clients, SQLite)"
    )
    print(
        f"  latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms, "
        f"body {len(bodies[0])} bytes"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def _signed_letters(instance: Path, count: int) -> list[bytes]:
    settings = Settings.from_env({"KANCELARIA_INSTANCE": str(instance)})
    demo = ensure_demo_pki(settings.demo_pki_dir, settings.office_name)
    signer = XadesSigner.from_issued(demo.citizen)
    filler = "Proszę o rozpatrzenie sprawy. " * 180
    letter = LETTER.read_text(encoding="utf-8")
    letter = letter.replace("Z poważaniem", filler + "\nZ poważaniem")
    return [signer.sign_enveloped(letter.encode()) for _ in range(count)]


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


if __name__ == "__main__":
    main()
