"""Clerk workspace figures: sign-in cost, paper intake rate, inbox query times.

In one process on a fresh SQLite instance: the argon2 check of a sign-in;
paper scans registered through the intake pipeline (PNG, one page each);
then, with those documents and as many cases opened, the inbox queries and
the whole inbox page as a signed-in clerk gets it.

    .venv/bin/python bench/bench_desk.py [--documents 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from app.cases import lifecycle, queries, writing  # noqa: E402
from app.cases.accounts import (  # noqa: E402
    add_clerk,
    add_department,
    find_department,
)
from app.cases.jrwa import DEMO_LIST, load_jrwa_file  # noqa: E402
from app.cases.models import Department  # noqa: E402
from app.cases.signin import sign_in  # noqa: E402
from app.config import Settings  # noqa: E402
from app.intake import Submission, intake  # noqa: E402
from app.intake.scan import Paper  # noqa: E402
from app.registry.models import Document  # noqa: E402
from app.services import Services  # noqa: E402

PASSWORD = "bench passphrase 123"  # noqa: S105 (a made-up bench account)


def main() -> None:
    """Prepare an instance, take the measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200)
    count = parser.parse_args().documents

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({"KANCELARIA_INSTANCE": str(Path(folder))})
        app = create_app(settings)
        services: Services = app.extensions["kancelaria"]
        _office(services)

        sign_ins = _times(lambda: _sign_in(services), 10)
        print(f"sign-in (argon2id verify): median {_ms(sign_ins)} ms")

        started = time.perf_counter()
        ids = [_paper(services, n).id for n in range(count)]
        elapsed = time.perf_counter() - started
        print(f"paper registered via intake: {count / elapsed:.1f}/s ({count} scans)")

        _cases(services, ids[: count // 2])
        _queries(services)
        _page(app)
        services.engine.dispose()


def _office(services: Services) -> None:
    with writing(services.sessions) as session:
        department = add_department(session, "SO", "Sprawy Obywatelskie", "Civil")
        add_clerk(session, "clerk.so", "Clerk", PASSWORD, "clerk", department)
        load_jrwa_file(session, DEMO_LIST)


def _sign_in(services: Services) -> None:
    assert sign_in(services.sessions, "clerk.so", PASSWORD).clerk is not None


def _paper(services: Services, n: int) -> Document:
    out = BytesIO()
    Image.new("RGB", (200, 280), f"#{n:06x}").save(out, format="PNG")
    paper = Paper("Jan Testowy", "SO", 1, 0, "post", subject=f"Pismo {n}")
    submission = Submission(channel="desk", paper=paper)
    return intake(services, BytesIO(out.getvalue()), submission).document


def _cases(services: Services, ids: list[int]) -> None:
    started = time.perf_counter()
    for document_id in ids:
        with writing(services.sessions) as session:
            document = session.get_one(Document, document_id)
            unit = _department(session)
            lifecycle.open_case(session, None, unit, "5360", "Sprawa", document)
    rate = len(ids) / (time.perf_counter() - started)
    print(f"cases opened (number, link, journal): {rate:.1f}/s ({len(ids)} cases)")


def _queries(services: Services) -> None:
    with services.sessions() as session:
        unit = _department(session)
        for name, query in [
            ("inbox documents", queries.inbox_documents),
            ("open cases", queries.open_cases),
            ("overdue cases", queries.overdue_cases),
        ]:
            times = _times(lambda q=query: q(session, unit), 20)
            print(f"{name} query: median {_ms(times)} ms")


def _page(app: Flask) -> None:
    # The page is measured, not the CSRF form round trip: tokens off here.
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    signed = client.post(
        "/desk/sign-in", data={"login": "clerk.so", "password": PASSWORD}
    )
    assert signed.status_code == 303, signed.status_code
    assert client.get("/desk/inbox").status_code == 200
    times = _times(lambda: client.get("/desk/inbox").close(), 10)
    print(f"inbox page (up to 200 documents and 200 cases): median {_ms(times)} ms")


def _department(session: Session) -> Department:
    found = find_department(session, "SO")
    assert found is not None
    return found


def _times(action: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def _ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.1f}"


if __name__ == "__main__":
    main()
