"""An RFC 3161 time-stamping authority served over HTTP on 127.0.0.1.

It answers ``application/timestamp-query`` POSTs with the responses of a
:class:`signing.tsa.LocalTimestamper`, and can be switched to answer 503,
as a TSA that is down would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from signing.tsa import LocalTimestamper


@dataclass
class TsaServer:
    """A running loopback TSA."""

    url: str
    requests: list[bytes] = field(default_factory=list)
    down: bool = False


@contextmanager
def serve_tsa(tsa: LocalTimestamper) -> Iterator[TsaServer]:
    """Serve ``tsa`` on a free loopback port for the duration of the block."""
    state = TsaServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(body)
            if state.down or self.headers.get("Content-Type") != (
                "application/timestamp-query"
            ):
                self.send_error(503 if state.down else 415)
                return

            answer = tsa.respond(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
