"""Open-loop load: submissions sent at a fixed rate, latency from the schedule.

A closed loop (N clients, each waiting for its answer) measures throughput,
but its latency is only N / throughput. Here the i-th submission is due at
``start + i / rate`` whatever the server does, and its latency counts from
that moment, so a server that falls behind shows the queue it builds
(no coordinated omission).
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

SENDERS = 96


@dataclass(frozen=True)
class PacedResult:
    """What an open-loop run saw."""

    rate: float
    achieved: float
    latencies: list[float]

    def percentile(self, fraction: float) -> float:
        """Latency (seconds) at ``fraction`` of the sorted answers."""
        ordered = sorted(self.latencies)
        return ordered[max(0, int(len(ordered) * fraction) - 1)]


def post_paced(port: int, bodies: list[bytes], rate: float) -> PacedResult:
    """Send every body at ``rate`` per second; wait for all answers."""
    local = threading.local()

    def post(body: bytes, due: float) -> float:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            local.connection = connection
        headers = {"Content-Type": "application/xml"}
        try:
            connection.request("POST", "/api/v1/submissions", body, headers)
        except (BrokenPipeError, ConnectionResetError):
            # gunicorn closed this sender's idle keep-alive connection before
            # the request went out: nothing reached it, so send it anew.
            connection.close()
            connection.request("POST", "/api/v1/submissions", body, headers)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 201:
            raise RuntimeError(f"unexpected status {answer.status}")
        return time.perf_counter() - due

    with ThreadPoolExecutor(SENDERS) as pool:
        start = time.perf_counter() + 0.1
        futures = []
        for index, body in enumerate(bodies):
            due = start + index / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            futures.append(pool.submit(post, body, due))
        latencies = [future.result() for future in futures]
        elapsed = time.perf_counter() - start

    return PacedResult(rate, len(bodies) / elapsed, latencies)
