"""Who acknowledged what: regulation updates and policy versions, for HR, the API and exports.

Each person stands in one of three states towards a regulation update or a policy version:

- **acknowledged** (with when): they acknowledged the update, or that very policy version;
- **outstanding**: they still have to, and the due date has not passed;
- **overdue**: they still have to, and the due date has passed (the due date itself is not
  overdue, as everywhere in Trainer).

A regulation update's tasks are its `UpdateAcknowledgement` rows. A policy's current version
is outstanding for people with an open cycle (not completed, not closed) of its course whose
cycle has no acknowledgement that counts (the compliance engine's rule: a version at or
above the module's major floor, made since the cycle began counting); older versions list
who acknowledged them. Counts and lists are of active people within the
filter (HR scope, department, manager), as every HR figure is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, case, cast, exists, func, literal, null, or_, select
from sqlalchemy.orm import Session

from trainer.models import (
    Assignment,
    Course,
    Department,
    Module,
    ModuleCompletion,
    ModuleVersion,
    RegulationUpdate,
    UpdateAcknowledgement,
    User,
)
from trainer.people.scope import restrict_to_scope
from trainer.reports.filters import ReportFilter, people_condition

Rows = Select[*tuple[Any, ...]]
ACK_STATUSES = ("acknowledged", "outstanding", "overdue")
ACK_LABELS = {"acknowledged": "Acknowledged", "outstanding": "Outstanding", "overdue": "Overdue"}


@dataclasses.dataclass(frozen=True)
class AckCounts:
    acknowledged: int = 0
    outstanding: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.acknowledged + self.outstanding + self.overdue


@dataclasses.dataclass(frozen=True)
class UpdateSummary:
    update: RegulationUpdate
    counts: AckCounts


@dataclasses.dataclass(frozen=True)
class PolicySummary:
    version: ModuleVersion
    course: Course
    current: bool  # only the current version can be outstanding
    counts: AckCounts


def _status(acknowledged_at: Any, due_on: Any, today: dt.date) -> ColumnElement[str]:
    return case((acknowledged_at.is_not(None), literal("acknowledged")),
                (due_on < today, literal("overdue")), else_=literal("outstanding"))


def _people(query: Rows, filters: ReportFilter) -> Rows:
    query = query.where(User.active.is_(True), *people_condition(filters))
    return restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)


def _counts(session: Session, rows: Rows) -> AckCounts:
    sub = rows.subquery()
    counted = session.execute(select(sub.c.status, func.count()).group_by(sub.c.status))
    found = {state: n for state, n in counted}
    return AckCounts(**{s: int(found.get(s, 0)) for s in ACK_STATUSES})


# --- regulation updates ------------------------------------------------------------------

def acknowledge_updates(session: Session) -> list[RegulationUpdate]:
    """Published updates that ask people to acknowledge them, newest first."""
    return list(session.scalars(
        select(RegulationUpdate).where(RegulationUpdate.action == "acknowledge",
                                       RegulationUpdate.published_at.is_not(None))
        .order_by(RegulationUpdate.published_at.desc(), RegulationUpdate.id.desc())))


def update_rows(update_id: int, filters: ReportFilter, today: dt.date,
                status: str | None = None) -> Rows:
    """One row per person with a task for the update: who, assigned, due, when acknowledged, status."""
    ua = UpdateAcknowledgement
    state = _status(ua.acknowledged_at, ua.due_on, today)
    query = (
        select(User.id.label("user_id"), User.name, User.employee_id, User.email,
               Department.name.label("department"), ua.assigned_on, ua.due_on, ua.acknowledged_at,
               state.label("status"))
        .select_from(ua)
        .join(User, User.id == ua.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(ua.regulation_update_id == update_id)
        .order_by(User.name, User.id)
    )
    if status:
        query = query.where(state == status)
    return _people(query, filters)


def update_summaries(session: Session, filters: ReportFilter, today: dt.date) -> list[UpdateSummary]:
    return [UpdateSummary(u, _counts(session, update_rows(u.id, filters, today)))
            for u in acknowledge_updates(session)]


# --- policy versions -----------------------------------------------------------------------

def policy_versions(session: Session) -> list[ModuleVersion]:
    """Every version of every policy module of a live course: current ones first per module."""
    return list(session.scalars(
        select(ModuleVersion).join(Module, Module.id == ModuleVersion.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(ModuleVersion.kind == "policy", Course.retired_at.is_(None), Module.retired_at.is_(None))
        .order_by(Course.slug, Module.position, Module.id, ModuleVersion.number.desc())))


def policy_rows(version: ModuleVersion, filters: ReportFilter, today: dt.date,
                status: str | None = None) -> Rows:
    """People who acknowledged this version (when), and, for the current version, people with
    an open cycle of its course who have not: outstanding or overdue by the cycle's due date."""
    mc = ModuleCompletion
    acknowledged = (
        select(User.id.label("user_id"), User.name, User.employee_id, User.email,
               Department.name.label("department"), cast(null(), Date).label("assigned_on"),
               cast(null(), Date).label("due_on"),
               func.min(mc.completed_at).label("acknowledged_at"), literal("acknowledged").label("status"))
        .select_from(mc)
        .join(User, User.id == mc.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(mc.module_version_id == version.id)
        .group_by(User.id, User.name, User.employee_id, User.email, Department.name)
    )
    parts = [] if status not in (None, "acknowledged") else [_people(acknowledged, filters)]
    if version.module.current_version_id == version.id and status != "acknowledged":
        parts.append(_open_cycles(version, filters, today, status))
    if not parts:
        return _people(acknowledged, filters).where(literal(False))
    union = parts[0] if len(parts) == 1 else parts[0].union_all(parts[1])
    sub = union.subquery("policy_people")
    return select(*sub.c).order_by(sub.c.name, sub.c.user_id)


def _open_cycles(version: ModuleVersion, filters: ReportFilter, today: dt.date,
                 status: str | None) -> Rows:
    a, mc, module = Assignment, ModuleCompletion, version.module
    # The compliance engine's rule (compliance/progress.py): an acknowledgement counts for the
    # cycle if its version is at or above the module's major floor and it was made on or after
    # the cycle's counts_from. (SQLite compares the stored texts, which sort as the dates do.)
    done = exists(
        select(mc.id).join(ModuleVersion, ModuleVersion.id == mc.module_version_id)
        .where(mc.user_id == a.user_id, mc.module_id == module.id, ModuleVersion.number >= module.major_floor,
               or_(a.counts_from.is_(None), mc.completed_at >= a.counts_from))
    )
    state = case((a.due_on < today, literal("overdue")), else_=literal("outstanding"))
    query = (
        select(User.id.label("user_id"), User.name, User.employee_id, User.email,
               Department.name.label("department"), a.assigned_on, a.due_on,
               null().label("acknowledged_at"), state.label("status"))
        .select_from(a)
        .join(User, User.id == a.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(a.course_id == version.module.course_id, a.current.is_(True), a.completed_on.is_(None),
               a.closed_on.is_(None), ~done)
    )
    if status in ("outstanding", "overdue"):
        query = query.where(state == status)
    return _people(query, filters)


def policy_summaries(session: Session, filters: ReportFilter, today: dt.date) -> list[PolicySummary]:
    return [PolicySummary(v, v.module.course, v.module.current_version_id == v.id,
                          _counts(session, policy_rows(v, filters, today)))
            for v in policy_versions(session)]


# --- one person ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PersonAcknowledgement:
    kind: str  # regulation_update | policy
    subject: str
    version: int | None
    due_on: dt.date | None
    acknowledged_at: dt.datetime | None
    status: str


def person_acknowledgements(session: Session, user_id: int, today: dt.date) -> list[PersonAcknowledgement]:
    """A person's regulation-update tasks and policy acknowledgements, newest first."""
    ua = UpdateAcknowledgement
    updates = [
        PersonAcknowledgement("regulation_update", f"{u.regulation}: {u.title}", None, task.due_on,
                              task.acknowledged_at, _python_status(task.acknowledged_at, task.due_on, today))
        for task, u in session.execute(
            select(ua, RegulationUpdate)
            .join(RegulationUpdate, RegulationUpdate.id == ua.regulation_update_id)
            .where(ua.user_id == user_id).order_by(ua.assigned_on.desc(), ua.id.desc()))
    ]
    mc = ModuleCompletion
    policies = [
        PersonAcknowledgement("policy", f"{course}: {title}", number, None, when, "acknowledged")
        for course, title, number, when in session.execute(
            select(Course.title, ModuleVersion.title, ModuleVersion.number, mc.completed_at)
            .join(ModuleVersion, ModuleVersion.id == mc.module_version_id)
            .join(Module, Module.id == mc.module_id).join(Course, Course.id == Module.course_id)
            .where(mc.user_id == user_id, mc.method == "acknowledgement")
            .order_by(mc.completed_at.desc(), mc.id.desc()))
    ]
    return updates + policies


def _python_status(acknowledged_at: dt.datetime | None, due_on: dt.date, today: dt.date) -> str:
    if acknowledged_at is not None:
        return "acknowledged"
    return "overdue" if due_on < today else "outstanding"


def outstanding_people(session: Session, rows: Rows) -> list[int]:
    """The ids of the people a list's rows name as outstanding or overdue."""
    sub = rows.subquery()
    return list(session.scalars(select(sub.c.user_id).where(sub.c.status.in_(("outstanding", "overdue")))
                                .distinct()))

