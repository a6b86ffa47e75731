"""Lists of current assignments: the rows behind every dashboard number, and the overdue list.

The same query feeds the page (one page at a time) and the export (streamed), so what HR
sees and what they export are the same rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from trainer.compliance.status import Thresholds, status_sql
from trainer.models import Assignment, Course, Department, User
from trainer.reports.filters import ReportFilter, current_assignments
from trainer.reports.pagination import Page, paginate_rows

Manager = aliased(User, name="manager")


def assignment_rows_query(
    filters: ReportFilter, today: dt.date, thresholds: Thresholds, *, overdue_first: bool = False
) -> Select[*tuple[Any, ...]]:
    """One row per current assignment: person, department, manager, course, status, the
    cycle (its reason and change note), dates.

    Ordered by name and course, or with `overdue_first` by due date (longest overdue first).
    """
    status = status_sql(today, thresholds)
    query = select(
        Assignment.id.label("assignment_id"), User.id.label("user_id"), User.employee_id, User.name,
        User.email, Department.name.label("department"), Manager.name.label("manager_name"),
        Manager.email.label("manager_email"), Course.id.label("course_id"), Course.slug.label("course_slug"),
        Course.title.label("course"), status.label("status"), Assignment.cycle, Assignment.reason,
        Assignment.change_note, Assignment.assigned_on, Assignment.due_on, Assignment.completed_on,
        Assignment.expires_on,
    ).select_from(Assignment)
    query = current_assignments(query, filters, today, thresholds, status=status)
    query = (
        query.join(Course, Course.id == Assignment.course_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Manager, Manager.id == User.manager_id)
    )
    if overdue_first:
        return query.order_by(Assignment.due_on, User.name, Assignment.id)
    return query.order_by(User.name, User.id, Course.title, Assignment.id)


def assignment_page(
    session: Session, filters: ReportFilter, today: dt.date, thresholds: Thresholds,
    *, page: int = 1, per_page: int = 50, overdue_first: bool = False,
) -> Page[Any]:
    """One page of `assignment_rows_query`."""
    query = assignment_rows_query(filters, today, thresholds, overdue_first=overdue_first)
    return paginate_rows(session, query, page, per_page)


def overdue_filter(filters: ReportFilter) -> ReportFilter:
    """The overdue list: the filter's people and course, status overdue."""
    return ReportFilter(scope=filters.scope, department_id=filters.department_id,
                        course_id=filters.course_id, manager_id=filters.manager_id, status="overdue")


def days_overdue(due_on: dt.date, today: dt.date) -> int:
    return max(0, (today - due_on).days)
