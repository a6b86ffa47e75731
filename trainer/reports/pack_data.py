"""What the auditor pack's CSV files hold: rows read from history as of one date.

Every query here reads the record as it stood at the end of the as-of day: dates after it
are masked, notifications not yet sent are not counted, and status comes from
`trend.status_as_of`, the same expression the dashboard's trend uses. Leavers are never
left out (no `active` condition): after retention they appear under their pseudonym.
Rows are ordered by stable keys only, so the same data always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from trainer.compliance.status import Thresholds
from trainer.models import (
    Certificate,
    Course,
    Department,
    Module,
    ModuleCompletion,
    ModuleVersion,
    ModuleVisit,
    Notification,
    QuizAttempt,
    RegulationUpdate,
    UpdateAcknowledgement,
    User,
)
from trainer.people.scope import restrict_to_scope
from trainer.reports.filters import ReportFilter, people_condition
from trainer.reports.streaming import words
from trainer.reports.trend import assignment_history, in_force_on, status_as_of

PERSON = ["person", "employee_id", "department"]
MATRIX_CELLS = ("status", "due_on", "completed_on", "expires_on")


@dataclasses.dataclass(frozen=True)
class Period:
    """The pack's period (inclusive) and the day its figures are as of (not before `end`)."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def since(self) -> dt.datetime:
        return _midnight(self.start)

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period."""
        return _midnight(self.end + dt.timedelta(days=1))

    @property
    def cutoff(self) -> dt.datetime:
        """The first instant after the as-of day: nothing later is evidence here."""
        return _midnight(self.as_of + dt.timedelta(days=1))


def pack_period(start: dt.date, end: dt.date, as_of: dt.date | None, today: dt.date) -> Period:
    """A pack's period, checked (ValueError says what is wrong). The as-of date defaults to
    the period's last day, or today if the period has not ended: a pack of a past period
    made next month is the same pack."""
    if start > end:
        raise ValueError("The period starts after it ends.")
    day = as_of or min(end, today)
    if end > day:
        raise ValueError(f"The period ends after the as-of date {day.isoformat()}: "
                         "choose an earlier end or a later as-of date.")
    return Period(start, end, day)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def _scoped(query: Any, filters: ReportFilter) -> Any:
    query = query.where(*people_condition(filters))
    return restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)


def _rows(session: Session, query: Any) -> Iterator[Any]:
    result = session.connection().execute(query, execution_options={"yield_per": 2000})
    for partition in result.partitions():
        yield from partition


def _on_or_before(column: Any, day: dt.date) -> ColumnElement[Any]:
    return case((column <= day, column))


# --- the completion matrix as of the date ----------------------------------------------

def matrix_courses(session: Session, filters: ReportFilter, period: Period,
                   history: FromClause | None = None) -> list[tuple[int, str]]:
    """Courses anyone the filter admits had a cycle of in force on the as-of date.
    `history` here and below: the filters' history written down (`trend.history_table`)."""
    h = (assignment_history(filters) if history is None else history).c
    ids = select(h.course_id).where(in_force_on(h, period.as_of)).distinct().scalar_subquery()
    query = select(Course.id, Course.slug).where(Course.id.in_(ids))
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    return [(id_, slug) for id_, slug in session.execute(query.order_by(Course.slug))]


def matrix_header(courses: list[tuple[int, str]]) -> list[str]:
    return [*PERSON, *(f"{slug} {cell}" for _, slug in courses for cell in MATRIX_CELLS)]


