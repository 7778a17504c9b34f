"""How desk pages show a moment: the office's time (Europe/Warsaw), zone named.

One convention for every desk page, the same clock as the PDF receipt:
``2026-12-04 21:11 CET`` (``CEST`` in summer), in either language.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.desk import bp
from app.registry.numbering import OFFICE_TIMEZONE


@bp.app_template_filter("office_time")
def office_time(moment: datetime | None, seconds: bool = False) -> str:
    """Return ``moment`` in the office's time with its zone, to the minute."""
    if moment is None:
        return "—"

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)

    local = moment.astimezone(OFFICE_TIMEZONE)
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if seconds else f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {local.tzname()}"
