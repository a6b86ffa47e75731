"""What one employee has to do now, most urgent first (HR's page of a person; the employee
dashboard reads the same columns as plain rows, trainer.learning.dashboard)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from trainer.compliance.rows import CourseCard, Cycle
from trainer.compliance.status import URGENCY, Thresholds, status
from trainer.models import Assignment, Course, Module


class AssignmentView(NamedTuple):
    """An assignment (a row, or the employee pages' copy) with its status on a day (a named
    tuple: the dashboard makes one per course on every view)."""

    assignment: Assignment | Cycle
    status: str
    days_left: int  # negative when overdue

    @property
    def course(self) -> Course | CourseCard:
        return self.assignment.course


# Built once (every dashboard). The courses' modules come in the same query (progress
# counts them), but not their versions: neither the dashboard nor HR's page of a person
# shows them.
_CURRENT = (
    select(Assignment).where(Assignment.user_id == bindparam("user_id"), Assignment.current.is_(True))
    .options(joinedload(Assignment.course).joinedload(Course.modules).lazyload(Module.current_version))
)


def view_of(assignment: Assignment | Cycle, today: dt.date, thresholds: Thresholds) -> AssignmentView:
    """One assignment with its status today and the days left until it is due."""
    return AssignmentView(assignment, status(assignment, today, thresholds), (assignment.due_on - today).days)


def current_assignments(
    session: Session, user_id: int, today: dt.date, thresholds: Thresholds
) -> list[AssignmentView]:
    """The user's current assignments with their status, sorted by urgency then due date."""
    rows = session.scalars(_CURRENT, {"user_id": user_id}).unique().all()
    return sorted((view_of(a, today, thresholds) for a in rows), key=urgency)


def urgency(view: AssignmentView) -> tuple[int, dt.date]:
    """The sort key of "most urgent first": by status, then due date."""
    return URGENCY.index(view.status), view.assignment.due_on