def matrix_query(filters: ReportFilter, period: Period, thresholds: Thresholds,
                 history: FromClause | None = None) -> Select[Any]:
    """Each cycle in force on the as-of date, ordered by person: who (id, PERSON), the
    course's id, and its MATRIX_CELLS as they stood then (`matrix_rows` makes the matrix)."""
    history = assignment_history(filters) if history is None else history
    h = history.c
    day = period.as_of
    completed = _on_or_before(h.completed_on, day)
    query = (
        select(User.id, User.name, User.employee_id, Department.name, h.course_id,
               words(status_as_of(day, thresholds, history)), h.due_on, completed,
               case((completed.is_not(None), h.expires_on)))
        .select_from(history)
        .join(User, User.id == h.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(in_force_on(h, day))
        .order_by(User.name, User.id, h.course_id)
    )
    if filters.course_id:
        query = query.where(h.course_id == filters.course_id)
    return query


def matrix_rows(rows: Iterable[Sequence[Any]], courses: list[tuple[int, str]]) -> Iterator[list[Any]]:
    """One row per person of `rows` (matrix_query's): PERSON, then each course's
    MATRIX_CELLS (empty where the person had no cycle of it in force)."""
    offsets = {course_id: len(PERSON) + i * len(MATRIX_CELLS) for i, (course_id, _) in enumerate(courses)}
    current: list[Any] | None = None
    current_id = None
    for user_id, name, employee_id, department, course_id, *cells in rows:
        if user_id != current_id:
            if current is not None:
                yield current
            current_id, current = user_id, [name, employee_id, department,
                                            *([None] * (len(MATRIX_CELLS) * len(courses)))]
        offset = offsets.get(course_id)
        if offset is not None and current is not None:
            current[offset:offset + len(MATRIX_CELLS)] = cells
    if current is not None:
        yield current


# --- course cycles: each assignment that was open or done in the period -----------------

CYCLE_COLUMNS = [*PERSON, "course", "cycle", "reason", "assigned_on", "due_on", "started_on", "completed_on",
                 "expires_on", "closed_on", "closed_reason", "status_as_of", "reminders_sent",
                 "escalations_sent", "certificate"]


def sent_counts(period: Period) -> Any:
    """Per assignment: reminders and escalations sent by the as-of day."""
    n = Notification
    escalation = n.kind == "escalation"
    return (
        select(n.assignment_id,
               func.sum(case((escalation, 0), else_=1)).label("reminders"),
               func.sum(case((escalation, 1), else_=0)).label("escalations"))
        .where(n.assignment_id.is_not(None), n.sent_at.is_not(None), n.sent_at < period.cutoff)
        .group_by(n.assignment_id)
        .subquery("sent")
    )


def cycle_query(filters: ReportFilter, period: Period, thresholds: Thresholds,
                history: FromClause | None = None) -> Select[Any]:
    """Every cycle assigned by the period's end and not finished before it began (the rows
    of CYCLE_COLUMNS)."""
    history = assignment_history(filters) if history is None else history
    h = history.c
    day = period.as_of
    sent = sent_counts(period)
    completed = _on_or_before(h.completed_on, day)
    query = (
        select(User.name, User.employee_id, Department.name, Course.slug, h.cycle, h.reason, h.assigned_on,
               h.due_on, _on_or_before(h.started_on, day), completed,
               case((completed.is_not(None), h.expires_on)), _on_or_before(h.closed_on, day),
               case((h.closed_on <= day, h.closed_reason)),
               words(status_as_of(day, thresholds, history)),
               func.coalesce(sent.c.reminders, 0), func.coalesce(sent.c.escalations, 0),
               case((completed.is_not(None), Certificate.code)))
        .select_from(history)
        .join(User, User.id == h.user_id)
        .join(Course, Course.id == h.course_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(sent, sent.c.assignment_id == h.id)
        .outerjoin(Certificate, Certificate.assignment_id == h.id)
        .where(h.assigned_on <= period.end,
               or_(h.completed_on.is_(None), h.completed_on >= period.start),
               or_(h.closed_on.is_(None), h.closed_on >= period.start))
        .order_by(User.name, User.id, Course.slug, h.cycle)
    )
    if filters.course_id:
        query = query.where(h.course_id == filters.course_id)
    return query


# --- module completions in the period ----------------------------------------------------

COMPLETION_COLUMNS = [*PERSON, "course", "module", "version", "content_sha256", "method", "started_at",
                      "completed_at", "score", "attempts"]


def completion_query(filters: ReportFilter, period: Period) -> Select[Any]:
    """Every module completion in the period: which version, when it was first opened, how
    many quiz attempts it took (submitted up to the completion). The rows of
    COMPLETION_COLUMNS."""
    mc = ModuleCompletion
    attempts = (
        select(func.count(QuizAttempt.id))
        .where(QuizAttempt.user_id == mc.user_id, QuizAttempt.module_version_id == mc.module_version_id,
               QuizAttempt.submitted_at.is_not(None), QuizAttempt.submitted_at <= mc.completed_at)
        .correlate(mc).scalar_subquery()
    )
    query = (
        select(User.name, User.employee_id, Department.name, Course.slug, Module.slug, ModuleVersion.number,
               ModuleVersion.content_hash, mc.method, ModuleVisit.first_seen_at, mc.completed_at, mc.score,
               attempts)
        .select_from(mc)
        .join(User, User.id == mc.user_id)
        .join(ModuleVersion, ModuleVersion.id == mc.module_version_id)
        .join(Module, Module.id == mc.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(ModuleVisit, and_(ModuleVisit.user_id == mc.user_id,
                                     ModuleVisit.module_version_id == mc.module_version_id))
        .where(mc.completed_at >= period.since, mc.completed_at < period.until)
        .order_by(User.name, User.id, mc.completed_at, mc.id)
    )
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    return _scoped(query, filters)


# --- acknowledgements: policy versions and regulation updates ----------------------------

ACK_COLUMNS = [*PERSON, "kind", "subject", "version", "source_sha256", "assigned_on", "due_on",
               "acknowledged_at", "status_as_of"]


def source_sha256(source: str) -> str:
    """The SHA-256 of a version's Markdown source as the pack stores it (content/…)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def acknowledgement_rows(session: Session, filters: ReportFilter, period: Period) -> Iterator[list[Any]]:
    """Policy acknowledgements made in the period (with the SHA-256 of the exact version's
    source), then every regulation-update acknowledgement task assigned by the period's
    end: acknowledged (when), outstanding or overdue as of the date."""
    yield from _policy_acknowledgements(session, filters, period)
    yield from _update_acknowledgements(session, filters, period)


def policy_acknowledgement_query(filters: ReportFilter, period: Period) -> Select[Any]:
    """Policy acknowledgements made in the period (ix_module_completions_acknowledged)."""
    mc = ModuleCompletion
    query = (
        select(User.name, User.employee_id, Department.name, Course.slug, Module.slug, ModuleVersion.number,
               ModuleVersion.source, mc.completed_at)
        .select_from(mc)
        .join(User, User.id == mc.user_id)
        .join(ModuleVersion, ModuleVersion.id == mc.module_version_id)
        .join(Module, Module.id == mc.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(mc.method == "acknowledgement", mc.completed_at >= period.since,
               mc.completed_at < period.until)
        .order_by(User.name, User.id, mc.completed_at, mc.id)
    )
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    return _scoped(query, filters)


def _policy_acknowledgements(session: Session, filters: ReportFilter, period: Period) -> Iterator[list[Any]]:
    hashes: dict[tuple[str, str, int], str] = {}
    for name, employee_id, department, course, module, number, source, when in _rows(
            session, policy_acknowledgement_query(filters, period)):
        digest = hashes.setdefault((course, module, number), source_sha256(source))
        yield [name, employee_id, department, "policy", f"{course}/{module}", number, digest, None, None,
               when, "acknowledged"]


def _update_acknowledgements(session: Session, filters: ReportFilter, period: Period) -> Iterator[list[Any]]:
    ua = UpdateAcknowledgement
    acknowledged = ua.acknowledged_at < period.cutoff
    status = case((acknowledged, "acknowledged"), (ua.due_on < period.as_of, "overdue"), else_="outstanding")
    query = (
        select(User.name, User.employee_id, Department.name, RegulationUpdate.title,
               RegulationUpdate.regulation, ua.assigned_on, ua.due_on,
               case((acknowledged, ua.acknowledged_at)), status)
        .select_from(ua)
        .join(User, User.id == ua.user_id)
        .join(RegulationUpdate, RegulationUpdate.id == ua.regulation_update_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(ua.assigned_on <= period.end)
        .order_by(User.name, User.id, ua.assigned_on, ua.id)
    )
    for name, employee_id, department, title, regulation, assigned, due, when, state in _rows(
            session, _scoped(query, filters)):
        yield [name, employee_id, department, "regulation_update", f"{regulation}: {title}", None, None,
               assigned, due, when, state]


# --- content in force during the period --------------------------------------------------

VERSION_COLUMNS = ["course", "module", "version", "title", "kind", "change", "change_note", "published_at",
                   "source_sha256", "file"]


@dataclasses.dataclass(frozen=True)
class ContentVersion:
    course: str
    module: str
    number: int
    title: str
    kind: str
    change: str
    change_note: str
    published_at: dt.datetime
    source: str

    @property
    def path(self) -> str:
        return f"content/{self.course}/{self.module}/v{self.number}.md"

    def row(self) -> list[Any]:
        return [self.course, self.module, self.number, self.title, self.kind, self.change, self.change_note,
                self.published_at, source_sha256(self.source), self.path]


def versions_in_force(session: Session, filters: ReportFilter, period: Period) -> Iterator[ContentVersion]:
    """Each module version that was the current one at some moment of the period: published
    before the period ended, and not replaced by a version published before it began."""
    v, later = ModuleVersion, ModuleVersion.__table__.alias("later")
    replaced = (
        select(later.c.id)
        .where(later.c.module_id == v.module_id, later.c.number > v.number,
               later.c.published_at <= period.since)
        .exists()
    )
    query = (
        select(Course.slug, Module.slug, v.number, v.title, v.kind, v.change, v.change_note, v.published_at,
               v.source)
        .join(Module, Module.id == v.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(v.published_at < period.until, ~replaced,
               or_(Module.retired_at.is_(None), Module.retired_at >= period.since))
        .order_by(Course.slug, Module.slug, v.number)
    )
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    for row in _rows(session, query):
        yield ContentVersion(*row)
