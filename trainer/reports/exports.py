"""Exports for HR and auditors, as streams: the completion matrix, the audit evidence for a
date range, and lists of assignments (the overdue list among them).

Each export is a header plus rows read through a server-side cursor (`yield_per`), and is
written as CSV or JSON by trainer.reports.streaming. Starting one records "report.exported".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator
from operator import itemgetter
from typing import Any, TypeVarTuple

from sqlalchemy import Date, Select, and_, case, func, literal, null, select
from sqlalchemy.orm import Session, aliased

from trainer import audit
from trainer.audit import Actor
from trainer.compliance.status import Thresholds, pending_update, pending_update_sql, status_sql
from trainer.models import (
    Assignment,
    Certificate,
    Course,
    Department,
    Module,
    ModuleCompletion,
    ModuleVersion,
    QuizAttempt,
    RegulationUpdate,
    UpdateAcknowledgement,
    User,
)
from trainer.notify.days import days_between
from trainer.people.scope import restrict_to_scope
from trainer.reports import assignments
from trainer.reports.assignments import assignment_rows_query, days_overdue
from trainer.reports.filters import ReportFilter, has_matching_assignment, people_condition
from trainer.reports.streaming import csv_chunks, csv_query_chunks, json_chunks, neutral_sql

FORMATS = ("csv", "json")
CURSOR_ROWS = 2000
PERSON_COLUMNS = ("employee_id", "email", "name", "department", "job_role", "manager_email")
MATRIX_CELLS = ("status", "pending", "due_on", "completed_on", "expires_on")
Manager = aliased(User, name="manager")
Columns = TypeVarTuple("Columns")


@dataclasses.dataclass(frozen=True)
class Export:
    """A named export: its file name and its text, produced lazily chunk by chunk."""

    filename: str
    media_type: str
    chunks: Iterator[str]


def record_export(session: Session, actor: Actor, report: str, fmt: str, filters: ReportFilter,
                  **details: Any) -> None:
    """Audit that `actor` exported `report` (before the rows are read)."""
    audit.record(session, actor, "report.exported", report=report, format=fmt,
                 filters=filters.describe(), **details)


def _stream(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Any]:
    """Rows as plain tuples through a server-side cursor, on the session's connection (Core
    execution: no ORM row processing, which would cost more than writing the CSV)."""
    result = session.connection().execute(query, execution_options={"yield_per": CURSOR_ROWS})
    for partition in result.partitions():
        yield from partition


def _export(name: str, fmt: str, header: list[str], rows: Iterator[list[Any]], head: dict[str, Any],
            key: str, as_of: dt.date) -> Export:
    stamp = f"as-of-{as_of.isoformat()}"
    if fmt == "csv":
        return Export(f"{name}-{stamp}.csv", "text/csv", csv_chunks(header, rows))
    records = (dict(zip(header, row, strict=True)) for row in rows)
    return Export(f"{name}-{stamp}.json", "application/json", json_chunks(head, [(key, records)]))


# --- completion matrix -----------------------------------------------------------------

def completion_matrix(
    session: Session, fmt: str, filters: ReportFilter, today: dt.date, thresholds: Thresholds
) -> Export:
    """One row per active person the filter admits, with each course's status and dates."""
    courses = _matrix_courses(session, filters)
    rows = _matrix_rows(_stream(session, _matrix_query(filters, today, thresholds)), courses)
    stamp = f"as-of-{today.isoformat()}"
    if fmt == "csv":
        header = ["as_of", *PERSON_COLUMNS,
                  *(f"{slug} {cell}" for _, slug, _ in courses for cell in MATRIX_CELLS)]
        return Export(f"completion-{stamp}.csv", "text/csv",
                      csv_chunks(header, ([today, *row] for row in rows)))
    head = {"report": "completion", "as_of": today, "filters": filters.describe(),
            "courses": [{"slug": slug, "title": title} for _, slug, title in courses]}
    records = (_matrix_record(row, courses) for row in rows)
    return Export(f"completion-{stamp}.json", "application/json",
                  json_chunks(head, [("employees", records)]))


