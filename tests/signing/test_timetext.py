"""UTC time text: always what strftime wrote (journal hashes cover it)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from signing.timetext import STRFTIME_FORMAT, utc_text

ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 5, 1, 2, 3, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(1000, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_text_is_strftimes(moment: datetime) -> None:
    assert utc_text(moment) == moment.astimezone(UTC).strftime(STRFTIME_FORMAT)


def test_text_is_strftimes_for_random_times_in_any_zone() -> None:
    draw = random.Random(4)
    for _ in range(2000):
        seconds = draw.uniform(-2e10, 2.5e11)
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        moment = moment.astimezone(draw.choice(ZONES))
        assert utc_text(moment) == moment.astimezone(UTC).strftime(STRFTIME_FORMAT)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        utc_text(datetime(2026, 1, 1))
