"""The one way a share is shown as a whole-number percentage.

Rounded to the nearest whole number, halves up (8 of 12 is 67 %, 1 of 8 is 13 %), with two
exceptions so a figure never claims more or less than is true at the ends: short of all is
never 100 % (199 of 200 is 99 %), and more than none is never 0 % (1 of 1,000 is 1 %).
Pass marks are not decided on this rounded figure but on the exact share (see learning/quiz.py).
"""

from __future__ import annotations


def percent(part: int, whole: int) -> int:
    """`part` of `whole` (whole > 0) as a percentage for people to read."""
    if whole <= 0:
        raise ValueError("a percentage of nothing is undefined")
    if part <= 0 or part >= whole:
        return 0 if part <= 0 else 100
    rounded = (200 * part + whole) // (2 * whole)  # half up, in integers (no float surprises)
    return min(max(rounded, 1), 99)