def _matrix_courses(session: Session, filters: ReportFilter) -> list[tuple[int, str, str]]:
    query = select(Course.id, Course.slug, Course.title).where(Course.retired_at.is_(None))
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    return [(id_, slug, title) for id_, slug, title in session.execute(query.order_by(Course.slug))]


def _matrix_query(filters: ReportFilter, today: dt.date, thresholds: Thresholds) -> Select[*tuple[Any, ...]]:
    joined = [Assignment.user_id == User.id, Assignment.current.is_(True)]
    if filters.course_id:
        joined.append(Assignment.course_id == filters.course_id)
    query = (
        select(User.id.label("user_id"), User.employee_id, User.email, User.name,
               Department.name.label("department"), User.job_role, Manager.email.label("manager_email"),
               Assignment.course_id, status_sql(today, thresholds).label("status"), Assignment.reason,
               Assignment.change_note, Assignment.due_on, Assignment.completed_on, Assignment.expires_on)
        .select_from(User)
        .outerjoin(Assignment, and_(*joined))
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Manager, Manager.id == User.manager_id)
        .where(User.active.is_(True), *people_condition(filters))
        .order_by(User.name, User.id, Assignment.course_id)
    )
    query = restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)
    if filters.status:
        query = query.where(has_matching_assignment(filters, today, thresholds))
    return query


def matrix_cells(row: Any) -> list[Any]:
    """One course's cells of a person's row: status, pending update, due, completed, expiry
    (completed assignments only)."""
    return [row.status, pending_update(row.reason, row.completed_on, row.change_note), row.due_on,
            row.completed_on, row.expires_on if row.completed_on else None]


def _matrix_rows(stream: Iterator[Any], courses: list[tuple[int, str, str]]) -> Iterator[list[Any]]:
    """One list per person: their person columns, then the cells of each course (None if not
    assigned). The query's rows come ordered by person, one per assignment."""
    width, people = len(MATRIX_CELLS), len(PERSON_COLUMNS)
    offsets = {course_id: people + i * width for i, (course_id, _, _) in enumerate(courses)}
    blank = [None] * (width * len(courses))
    for _, group in itertools.groupby(stream, key=itemgetter(0)):
        first = next(group)
        values = [*first[1:1 + people], *blank]
        for row in itertools.chain((first,), group):
            offset = offsets.get(row.course_id)
            if offset is not None:
                values[offset:offset + width] = matrix_cells(row)
        yield values


def _matrix_record(values: list[Any], courses: list[tuple[int, str, str]]) -> dict[str, Any]:
    width, people = len(MATRIX_CELLS), len(PERSON_COLUMNS)
    record: dict[str, Any] = dict(zip(PERSON_COLUMNS, values, strict=False))
    record["courses"] = {}
    for i, (_, slug, _) in enumerate(courses):
        cells = values[people + i * width:people + (i + 1) * width]
        if cells[0] is not None:
            record["courses"][slug] = dict(zip(MATRIX_CELLS, cells, strict=True))
    return record


# --- audit evidence --------------------------------------------------------------------

EVIDENCE_COLUMNS = ["as_of", "kind", "completed", "employee_id", "email", "name", "department", "course",
                    "course_title", "module", "module_title", "version", "content_hash", "method", "score",
                    "attempts", "cycle", "reason", "expires_on", "certificate"]


