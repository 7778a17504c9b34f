"""gunicorn's own log lines survive the app's logging set-up in every worker.

gunicorn prints ``[%(process)d]`` in its error log; a record made without
its process facts cannot be formatted, and logging then prints
"--- Logging error ---" instead of the line (seen on every worker's exit,
and it would swallow a worker's "Error handling request" traceback).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

from tests.app.broken_wsgi import BROKEN_PATH
from tests.app.served import gunicorn_server


def test_worker_errors_and_exits_are_logged_without_logging_errors(
    tmp_path: Path,
) -> None:
    instance = tmp_path / "instance"
    target = "tests.app.broken_wsgi:app"
    with gunicorn_server(instance, workers=1, threads=2, target=target) as server:
        try:
            urllib.request.urlopen(server.base + BROKEN_PATH, timeout=30)  # noqa: S310
        except urllib.error.HTTPError as error:
            assert error.code == 500
        port = server.base.rsplit(":", 1)[1]
        worker = server.worker_pids()[0]

    log = (tmp_path / f"gunicorn-{port}.log").read_text()
    assert "Logging error" not in log
    # gunicorn 27 names the method too: "Error handling request GET /path".
    assert re.search(
        rf"\[{worker}\] \[ERROR\] Error handling request .*{BROKEN_PATH}", log
    )
    assert "RuntimeError: broken on purpose" in log
    assert f"Worker exiting (pid: {worker})" in log
