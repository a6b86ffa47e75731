"""Assignments: one row per (user, course, cycle), materialised for indexed reporting."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.models.base import Base
from trainer.models.course import Course
from trainer.models.user import User

ASSIGNMENT_REASONS = (
    "new_hire",
    "requirement",
    "refresher",
    "regulation_update",
    "major_change",
)


class Assignment(Base):
    """A user's obligation to complete a course by a date, in one cycle.

    Exactly one row per (user, course) is `current` while the person is in the audience
    (a partial unique index refuses a second); earlier cycles stay as evidence. `started_on`
    is set by the first activity in the cycle so that status can be computed from this row
    alone (in Python and in SQL alike).
    """

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "cycle"),
        # At most one current cycle per person and course, whatever the code does.
        Index("uq_assignments_one_current", "user_id", "course_id", unique=True,
              sqlite_where=text("current"), postgresql_where=text("current")),
        Index("ix_assignments_course_due", "course_id", "due_on"),
        Index("ix_assignments_completed_on", "completed_on"),
        Index("ix_assignments_expires_on", "expires_on"),
        # Covers the scans of current assignments: everything status_sql reads, so the
        # database answers from the index alone; due date second, for "current and due by".
        # Every index costs every insert: a person's current cycles are found through
        # uq_assignments_one_current, their others through the unique key (migration 0018).
        Index("ix_assignments_current_report", "current", "due_on", "user_id", "course_id",
              "completed_on", "expires_on", "closed_on", "started_on", "reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    requirement_id: Mapped[int | None] = mapped_column(ForeignKey("requirements.id"))
    regulation_update_id: Mapped[int | None] = mapped_column(ForeignKey("regulation_updates.id"))
    cycle: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(String(20))
    assigned_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    # Module completions on or after this date count towards this cycle (None: any date).
    counts_from: Mapped[dt.date | None]
    started_on: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    expires_on: Mapped[dt.date | None]
    current: Mapped[bool] = mapped_column(default=True)
    closed_on: Mapped[dt.date | None]
    closed_reason: Mapped[str | None] = mapped_column(String(200))
    # What changed, shown on the dashboard for major_change / regulation_update cycles.
    change_note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(lazy="select")
    course: Mapped[Course] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Assignment u{self.user_id} c{self.course_id} #{self.cycle} {self.reason}>"
