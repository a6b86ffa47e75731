"""Compliance over the last twelve months: reconstructed from history, kept as snapshots.

Assignment rows are history: each has assigned_on, completed_on, expires_on, closed_on and
a cycle, and a cycle stops being current when it is closed or the next cycle is assigned.
So the status of every row on a past day d can be recomputed: it was "in force" on d if it
was assigned by then and neither closed nor superseded, and its status on d is
status_sql(d) applied to the row as it stood on d (dates after d masked out).

Recomputing twelve months scans all history twelve times over, which at 50,000 people
takes seconds; past months do not change, so `take_snapshots` stores them once (run
`trainer report snapshot` from cron) and the dashboard reads them. Months without a
snapshot, and filters a snapshot cannot answer (a manager's team), are reconstructed live.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    MetaData,
    Select,
    Table,
    and_,
    case,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause, Subquery
from sqlalchemy.sql.visitors import replacement_traverse

from trainer import audit, clock
from trainer.audit import Actor
from trainer.compliance.status import COMPLIANT, Thresholds, status_sql
from trainer.models import Assignment, ComplianceSnapshot, User
from trainer.people.scope import restrict_to_scope
from trainer.percent import percent
from trainer.reports.figures import Figures
from trainer.reports.filters import NO_DEPARTMENT, ReportFilter, people_condition

MONTHS = 12
Counts = tuple[int, int]  # (assigned, compliant)


@dataclasses.dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    assigned: int
    compliant: int

    @property
    def percent(self) -> int | None:
        return percent(self.compliant, self.assigned) if self.assigned else None


def month_ends(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The last day of each of the `months - 1` months before today's, then today."""
    days = []
    year, month = today.year, today.month
    for _ in range(months - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        days.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return [*reversed(days), today]


def compliance_trend(
    session: Session, today: dt.date, thresholds: Thresholds, filters: ReportFilter,
    today_figures: Figures,
) -> list[TrendPoint]:
    """Twelve points: past month ends from snapshots (or history), then today's figures.

    A status filter does not apply: the trend is of the filtered people's compliance.
    """
    filters = dataclasses.replace(filters, status=None)
    past = month_ends(today)[:-1]
    stored = {} if filters.manager_id else _from_snapshots(session, past, filters)
    missing = [d for d in past if d not in stored]
    live = reconstruct(session, missing, thresholds, filters) if missing else {}
    points = [TrendPoint(d, *(stored.get(d) or live.get(d) or (0, 0))) for d in past]
    return [*points, TrendPoint(today, today_figures.assigned, today_figures.compliant)]


def take_snapshots(session: Session, actor: Actor, today: dt.date, thresholds: Thresholds) -> list[dt.date]:
    """Store the month ends of the past year that have no snapshot yet; returns them."""
    past = month_ends(today)[:-1]
    taken = set(session.scalars(
        select(ComplianceSnapshot.month_end).where(ComplianceSnapshot.month_end.in_(past)).distinct()
    ))
    missing = [d for d in past if d not in taken]
    if not missing:
        return []
    now = clock.now()
    rows = [{"month_end": d, "department_id": NO_DEPARTMENT, "course_id": 0, "assigned": 0,
             "compliant": 0, "taken_at": now} for d in missing]
    for (day, department_id, course_id), (assigned, compliant) in reconstruct(
        session, missing, thresholds, ReportFilter(), by_group=True
    ).items():
        if assigned:
            rows.append({"month_end": day, "department_id": department_id, "course_id": course_id,
                         "assigned": assigned, "compliant": compliant, "taken_at": now})
    session.execute(insert(ComplianceSnapshot), rows)
    audit.record(session, actor, "report.snapshot_taken", months=[d.isoformat() for d in missing])
    return missing


def _from_snapshots(session: Session, days: list[dt.date], filters: ReportFilter) -> dict[dt.date, Counts]:
    """(assigned, compliant) of the filtered groups on each day that has a snapshot."""
    query = _snapshot_sums(tuple(days), filters)
    return {day: (int(a or 0), int(c or 0)) for day, a, c in session.execute(query)}


@functools.lru_cache(maxsize=64)
def _snapshot_sums(days: tuple[dt.date, ...], filters: ReportFilter) -> Select[dt.date, Any, Any]:
    """One statement: every snapshot has a marker row (course 0) that no filter admits, so a
    day with a snapshot is present even where the filter leaves nothing to sum. Built once
    per month ends and filter."""
    s = ComplianceSnapshot
    admitted = [s.course_id != 0]
    if filters.department_id is not None:
        admitted.append(s.department_id == filters.department_id)
    if filters.scope is not None:
        admitted.append(s.department_id.in_(filters.scope))
    if filters.course_id:
        admitted.append(s.course_id == filters.course_id)
    condition = and_(*admitted)
    return (select(s.month_end, func.sum(case((condition, s.assigned), else_=0)),
                   func.sum(case((condition, s.compliant), else_=0)))
            .where(s.month_end.in_(days)).group_by(s.month_end))


def reconstruct(
    session: Session, days: list[dt.date], thresholds: Thresholds, filters: ReportFilter,
    *, by_group: bool = False, history: FromClause | None = None,
) -> dict[Any, Counts]:
    """(assigned, compliant) on each day, from assignment history, in one scan.

    Keys are days, or (day, department id, course id) with `by_group`. `history`: the
    filters' history already written down (`history_table`), else it is computed here.
    """
    history = assignment_history(filters) if history is None else history
    h = history.c
    columns: list[ColumnElement[Any]] = []
    for day in days:
        in_force = in_force_on(h, day)
        compliant = and_(in_force, status_as_of(day, thresholds, history).in_(COMPLIANT))
        columns += [func.sum(case((in_force, 1), else_=0)), func.sum(case((compliant, 1), else_=0))]
    groups = [h.department_id, h.course_id] if by_group else []
    result: dict[Any, Counts] = {}
    for row in session.execute(select(*groups, *columns).group_by(*groups)):
        key, sums = tuple(row[:len(groups)]), row[len(groups):]
        for i, day in enumerate(days):
            result[(day, *key) if by_group else day] = (int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0))
    return result


