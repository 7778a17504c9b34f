"""CPU budget of one submission, step by step, in process (no HTTP server).

Runs each step of the intake pipeline on its own, many times, on one
thread, and prints the process CPU milliseconds it costs; then the whole
submission through the Flask test client for comparison (the rest is Flask,
the report and the database). The sum is the floor of this code on one
core: two cores cannot register more than ``2000 / total`` submissions a
second, whatever the server's shape.

    .venv/bin/python bench/bench_budget.py [--repeat 300] [--database postgres|sqlite]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from app import create_app  # noqa: E402
from app.catalog import FormVersion, validate_element  # noqa: E402
from app.config import Settings  # noqa: E402
from app.intake.coverage import wholly_signed  # noqa: E402
from app.intake.pipeline import identify_form  # noqa: E402
from app.intake.report import report_json  # noqa: E402
from app.receipts.timestamp import issue_receipt  # noqa: E402
from app.registry.batch import Pending, write_batch  # noqa: E402
from app.registry.models import Document  # noqa: E402
from app.services import Services  # noqa: E402
from bench.bench_e2e import _admin, _signed_letters, _throwaway_database  # noqa: E402
from signing.result import ValidationResult  # noqa: E402
from signing.validate import validate_xml  # noqa: E402

XML = {"Content-Type": "application/xml"}


def main() -> None:
    """Measure every step and print the budget."""
    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        bodies = _signed_letters(instance, args.repeat)
        env = {
            "KANCELARIA_ANONYMOUS_RATE_LIMIT": "off",
            "KANCELARIA_INSTANCE": str(instance),
        }
        if args.database == "sqlite":
            _run(env, bodies)
            return

        with _throwaway_database(_admin()) as url:
            env["KANCELARIA_DATABASE_URL"] = url
            env["KANCELARIA_BLOB_BACKEND"] = "postgres"
            _run(env, bodies)


def _run(env: dict[str, str], bodies: list[bytes]) -> None:
    app = create_app(Settings.from_env(env))
    services: Services = app.extensions["kancelaria"]
    print(f"database: {services.engine.dialect.name}", flush=True)
    _budget(app, services, bodies)
    services.engine.dispose()


def _budget(app: object, services: Services, bodies: list[bytes]) -> None:
    data = bodies[0]
    validation = validate_xml(data, services.policy)
    _signature, covered, form = identify_form(services, validation, "x")
    assert covered.element is not None
    element = covered.element
    document = _document(bodies)
    catalog = services.catalog

    def xmlschema_only(form: FormVersion, element: etree._Element) -> object:
        return validate_element(form.schema(), element)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("signature check (validate_xml)", lambda: validate_xml(data, services.policy)),
        ("form found + wholly signed", lambda: _find(services, data, validation)),
        (
            "schema (libxml2, xmlschema on doubt)",
            lambda: catalog.validate(form, element),
        ),
        ("schema, xmlschema alone (not summed)", lambda: xmlschema_only(form, element)),
        ("report JSON", lambda: report_json(validation, [])),
        ("blob put (stored durably)", lambda: services.blobs.put(data)),
        ("receipt sealed + time-stamped", lambda: issue_receipt(services, document)),
        ("registration, batch of 1", lambda: _register(services)),
        ("registration, batch of 16 (per doc)", lambda: _register(services, 16)),
    ]
    total = 0.0
    for label, step in steps:
        cost = _cpu_ms(step, 100)
        if label.endswith("(per doc)"):
            cost /= 16
        # The sum counts the batched cost and the schema check as served.
        if not label.endswith(("batch of 1", "(not summed)")):
            total += cost
        print(f"{label:40} {cost:6.2f} ms CPU", flush=True)

    print(f"{'sum of the steps':40} {total:6.2f} ms CPU", flush=True)
    client = app.test_client()  # type: ignore[attr-defined]
    rest = iter(bodies)
    whole = _cpu_ms(lambda: _submit(client, next(rest)), len(bodies) - 1)
    print(f"{'whole submission (Flask test client)':40} {whole:6.2f} ms CPU")
    print(f"one core: {1000 / whole:.0f}/s; two cores at best: {2000 / whole:.0f}/s")


def _find(services: Services, data: bytes, validation: ValidationResult) -> None:
    # As served: the coverage check reads the tree the validator parsed.
    signature, covered, _form = identify_form(services, validation, "x")
    wholly_signed(data, signature, covered, validation.tree)


def _document(bodies: list[bytes]) -> Document:
    return Document(
        id=1,
        registry_number="RPW/1/2026",
        year=2026,
        sequence=1,
        received_at=datetime.now(UTC),
        channel="api",
        form_id="pismo-ogolne",
        form_version="1",
        form_namespace="urn:example",
        schema_sha256="0" * 64,
        signer_name="Jan Testowy",
        signer_identifier="PNOPL-44051401458",
        signer_cert_sha256="1" * 64,
        signing_time=datetime.now(UTC),
        sha256="2" * 64,
        size=len(bodies[0]),
        media_type="application/xml",
        indication="TOTAL_PASSED",
        report_json='{"schema": {"valid": true}}',
        access_code="ABCDEFGHJKMNPQRS",
        journal_position=1,
    )


_counter = iter(range(10**9))


def _register(services: Services, count: int = 1) -> None:
    items = [
        Pending(
            {
                "received_at": datetime.now(UTC),
                "channel": "api",
                "sha256": f"{next(_counter):064d}",
                "size": 1,
                "media_type": "application/xml",
                "indication": "TOTAL_PASSED",
                "report_json": "{}",
            },
            lambda _document: b"<UPO/>",
        )
        for _ in range(count)
    ]
    with services.sessions() as session:
        write_batch(session, items)
    assert all(item.result is not None for item in items)


def _submit(client: object, body: bytes) -> None:
    answer = client.post("/api/v1/submissions", data=body, headers=XML)  # type: ignore[attr-defined]
    if answer.status_code != 201:
        raise RuntimeError(f"unexpected status {answer.status_code}")


def _cpu_ms(step: Callable[[], object], repeat: int) -> float:
    step()  # warm: imports, caches, the connection pool
    started = time.process_time()
    for _ in range(repeat):
        step()
    return (time.process_time() - started) / repeat * 1000


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="postgres"
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
