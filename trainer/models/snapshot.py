"""Monthly compliance snapshots: the dashboard's trend, kept as it was at each month's end."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import PrimaryKeyConstraint
from sqlalchemy.orm import Mapped

from trainer.models.base import Base


class ComplianceSnapshot(Base):
    """Assigned and compliant counts of one department and course at one month's end.

    Past months do not change, so they are reconstructed from assignment history once
    (`trainer report snapshot`) instead of on every dashboard view. Department and course
    are plain ids, not foreign keys: history outlives a deleted department. Id 0 stands for
    "none"; a (month, 0, 0) row with zero counts marks a month as taken even if it was empty.
    """

    __tablename__ = "compliance_snapshots"
    __table_args__ = (PrimaryKeyConstraint("month_end", "department_id", "course_id"),)

    month_end: Mapped[dt.date]
    department_id: Mapped[int]
    course_id: Mapped[int]
    assigned: Mapped[int]
    compliant: Mapped[int]
    taken_at: Mapped[dt.datetime]