def status_as_of(day: dt.date, thresholds: Thresholds, history: FromClause) -> ColumnElement[str]:
    """status_sql(day) over a history row as it stood on `day`: later dates masked out."""
    h = history.c
    table = Assignment.__table__
    masked = {name: case((h[name] <= day, h[name])) for name in ("completed_on", "closed_on", "started_on")}

    def replace(element: Any, **kw: Any) -> Any:
        if getattr(element, "table", None) is table and element.name in h:
            return masked.get(element.name, h[element.name])
        return None

    return replacement_traverse(status_sql(day, thresholds), {}, replace)


def assignment_history(filters: ReportFilter) -> Subquery:
    """Every assignment row of the filtered people (leavers too), with when its next cycle
    was assigned."""
    a = Assignment
    next_assigned = func.lead(a.assigned_on, type_=Date).over(partition_by=(a.user_id, a.course_id),
                                                              order_by=a.cycle)
    department = func.coalesce(User.department_id, NO_DEPARTMENT).label("department_id")
    query = (
        select(a.id, a.user_id, a.cycle, a.course_id, a.reason, a.assigned_on, a.due_on, a.started_on,
               a.completed_on, a.expires_on, a.closed_on, a.closed_reason, department,
               next_assigned.label("next_assigned_on"))
        .join(User, User.id == a.user_id)
        .where(*people_condition(filters))
    )
    query = restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)
    if filters.course_id:
        query = query.where(a.course_id == filters.course_id)
    return query.subquery("history")


HISTORY_TABLE = "report_history"


@contextlib.contextmanager
def history_table(session: Session, filters: ReportFilter) -> Iterator[Table]:
    """`assignment_history(filters)` written once into a temporary table, for work that
    reads it several times: the auditor pack reads it six times, and each read computes
    the window over every assignment (at 50,000 people ~1 s on SQLite, ~0.6 s on
    PostgreSQL, against 0.1-0.2 s to scan the table). The table lives on the session's
    connection, where every query of the work runs; it is dropped afterwards."""
    source = assignment_history(filters)
    table = Table(HISTORY_TABLE, MetaData(), *(Column(c.name, c.type) for c in source.c),
                  prefixes=["TEMPORARY"])
    connection = session.connection()
    # A pack that failed half-way on a pooled SQLite connection may have left one behind.
    connection.execute(text(f"DROP TABLE IF EXISTS {HISTORY_TABLE}"))
    table.create(connection)
    connection.execute(insert(table).from_select([c.name for c in source.c], select(source)))
    if connection.dialect.name == "postgresql":
        # Statistics, so that the joins to people and courses are planned for its size.
        connection.execute(text(f"ANALYZE {HISTORY_TABLE}"))
    yield table
    # Not on an error: PostgreSQL's rollback takes the table with it (and would refuse the
    # DROP in an aborted transaction); on SQLite the next use drops it first.
    connection.execute(text(f"DROP TABLE IF EXISTS {HISTORY_TABLE}"))


def in_force_on(h: Any, day: dt.date) -> ColumnElement[bool]:
    """The history row was the person's cycle of the course on `day`."""
    return and_(h.assigned_on <= day,
                or_(h.closed_on.is_(None), h.closed_on > day),
                or_(h.next_assigned_on.is_(None), h.next_assigned_on > day))

