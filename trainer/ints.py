"""Whole numbers from untrusted text: the one parser every path, query and form integer
goes through (the web layer's `int` URL converter and query helpers use it too).

`str.isdigit()` accepts "²" and "٣", which `int()` then refuses or reads; and a number beyond
PostgreSQL's INTEGER range fails in the database as a 500. Only ASCII digits, bounded.
"""

from __future__ import annotations

import re

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: every id column, and more than any page number
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_int(text: str | None, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """The number `text` spells in ASCII digits if it lies in [minimum, maximum], else None."""
    if text is None or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None
