"""Log lines: the message with its ids as key=value pairs, at the set level."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import logging
from app.logs import configure_logging
configure_logging()
log = logging.getLogger("app.intake.pipeline")
log.info("registered", extra={"sha256": "ab12", "registry_number": "RPW/1/2026"})
log.debug("not shown", extra={"sha256": "cd34"})
"""


def test_served_log_line_names_level_logger_message_and_ids() -> None:
    env = {**os.environ, "KANCELARIA_LOG_LEVEL": "INFO"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(
        " INFO app.intake.pipeline registered registry_number=RPW/1/2026 sha256=ab12"
    )
