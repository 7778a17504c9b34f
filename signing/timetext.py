"""UTC times written as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (journal, receipts).

The same text ``strftime("%Y-%m-%dT%H:%M:%S.%fZ")`` gives, in about half
its time: every registration writes several such times, and journal hashes
cover the text, so it must never change. Years before 1000, which strftime
writes without padding, still go through strftime.
"""

from __future__ import annotations

from datetime import UTC, datetime

STRFTIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""The format the text has always had."""


def utc_text(moment: datetime) -> str:
    """Write a timezone-aware time in UTC with microseconds and ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; give a timezone-aware time")

    utc = moment.astimezone(UTC)
    if utc.year < 1000:
        return utc.strftime(STRFTIME_FORMAT)

    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
