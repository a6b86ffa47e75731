"""Date arithmetic for due dates, expiry and fixed renewal dates."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def next_renewal(after: dt.date, month: int, day: int) -> dt.date:
    """The first fixed renewal date (e.g. every 31 January) strictly after `after`."""
    for year in (after.year, after.year + 1):
        candidate = _clamped(year, month, day)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a renewal date exists within a year")


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
