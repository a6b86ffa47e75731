"""The one place Trainer reads the clock.

Everything that needs "today" or "now" calls these functions, so tests and the `--as-of`
option of CLI commands can fix the date with `frozen(...)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_frozen_now: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    if _frozen_now is not None:
        return _frozen_now
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The current date in UTC."""
    return now().date()


@contextlib.contextmanager
def frozen(moment: dt.date | dt.datetime) -> Iterator[dt.datetime]:
    """Fix now()/today() to `moment` (a date means noon UTC of that day) inside the block."""
    global _frozen_now
    previous = _frozen_now
    _frozen_now = _as_datetime(moment)
    try:
        yield _frozen_now
    finally:
        _frozen_now = previous


def freeze(moment: dt.date | dt.datetime | None) -> None:
    """Fix the clock until further notice (None unfreezes). For CLI --as-of and live tests."""
    global _frozen_now
    _frozen_now = None if moment is None else _as_datetime(moment)


def _as_datetime(moment: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(moment, dt.time(12, 0), tzinfo=dt.UTC)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Datetimes read back from SQLite lose their zone; they were stored as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)
