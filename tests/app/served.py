"""Start ``gunicorn wsgi:app`` on a free loopback port, as `make run` does.

:func:`gunicorn` yields the base URL; :func:`gunicorn_server` yields a
:class:`Server` that also knows the master process and its workers, for
tests that kill workers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """Ask the kernel for a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its base URL and master process."""

    base: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's live worker processes."""
        return sorted(_children(self.process.pid))

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one worker, as the kernel's OOM killer or a crash would."""
        os.kill(pid, signal.SIGKILL)


@contextmanager
def gunicorn(
    instance: Path,
    workers: int = 2,
    threads: int = 4,
    target: str = "wsgi:app",
    ready_path: str = "/api/v1/forms",
    env: Mapping[str, str] | None = None,
    worker_class: str = "gthread",
) -> Iterator[str]:
    """Serve the app on a fresh instance; yield its base URL; stop it after."""
    with gunicorn_server(
        instance, workers, threads, target, ready_path, env, worker_class
    ) as run:
        yield run.base


@contextmanager
def gunicorn_server(
    instance: Path,
    workers: int = 2,
    threads: int = 4,
    target: str = "wsgi:app",
    ready_path: str = "/api/v1/forms",
    env: Mapping[str, str] | None = None,
    worker_class: str = "gthread",
    root: Path = ROOT,
) -> Iterator[Server]:
    """Serve the app with ``env`` added to the environment; stop it after.

    ``root`` is the source tree gunicorn imports the app from (the bench
    serves an older checkout from there to compare against).
    """
    port = free_port()
    instance.mkdir(parents=True, exist_ok=True)
    # Load and crash tests send many anonymous submissions from one address.
    environ = {
        **os.environ,
        "KANCELARIA_ANONYMOUS_RATE_LIMIT": "off",
        **(env or {}),
        "KANCELARIA_INSTANCE": str(instance),
    }
    log = (instance.parent / f"gunicorn-{port}.log").open("wb")
    command = [
        str(GUNICORN),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        # gunicorn 27's control socket sits at one path in the home folder;
        # servers run side by side would take it from each other.
        "--no-control-socket",
        target,
    ]
    process = subprocess.Popen(command, cwd=root, env=environ, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + ready_path, process)
        yield Server(base, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)

    raise RuntimeError("gunicorn did not answer within 60 s")


def _children(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue

        # After the command name: state, then the parent's pid.
        if int(fields[1]) == parent and fields[0] != "Z":
            found.add(int(stat.parent.name))

    return found
