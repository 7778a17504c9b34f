"""Log lines as text with the ``extra`` ids appended as key=value pairs."""

from __future__ import annotations

import logging
import os

QUIET = ("pyhanko", "pyhanko_certvalidator")
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    """Append the ids a call passed in ``extra`` (never content) to the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in STANDARD}
        if not extras:
            return line

        pairs = " ".join(f"{key}={value}" for key, value in sorted(extras.items()))
        return f"{line} {pairs}"


def configure_logging() -> None:
    """Send INFO and above to stderr once, at the level KANCELARIA_LOG_LEVEL sets."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, KeyValueFormatter) for h in root.handlers):
        return

    handler = logging.StreamHandler()
    handler.setFormatter(
        KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(os.environ.get("KANCELARIA_LOG_LEVEL", "INFO").upper())
    _skip_unused_record_fields()

    # pyHanko logs tracebacks naming certificate subjects (personal data) when
    # it meets odd PDFs; our own code reports those outcomes without names.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.CRITICAL)

    # Migrations log every step at INFO; say only what goes wrong.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _skip_unused_record_fields() -> None:
    """Skip the caller lookup, the one record fact our format never prints.

    Each record would otherwise walk the stack for its file and line (the
    Python logging HOWTO's "Optimization" switch); a format that asks for
    them gets placeholders, never an error. The process and thread facts
    are kept: gunicorn's error log prints ``[%(process)d]``, and a record
    without its pid cannot be formatted, so gunicorn's own lines in the
    workers (a request's traceback, "Worker exiting") would be lost.
    """
    logging._srcfile = None
