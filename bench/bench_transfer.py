"""Transfer packages per second: build and seal, and verify as the receiver does.

Prints figures; asserts nothing. Run: .venv/bin/python bench/bench_transfer.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config import Settings
from app.registry.models import Document
from app.services import build_services
from app.transfers.package import Office, build_package, read_package
from app.transfers.partners import Partner
from signing.trust import TrustStore

ROUNDS = 3


def main() -> None:
    """Measure sealing and verifying packages of 10 KiB and 1 MiB documents."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({"KANCELARIA_INSTANCE": folder})
        services = build_services(settings)
        partner = Partner(
            "urzad-a", "A", TrustStore.from_certificates([services.seal_certificate])
        )
        for size in (10 * 1024, 1024 * 1024):
            _measure(services, partner, size)
        services.engine.dispose()


def _measure(services: object, partner: Partner, size: int) -> None:
    data = os.urandom(size)
    document = Document(
        registry_number="RPW/1/2026",
        received_at=datetime.now(UTC),
        channel="api",
        media_type="application/pdf",
        indication="TOTAL_PASSED",
        department="SO",
        journal_position=1,
    )
    sealer = services.sealer  # type: ignore[attr-defined]
    a, b = Office("urzad-a", "A"), Office("gmina-b", "B")
    count = 200 if size < 100_000 else 10
    seal_rates, read_rates = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        packages = [
            build_package(sealer, a, b, [(document, data)])[1] for _ in range(count)
        ]
        seal_rates.append(count / (time.perf_counter() - started))
        started = time.perf_counter()
        for package in packages:
            read_package(package, {"urzad-a": partner}, "gmina-b")
        read_rates.append(count / (time.perf_counter() - started))

    seal = sorted(seal_rates)[1]
    read = sorted(read_rates)[1]
    print(f"{size // 1024:>5} KiB document: seal {seal:8.1f}/s  verify {read:8.1f}/s")


if __name__ == "__main__":
    main()
