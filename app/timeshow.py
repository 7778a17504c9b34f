"""How pages and printouts show a moment: the office's time, zone named.

One convention for citizens and clerks alike, the same clock as the PDF
receipt: ``2026-12-04 21:11 CET`` (``CEST`` in summer), in either language.
XML and the API keep UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from app.registry.numbering import OFFICE_TIMEZONE


def office_time(moment: datetime | None, seconds: bool = False) -> str:
    """Return ``moment`` in the office's time with its zone, to the minute."""
    if moment is None:
        return "—"

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)

    local = moment.astimezone(OFFICE_TIMEZONE)
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if seconds else f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {local.tzname()}"


def init_times(app: Flask) -> None:
    """Offer ``office_time`` to every template as a filter."""
    app.add_template_filter(office_time, "office_time")
