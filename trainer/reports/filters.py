"""What an HR view or export is narrowed to: scope, department, course, status, manager.

One `ReportFilter` is parsed from the request (or CLI/API options) and applied the same way
by every figure, list and export, so a number and the list behind it always agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.sql.elements import ColumnElement as Column

from trainer.compliance.status import COMPLIANT, STATUSES, Thresholds, status_sql
from trainer.models import Assignment, User
from trainer.people.scope import restrict_to_scope

NO_DEPARTMENT = 0
Columns = TypeVarTuple("Columns")
# Statuses HR can filter by: each status, plus the two groups the dashboard counts.
NOT_COMPLIANT = tuple(s for s in STATUSES if s not in COMPLIANT and s != "closed")
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "compliant": COMPLIANT,
    "not_compliant": NOT_COMPLIANT,
    **{s: (s,) for s in STATUSES if s != "closed"},
}
STATUS_LABELS = {
    "compliant": "Compliant",
    "not_compliant": "Not compliant",
    "not_started": "Not started",
    "in_progress": "In progress",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "completed": "Completed",
    "expiring": "Expiring",
    "update_pending": "Update pending",
    "expired": "Expired",
}


@dataclasses.dataclass(frozen=True)
class ReportFilter:
    """`scope` None: every department; a set: only those (an HR user's departments).

    `department_id` 0 means people without a department.
    """

    scope: frozenset[int] | None = None
    department_id: int | None = None
    course_id: int | None = None
    status: str | None = None
    manager_id: int | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUS_GROUPS:
            raise ValueError(f"unknown status {self.status!r}")

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL query arguments for this filter (scope is never in a URL), with changes."""
        values = {"department": self.department_id, "course": self.course_id,
                  "status": self.status, "manager": self.manager_id, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}

    def describe(self) -> dict[str, Any]:
        """For audit events: what was exported."""
        return {**self.args(), "scope": sorted(self.scope) if self.scope is not None else "all"}

    @property
    def statuses(self) -> tuple[str, ...] | None:
        return STATUS_GROUPS[self.status] if self.status else None


def scoped(scope: set[int] | frozenset[int] | None) -> frozenset[int] | None:
    return frozenset(scope) if scope is not None else None


def people_condition(filters: ReportFilter) -> list[ColumnElement[bool]]:
    """Conditions over User: department, manager and scope (not status or course)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.department_id == NO_DEPARTMENT:
        conditions.append(User.department_id.is_(None))
    elif filters.department_id is not None:
        conditions.append(User.department_id == filters.department_id)
    if filters.manager_id:
        conditions.append(User.manager_id == filters.manager_id)
    return conditions


def current_assignments(
    query: Select[*Columns], filters: ReportFilter, today: dt.date, thresholds: Thresholds,
    *, status: Column[str] | None = None,
) -> Select[*Columns]:
    """Narrow a query that selects from Assignment to the current assignments of active
    people the filter admits. Joins User; `status` is status_sql() if already built."""
    status = status if status is not None else status_sql(today, thresholds)
    query = query.join(User, User.id == Assignment.user_id).where(
        Assignment.current.is_(True), User.active.is_(True), *people_condition(filters)
    )
    query = restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)
    if filters.course_id:
        query = query.where(Assignment.course_id == filters.course_id)
    if filters.statuses:
        query = query.where(status.in_(filters.statuses))
    return query


def has_matching_assignment(
    filters: ReportFilter, today: dt.date, thresholds: Thresholds
) -> ColumnElement[bool]:
    """For lists of people: they hold a current assignment of the course / in the status."""
    conditions = [Assignment.user_id == User.id, Assignment.current.is_(True)]
    if filters.course_id:
        conditions.append(Assignment.course_id == filters.course_id)
    if filters.statuses:
        conditions.append(status_sql(today, thresholds).in_(filters.statuses))
    # Correlate User only: an outer query may itself join assignments (the matrix does).
    return exists(select(Assignment.id).where(and_(*conditions)).correlate(User))
