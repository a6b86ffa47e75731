"""Courses and assignments as the employee pages read them: plain columns in frozen copies.

Loading Course and Assignment rows as ORM objects cost most of an employee page; these are
what those pages show and what status() and progress read. Never written: a write loads
the ORM row by id. Named tuples, not frozen dataclasses: as immutable, and made in a third
of the time (the dashboard makes one of each per course, on every view).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


class CourseCard(NamedTuple):
    """What the employee pages show of a course."""

    id: int
    slug: str
    title: str
    summary: str
    pass_mark: int


class Cycle(NamedTuple):
    """The person's current assignment of a course, as the pages read it (read only: a
    write loads the Assignment row by `id`)."""

    id: int
    course: CourseCard
    reason: str
    assigned_on: dt.date
    due_on: dt.date
    counts_from: dt.date | None
    started_on: dt.date | None
    completed_on: dt.date | None
    expires_on: dt.date | None
    closed_on: dt.date | None
    change_note: str
    regulation_update_id: int | None

    @property
    def course_id(self) -> int:
        return self.course.id
