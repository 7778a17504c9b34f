"""CPU seconds used by process trees and by PostgreSQL backends, from /proc.

Process CPU time (user + system) is what a submission costs whatever else
runs on the machine; wall-clock rates on a shared 2-core machine are not.

    meter = CpuMeter(server_pid, postgres_admin_url, database_name)
    before = meter.read()
    ...  # the load
    used = meter.read() - before   # a CpuSample: server, postgres seconds
    meter.close()
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    """Cumulative CPU seconds of the server's processes and of PostgreSQL."""

    server: float
    postgres: float

    def __sub__(self, other: CpuSample) -> CpuSample:
        return CpuSample(self.server - other.server, self.postgres - other.postgres)


class CpuMeter:
    """Reads the CPU of a process tree and of one database's backends.

    Backends are looked for every half second while the meter runs, and the
    CPU last seen of each is kept, so that a connection the pool opens and
    closes during the load still counts.
    """

    def __init__(
        self, root_pid: int, admin_conninfo: str | None, database: str | None
    ) -> None:
        self.root_pid = root_pid
        self.admin = admin_conninfo
        self.database = database
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        if admin_conninfo is not None:
            self._poll_once()
            self._poller = threading.Thread(target=self._poll, daemon=True)
            self._poller.start()

    def read(self) -> CpuSample:
        """Sum the CPU seconds used so far."""
        server = sum(process_cpu(pid) for pid in tree(self.root_pid))
        if self.admin is not None:
            self._poll_once()
        return CpuSample(server, sum(self._seen.values()))

    def close(self) -> None:
        """Stop looking for backends."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            self._poll_once()

    def _poll_once(self) -> None:
        assert self.admin is not None
        for pid in _backend_pids(self.admin, self.database) | set(self._seen):
            used = process_cpu(pid)
            if used:  # a process gone keeps the CPU it was last seen with
                self._seen[pid] = max(used, self._seen.get(pid, 0.0))


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0

    # After the command name: utime and stime are the 12th and 13th fields.
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree(root: int) -> list[int]:
    """The pid and every live descendant of ``root``."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))

    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])

    return found


def _backend_pids(admin: str, database: str | None) -> set[int]:
    """Backends of ``database`` plus the server's own writers (WAL, checkpoints)."""
    query = (
        "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND (datname = %s OR backend_type IN ('walwriter', 'checkpointer', "
        "'background writer'))"
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        rows = connection.execute(query, (database,)).fetchall()

    return {row[0] for row in rows}
