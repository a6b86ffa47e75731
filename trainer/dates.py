"""How a day reads on the pages: "4 Mar 2027" (and with a time, "4 Mar 2027 09:30 UTC").

Written out from a table instead of with strftime("%b"), which took a microsecond each and
the employee dashboard writes a dozen dates per view. The names are those strftime gives in
the C locale, the one Trainer runs in (it never sets another): English, whatever the
server's language (tests/test_dates.py holds the two equal).
"""

from __future__ import annotations

import datetime as dt

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: dt.date) -> str:
    """"4 Mar 2027"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_datetime(moment: dt.datetime) -> str:
    """"4 Mar 2027 09:30 UTC" (the moment as given: pages show UTC)."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment.hour:02d}:{moment.minute:02d} UTC"
