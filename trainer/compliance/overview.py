"""What one employee has to do now, most urgent first (read by the dashboard)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from trainer.compliance.status import URGENCY, Thresholds, status
from trainer.models import Assignment, Course, Module


@dataclasses.dataclass(frozen=True)
class AssignmentView:
    assignment: Assignment
    status: str
    days_left: int  # negative when overdue

    @property
    def course(self):
        return self.assignment.course


# Built once (every dashboard). The courses' modules come in the same query (progress
# counts them), but not their versions: neither the dashboard nor HR's page of a person
# shows them.
_CURRENT = (
    select(Assignment).where(Assignment.user_id == bindparam("user_id"), Assignment.current.is_(True))
    .options(joinedload(Assignment.course).joinedload(Course.modules).lazyload(Module.current_version))
)


def current_assignments(
    session: Session, user_id: int, today: dt.date, thresholds: Thresholds
) -> list[AssignmentView]:
    """The user's current assignments with their status, sorted by urgency then due date."""
    rows = session.scalars(_CURRENT, {"user_id": user_id}).unique().all()
    views = [
        AssignmentView(a, status(a, today, thresholds), (a.due_on - today).days) for a in rows
    ]
    return sorted(views, key=lambda v: (URGENCY.index(v.status), v.assignment.due_on))
