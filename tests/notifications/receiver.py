"""A webhook receiver on 127.0.0.1 that the tests run, start, stop and steer."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request the receiver got: its headers and raw body."""

    headers: dict[str, str]
    body: bytes


@dataclass
class Behaviour:
    """How the receiver answers: a status, after a delay, maybe a redirect."""

    status: int = 204
    delay_s: float = 0.0
    location: str | None = None
    drip_s: float = 0.0
    """Send the answer one byte at a time, this far apart (a slow-drip receiver)."""


@dataclass
class Receiver:
    """An HTTP server on a fixed loopback address and port, up or down."""

    port: int
    host: str = "127.0.0.1"
    behaviour: Behaviour = field(default_factory=Behaviour)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address webhooks are sent to."""
        return f"http://{self.host}:{self.port}/hooks/kancelaria"

    def start(self) -> Receiver:
        """Listen on the port (again); return self."""
        server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections to the port are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        """Wait until ``count`` requests arrived; return them all."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)

        raise AssertionError(f"receiver got {len(self.received)} of {count}")


def free_port() -> int:
    """Return a loopback port nothing listens on (for a receiver that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _drip(handler: BaseHTTPRequestHandler, behaviour: Behaviour) -> None:
    answer = f"HTTP/1.1 {behaviour.status} OK\r\nContent-Length: 0\r\n\r\n"
    try:
        for byte in answer.encode():
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(behaviour.drip_s)
    except OSError:
        return  # the sender gave up and closed the connection


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.received.append(Received(dict(self.headers), body))

            behaviour = receiver.behaviour
            if behaviour.delay_s:
                time.sleep(behaviour.delay_s)

            if behaviour.drip_s:
                _drip(self, behaviour)
                return

            self.send_response(behaviour.status)
            if behaviour.location:
                self.send_header("Location", behaviour.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler
