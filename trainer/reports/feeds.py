"""Machine-readable lists for the JSON API: employees, completion status, changes.

Every list is keyed by an increasing id and read `after` a cursor, `limit + 1` rows at a
time (the extra row tells the caller that more follow). Results are plain dicts.

"Changed since T" is defined from the dates assignments carry: an assignment row appears
when it was assigned, started, completed or closed on or after T's date (UTC), so a
caller polling with the time of its last poll sees every change at least once (and may see
a change of the same day twice: rows have stable ids). Module completions are immutable
and carry a timestamp, so they appear when completed_at >= T exactly. Statuses that change
only because time passes (becoming overdue) are not changes; each row carries its status
as of today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVarTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from trainer.compliance.status import COMPLIANT, Thresholds, pending_update, status_sql
from trainer.ints import parse_int
from trainer.models import Assignment, Course, Department, Module, ModuleCompletion, ModuleVersion, User
from trainer.people.scope import restrict_to_scope
from trainer.reports.filters import ReportFilter, current_assignments

Manager = aliased(User, name="manager")
Scope = frozenset[int] | None
Columns = TypeVarTuple("Columns")


def _scoped(query: Select[*Columns], scope: Scope) -> Select[*Columns]:
    return restrict_to_scope(query, set(scope) if scope is not None else None)


def employees_after(session: Session, scope: Scope, after: int, limit: int, *,
                    include_inactive: bool = False) -> list[dict[str, Any]]:
    """People with id > `after`, by id."""
    query = (
        select(User.id, User.email, User.name, Department.name.label("department"), User.job_role,
               Manager.email.label("manager_email"), User.hired_on, User.active)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Manager, Manager.id == User.manager_id)
        .where(User.id > after, User.pseudonymised_at.is_(None))
        .order_by(User.id).limit(limit + 1)
    )
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return [dict(row._mapping) for row in session.execute(_scoped(query, scope))]


def find_employee(session: Session, scope: Scope, ref: str) -> User | None:
    """A person by id or e-mail address, if within scope."""
    user_id = parse_int(ref)
    if user_id is None and ref.isdigit():
        return None  # digits, but not an id there can be (e.g. "²" or beyond the column's range)
    condition = User.id == user_id if user_id is not None else func.lower(User.email) == ref.strip().lower()
    return session.scalar(_scoped(select(User).where(condition), scope))


def employee_completion(
    session: Session, user: User, today: dt.date, thresholds: Thresholds
) -> dict[str, Any]:
    """A person's current assignments with status; compliant when every one is."""
    status = status_sql(today, thresholds).label("status")
    rows = session.execute(
        select(Course.slug.label("course"), Course.title.label("course_title"), status, Assignment.cycle,
               Assignment.reason, Assignment.change_note, Assignment.assigned_on, Assignment.due_on,
               Assignment.completed_on, Assignment.expires_on)
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.user_id == user.id, Assignment.current.is_(True))
        .order_by(Course.slug)
    ).all()
    courses = [_assignment_record(row) for row in rows]
    return {
        "employee": {"id": user.id, "employee_id": user.employee_id, "email": user.email,
                     "name": user.name, "active": user.active},
        "as_of": today,
        "compliant": all(c["status"] in COMPLIANT for c in courses),
        "courses": courses,
    }


def _assignment_record(row: Any) -> dict[str, Any]:
    """An assignment row for the API: the pending update named, as lists and exports name
    it, and an expiry date only once completed."""
    record = dict(row._mapping)
    note = record.pop("change_note")
    record["pending"] = pending_update(row.reason, row.completed_on, note)
    if row.completed_on is None:
        record["expires_on"] = None
    return record


def course_completion_after(
    session: Session, scope: Scope, course: Course, today: dt.date, thresholds: Thresholds,
    after: int, limit: int, status: str | None = None,
) -> list[dict[str, Any]]:
    """Current assignments of one course (id > `after`, by id), with the person and status."""
    filters = ReportFilter(scope=scope, course_id=course.id, status=status)
    status_column = status_sql(today, thresholds)
    query = select(Assignment.id.label("assignment_id"), User.employee_id, User.email, User.name,
                   Department.name.label("department"), status_column.label("status"), Assignment.reason,
                   Assignment.change_note, Assignment.due_on, Assignment.completed_on,
                   Assignment.expires_on).select_from(Assignment)
    query = current_assignments(query, filters, today, thresholds, status=status_column)
    query = query.outerjoin(Department, Department.id == User.department_id)
    query = query.where(Assignment.id > after).order_by(Assignment.id).limit(limit + 1)
    return [_assignment_record(row) for row in session.execute(query)]


def assignment_changes_after(
    session: Session, scope: Scope, since: dt.datetime, today: dt.date, thresholds: Thresholds,
    after: int, limit: int,
) -> list[dict[str, Any]]:
    """Assignment rows assigned, started, completed or closed on or after `since`'s date."""
    day = since.astimezone(dt.UTC).date()
    a = Assignment
    query = (
        select(a.id, User.email, Course.slug.label("course"), a.cycle, a.reason, a.current,
               status_sql(today, thresholds).label("status"), a.assigned_on, a.started_on, a.due_on,
               a.completed_on, a.expires_on, a.closed_on, a.closed_reason)
        .join(User, User.id == a.user_id)
        .join(Course, Course.id == a.course_id)
        .where(a.id > after, or_(a.assigned_on >= day, a.started_on >= day, a.completed_on >= day,
                                 a.closed_on >= day))
        .order_by(a.id).limit(limit + 1)
    )
    return [dict(row._mapping) for row in session.execute(_scoped(query, scope))]


def completion_changes_after(
    session: Session, scope: Scope, since: dt.datetime, after: int, limit: int
) -> list[dict[str, Any]]:
    """Module completions at or after `since`: who, which version of what, when, what score."""
    mc = ModuleCompletion
    query = (
        select(mc.id, User.email, Course.slug.label("course"), Module.slug.label("module"),
               ModuleVersion.number.label("version"), ModuleVersion.content_hash, mc.method, mc.score,
               mc.completed_at)
        .join(User, User.id == mc.user_id)
        .join(Module, Module.id == mc.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(ModuleVersion, ModuleVersion.id == mc.module_version_id)
        .where(mc.id > after, mc.completed_at >= since)
        .order_by(mc.id).limit(limit + 1)
    )
    return [dict(row._mapping) for row in session.execute(_scoped(query, scope))]
