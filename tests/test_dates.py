"""Dates on the pages are written from a table (trainer/dates.py), not with strftime: they
must read exactly as strftime wrote them in the C locale Trainer runs in."""

from __future__ import annotations

import datetime as dt

import pytest

from trainer.dates import short_date, short_datetime


@pytest.mark.parametrize("month", range(1, 13))
def test_a_day_reads_as_strftime_wrote_it(month):
    day = dt.date(2027, month, 4)
    assert short_date(day) == f"{day.day} {day.strftime('%b %Y')}"
    moment = dt.datetime(2027, month, 28, 9, 5, tzinfo=dt.UTC)
    assert short_datetime(moment) == f"{moment.day} {moment.strftime('%b %Y %H:%M')} UTC"


def test_single_digit_days_and_hours_are_written_as_before():
    assert short_date(dt.date(2026, 3, 1)) == "1 Mar 2026"
    assert short_datetime(dt.datetime(2026, 12, 31, 0, 0, tzinfo=dt.UTC)) == "31 Dec 2026 00:00 UTC"