def audit_evidence(
    session: Session, fmt: str, filters: ReportFilter, start: dt.date, end: dt.date, today: dt.date
) -> Export:
    """Who completed which version of what, when, with what score, between two dates
    (inclusive): every module completion, then every course (assignment) completion.
    `today` is the as-of date the export names."""
    head = {"report": "evidence", "as_of": today, "from": start, "to": end,
            "filters": filters.describe()}
    stamp = f"{start.isoformat()}-to-{end.isoformat()}-as-of-{today.isoformat()}"
    if fmt == "csv":
        rows = itertools.chain(_module_rows(session, filters, start, end),
                               _course_rows(session, filters, start, end),
                               _update_acknowledgement_rows(session, filters, start, end))
        return Export(f"evidence-{stamp}.csv", "text/csv",
                      csv_chunks(EVIDENCE_COLUMNS, ([today, *row] for row in rows)))
    sections = [
        ("module_completions", _records(_module_rows(session, filters, start, end))),
        ("course_completions", _records(_course_rows(session, filters, start, end))),
        ("update_acknowledgements", _records(_update_acknowledgement_rows(session, filters, start, end))),
    ]
    return Export(f"evidence-{stamp}.json", "application/json", json_chunks(head, sections))


def _records(rows: Iterator[list[Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield {k: v for k, v in zip(EVIDENCE_COLUMNS[1:], row, strict=True) if k != "kind" and v is not None}


def _evidence_people(query: Select[*Columns], filters: ReportFilter) -> Select[*Columns]:
    """Leavers stay in evidence: no `active` condition here."""
    query = query.where(*people_condition(filters))
    return restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)


def _module_rows(
    session: Session, filters: ReportFilter, start: dt.date, end: dt.date
) -> Iterator[list[Any]]:
    since = dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    mc = ModuleCompletion
    query = (
        select(mc.completed_at, User.employee_id, User.email, User.name, Department.name, Course.slug,
               Course.title, Module.slug, ModuleVersion.title, ModuleVersion.number,
               ModuleVersion.content_hash, mc.method, mc.score, _attempts_to_pass())
        .join(User, User.id == mc.user_id)
        .join(ModuleVersion, ModuleVersion.id == mc.module_version_id)
        .join(Module, Module.id == mc.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(mc.completed_at >= since, mc.completed_at < until)
        .order_by(mc.completed_at, mc.id)
    )
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    for row in _stream(session, _evidence_people(query, filters)):
        yield ["module", *row, None, None, None, None]


def _course_rows(
    session: Session, filters: ReportFilter, start: dt.date, end: dt.date
) -> Iterator[list[Any]]:
    a = Assignment
    query = (
        select(a.completed_on, User.employee_id, User.email, User.name, Department.name, Course.slug,
               Course.title, a.cycle, a.reason, a.expires_on, Certificate.code)
        .join(User, User.id == a.user_id)
        .join(Course, Course.id == a.course_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Certificate, Certificate.assignment_id == a.id)
        .where(a.completed_on >= start, a.completed_on <= end)
        .order_by(a.completed_on, a.id)
    )
    if filters.course_id:
        query = query.where(a.course_id == filters.course_id)
    for (done, employee_id, email, name, department, slug, title, cycle, reason, expires,
         code) in _stream(session, _evidence_people(query, filters)):
        yield ["course", done, employee_id, email, name, department, slug, title, None, None, None,
               None, None, None, None, cycle, reason, expires, code]


def _attempts_to_pass() -> Any:
    """How many submitted attempts of this version, in the passing attempt's cycle, it took to
    pass (None for an acknowledgement): part of the evidence of a quiz pass."""
    passing = aliased(QuizAttempt)
    counted = (
        select(func.count(QuizAttempt.id))
        .where(passing.id == ModuleCompletion.attempt_id, QuizAttempt.user_id == passing.user_id,
               QuizAttempt.module_version_id == passing.module_version_id,
               func.coalesce(QuizAttempt.assignment_id, 0) == func.coalesce(passing.assignment_id, 0),
               QuizAttempt.submitted_at.is_not(None), QuizAttempt.id <= passing.id)
        .correlate(ModuleCompletion).scalar_subquery()
    )
    return case((ModuleCompletion.attempt_id.is_(None), null()), else_=counted)


def _update_acknowledgement_rows(
    session: Session, filters: ReportFilter, start: dt.date, end: dt.date
) -> Iterator[list[Any]]:
    """Regulation updates acknowledged in the period (not tied to a course: none with a course
    filter). The update is named in module_title, as "GDPR Art. 33: title"."""
    if filters.course_id:
        return
    ua = UpdateAcknowledgement
    since = dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    query = (
        select(ua.acknowledged_at, User.employee_id, User.email, User.name, Department.name,
               RegulationUpdate.regulation, RegulationUpdate.title)
        .join(User, User.id == ua.user_id)
        .join(RegulationUpdate, RegulationUpdate.id == ua.regulation_update_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(ua.acknowledged_at >= since, ua.acknowledged_at < until)
        .order_by(ua.acknowledged_at, ua.id)
    )
    for when, employee_id, email, name, department, regulation, title in _stream(
            session, _evidence_people(query, filters)):
        yield ["update_acknowledgement", when, employee_id, email, name, department, None, None, None,
               f"{regulation}: {title}", None, None, "acknowledgement", None, None, "regulation_update",
               None, None]


# --- assignment lists --------------------------------------------------------------------

ASSIGNMENT_COLUMNS = ["as_of", "employee_id", "name", "email", "department", "manager", "manager_email",
                      "course", "status", "pending", "assigned_on", "due_on", "completed_on",
                      "expires_on", "days_overdue"]


def assignment_list(
    session: Session, fmt: str, filters: ReportFilter, today: dt.date, thresholds: Thresholds,
    *, name: str = "assignments", overdue_first: bool = False,
) -> Export:
    """The rows of an HR list (the overdue list, or the list behind a dashboard number).

    "pending" names an open reopened cycle and its change note; an expiry date is given only
    for completed assignments (an open cycle's carried-over date is not one)."""
    if fmt == "csv":
        query = _assignment_csv_query(filters, today, thresholds, overdue_first)
        return Export(f"{name}-as-of-{today.isoformat()}.csv", "text/csv",
                      csv_query_chunks(session, ASSIGNMENT_COLUMNS, query))
    rows = assignment_list_rows(session, filters, today, thresholds, overdue_first)
    head = {"report": name, "as_of": today, "filters": filters.describe()}
    return _export(name, fmt, ASSIGNMENT_COLUMNS, rows, head, "assignments", today)


def assignment_list_rows(
    session: Session, filters: ReportFilter, today: dt.date, thresholds: Thresholds, overdue_first: bool
) -> Iterator[list[Any]]:
    """The list's rows by the Python rules (the JSON records; the CSV's reference)."""
    query = assignment_rows_query(filters, today, thresholds, overdue_first=overdue_first)
    for r in _stream(session, query):
        yield [today, r.employee_id, r.name, r.email, r.department, r.manager_name, r.manager_email,
               r.course, r.status, pending_update(r.reason, r.completed_on, r.change_note), r.assigned_on,
               r.due_on, r.completed_on, r.expires_on if r.completed_on else None,
               days_overdue(r.due_on, today) if r.status == "overdue" else None]


def _assignment_csv_query(
    filters: ReportFilter, today: dt.date, thresholds: Thresholds, overdue_first: bool
) -> Select[*tuple[Any, ...]]:
    """The list's rows as the CSV cells of ASSIGNMENT_COLUMNS, computed by the database (the
    JSON records above say the same in Python; a test holds the CSV to the Python rules
    byte for byte): the CSV is then written with no Python per row, at close to the speed
    the database reads the rows (issue 20)."""
    status = status_sql(today, thresholds)
    a, person, manager = Assignment, User, assignments.Manager
    return assignment_rows_query(filters, today, thresholds, overdue_first=overdue_first).with_only_columns(
        literal(today, Date()), neutral_sql(person.employee_id), neutral_sql(person.name),
        neutral_sql(person.email), neutral_sql(Department.name), neutral_sql(manager.name),
        neutral_sql(manager.email), neutral_sql(Course.title), status, pending_update_sql(),
        a.assigned_on, a.due_on, a.completed_on, case((a.completed_on.is_not(None), a.expires_on)),
        case((status == "overdue", days_between(today, a.due_on))),
    )
