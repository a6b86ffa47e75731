"""When things may be sent: weekly digest slots and retry back-off."""

from __future__ import annotations

import datetime as dt

MAX_RETRY_DELAY = dt.timedelta(hours=24)


def next_weekly_slot(now: dt.datetime, weekday: int, hour: int) -> dt.datetime:
    """The first `weekday` at `hour`:00 UTC strictly after `now` (weekday 0 = Monday)."""
    day = now.astimezone(dt.UTC).date()
    for offset in range(8):
        candidate = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(hour), tzinfo=dt.UTC)
        if candidate.weekday() == weekday and candidate > now:
            return candidate
    raise AssertionError("unreachable: every weekday occurs within eight days")


def retry_at(now: dt.datetime, attempts: int, first_delay_minutes: int) -> dt.datetime:
    """After `attempts` failed attempts: wait first_delay, then twice as long each time (≤ 24 h)."""
    delay = dt.timedelta(minutes=first_delay_minutes) * (2 ** max(0, attempts - 1))
    return now + min(delay, MAX_RETRY_DELAY)
