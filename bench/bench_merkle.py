"""Checkpoint, proof and audit times over a large journal (SQLite or PostgreSQL).

    .venv/bin/python -m bench.bench_merkle --rows 100000 [--database URL]

Fills a throw-away database with a valid hash-chained journal (no
documents), then times: the first checkpoint (hashes every entry), a
checkpoint after 1,000 more entries (hashes only those), inclusion proofs,
and the full checkpoint audit. Without --database, an SQLite file in a
temporary folder is used.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_session_factory, upgrade
from app.registry.checkpoint_audit import SealCheck, verify_checkpoints
from app.registry.checkpoints import make_checkpoint
from app.registry.journal import GENESIS_HASH
from app.registry.merkletree import inclusion_path
from app.registry.models import JournalEntry
from app.services import fingerprint
from signing.merkle import canonical_json, journal_entry_hash
from signing.pki import ensure_demo_pki
from signing.policy import ValidationPolicy
from signing.seal import XadesSigner
from signing.trust import TrustStore

OFFICE = "Urząd Miasta Przykładowo"
T = TypeVar("T")


def main() -> None:
    """Parse the arguments and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="an empty database URL (else SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        run(url, args.rows, Path(folder))


def run(url: str, rows: int, folder: Path) -> None:
    """Fill the journal and print the timings."""
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    demo = ensure_demo_pki(folder / "pki", OFFICE)
    sealer = XadesSigner.from_issued(demo.seal)
    policy = ValidationPolicy(trust=TrustStore.from_certificates([demo.root]))
    seal = SealCheck(policy, fingerprint(demo.seal.certificate))

    last = _fill(sessions, 0, GENESIS_HASH, rows)
    print(f"{engine.dialect.name}: journal of {rows} entries")

    with sessions() as session:
        first = _timed(
            "first checkpoint (all entries)", make_checkpoint, session, sealer, OFFICE
        )

    _fill(sessions, rows, last, 1000)
    with sessions() as session:
        _timed("checkpoint after 1,000 more", make_checkpoint, session, sealer, OFFICE)

    size = rows + 1000
    with sessions() as session:
        times = []
        for index in range(0, size, max(1, size // 200)):
            start = time.perf_counter()
            inclusion_path(session, index, size)
            times.append(time.perf_counter() - start)
    print(
        f"  inclusion proof: median {statistics.median(times) * 1000:.2f} ms, "
        f"max {max(times) * 1000:.2f} ms over {len(times)} proofs"
    )

    with sessions() as session:
        problems = _timed(
            "checkpoint audit (verify)", verify_checkpoints, session, seal
        )
    assert problems == [], problems
    assert first.tree_size == rows
    engine.dispose()


def _fill(sessions: sessionmaker[Session], after: int, prev: str, count: int) -> str:
    at = datetime.now(UTC)
    rows = []
    for position in range(after + 1, after + count + 1):
        payload = canonical_json({"registry_number": f"RPW/{position}/2026"})
        digest = journal_entry_hash(position, at, "registered", None, payload, prev)
        rows.append(
            {
                "position": position,
                "at": at,
                "event": "registered",
                "document_id": None,
                "payload_json": payload,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest

    with sessions() as session:
        for start in range(0, len(rows), 10_000):
            session.execute(insert(JournalEntry), rows[start : start + 10_000])
        session.commit()

    return prev


def _timed(label: str, function: Callable[..., T], *args: Any) -> T:
    start = time.perf_counter()
    result = function(*args)
    print(f"  {label}: {(time.perf_counter() - start) * 1000:.1f} ms")
    return result


if __name__ == "__main__":
    main()
