"""Questions to the clerk: case page and question post per second, mail sent per second.

One embedded instance (SQLite) with a case; the case page (GET) and a
question (POST, stored with its mail in one transaction) through the test
client; then the queued mail handed to a real SMTP server (aiosmtpd) on
127.0.0.1 by the outbox sender, batch after batch.

    .venv/bin/python bench/bench_mail.py [--questions 200]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.cases import questions  # noqa: E402
from app.notifications.outbox import OutboxPolicy  # noqa: E402
from app.notifications.sender import run_once  # noqa: E402
from signing.seal import XadesSigner  # noqa: E402
from tests.app.conftest import make_settings, sample  # noqa: E402
from tests.notifications.cases import open_case_for, with_smtp  # noqa: E402
from tests.notifications.receiver import free_port  # noqa: E402
from tests.notifications.smtpd import SmtpServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=200)
    count = parser.parse_args().questions
    questions.QUESTIONS_PER_DAY = count + 1  # the daily limit would stop the run

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(make_settings(Path(folder) / "instance"))
        app.config["WTF_CSRF_ENABLED"] = False
        services = app.extensions["kancelaria"]
        client = app.test_client()
        assert services.demo is not None
        signed = XadesSigner.from_issued(services.demo.citizen).sign_enveloped(
            sample("pismo-ogolne")
        )
        answer = client.post(
            "/submit", data={"document": (io.BytesIO(signed), "a.xml")}
        )
        year, sequence, code = re.findall(r"/(\d+)/(\d+)\?code=(\w+)", answer.location)[
            0
        ]
        open_case_for(services, 1)
        page = f"/case/{year}/{sequence}?code={code}"

        started = time.perf_counter()
        for _ in range(count):
            assert client.get(page).status_code == 200
        pages = count / (time.perf_counter() - started)

        started = time.perf_counter()
        for n in range(count):
            data = {"code": code, "body": f"Pytanie {n}", "email": "a@b.test"}
            assert (
                client.post(f"/case/{year}/{sequence}/ask", data=data).status_code
                == 303
            )
        posts = count / (time.perf_counter() - started)

        started = time.perf_counter()
        for _ in range(count):
            assert client.get(page).status_code == 200
        full_pages = count / (time.perf_counter() - started)

        server = SmtpServer(free_port()).start()
        try:
            sending = with_smtp(services, server.port)
            policy = OutboxPolicy(batch=20, jitter=0.0)
            started = time.perf_counter()
            while run_once(sending, policy).claimed:
                pass
            sent = len(server.inbox.messages) / (time.perf_counter() - started)
        finally:
            server.stop()
            services.engine.dispose()

    print(f"case page (GET, no messages): {pages:.0f}/s")
    print(f"case page (GET, {count} messages): {full_pages:.0f}/s")
    print(f"question stored with its mail (POST): {posts:.0f}/s")
    print(f"mail handed to SMTP on 127.0.0.1 (one connection each): {sent:.0f}/s")


if __name__ == "__main__":
    main()
