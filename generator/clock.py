"""Which day it is today. Editors and CI may be in any time zone: an editor in Seoul writes the
date of the Seoul morning while a runner in UTC is still in the day before. So a date is
"today" while it is today somewhere people live, which spans two dates at any moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_LATEST_OFFSET = timedelta(hours=14)
"""UTC+14 (Kiribati's Line Islands), where each date begins first."""


def latest_today(now: datetime | None = None) -> date:
    """The latest date that is today somewhere: no date in a claims file may be later."""
    return ((now or datetime.now(UTC)).astimezone(UTC) + _LATEST_OFFSET).date()


def is_today(day: date, today: date) -> bool:
    """Whether `day` is today somewhere from UTC-10 to UTC+14, when `today` is latest_today():
    that date or the one before it."""
    return today - timedelta(days=1) <= day <= today
