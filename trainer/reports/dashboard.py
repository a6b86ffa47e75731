"""The HR dashboard's figures: compliance overall, by department and by course.

One SQL aggregate counts current assignments by (department, course, status); the totals,
departments and courses are sums of its few hundred rows, never a loop over people. It reads
the counts the database keeps (trainer/compliance/counts.py), classified as of today; only
a manager's team, which those are not kept by, is counted from the assignments themselves.
"Compliant" means status_sql() is in COMPLIANT (docs/compliance.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Row, Select, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from trainer.compliance.counts import status_of_counts
from trainer.compliance.status import Thresholds, status_sql
from trainer.models import Assignment, ComplianceCount, Course, Department, User
from trainer.reports.choices import Choices
from trainer.reports.figures import Figures
from trainer.reports.filters import NO_DEPARTMENT, ReportFilter, current_assignments


@dataclasses.dataclass(frozen=True)
class Breakdown:
    id: int
    label: str
    figures: Figures


@dataclasses.dataclass(frozen=True)
class Overview:
    total: Figures
    by_department: list[Breakdown]
    by_course: list[Breakdown]


def compliance_overview(
    session: Session, today: dt.date, thresholds: Thresholds, filters: ReportFilter,
    choices: Choices | None = None,
) -> Overview:
    """Figures of the current assignments the filter admits, on `today`.

    `choices`: the filter form's options, when the page has them anyway; their names label
    the breakdowns, so only a name not among them (a retired course's) is looked up."""
    if filters.manager_id:
        rows = live_counts_by_status(session, today, thresholds, filters)
    else:
        rows = kept_counts_by_status(session, today, thresholds, filters)
    total: Counter[str] = Counter()
    departments: dict[int, Counter[str]] = {}
    courses: dict[int, Counter[str]] = {}
    for department_id, course_id, status_name, n in rows:
        if not n:
            continue
        total[status_name] += n
        departments.setdefault(department_id, Counter())[status_name] += n
        courses.setdefault(course_id, Counter())[status_name] += n
    return Overview(
        total=Figures(dict(total)),
        by_department=_breakdown(departments, _department_names(
            session, departments, choices.departments if choices else ())),
        by_course=_breakdown(courses, _course_titles(session, courses, choices.courses if choices else ())),
    )


def kept_counts_by_status(
    session: Session, today: dt.date, thresholds: Thresholds, filters: ReportFilter
) -> Sequence[Row[int, int, str, int]]:
    """(department, course, status, n) from the kept counts."""
    return session.execute(_kept_counts_query(today, thresholds, filters)).all()


@functools.lru_cache(maxsize=64)
def _kept_counts_query(
    today: dt.date, thresholds: Thresholds, filters: ReportFilter
) -> Select[int, int, str, int]:
    """Built once per day, thresholds and filter: building the status CASE cost about as
    much as running the query on a small organisation (issue 20.2)."""
    c = ComplianceCount
    status = status_of_counts(today, thresholds).label("status")
    query = select(c.department_id, c.course_id, status, func.sum(c.n))
    if filters.department_id is not None:
        query = query.where(c.department_id == filters.department_id)
    if filters.scope is not None:  # NO_DEPARTMENT is never in a scope, as in people.scope
        query = query.where(c.department_id.in_(filters.scope) if filters.scope else false())
    if filters.course_id:
        query = query.where(c.course_id == filters.course_id)
    if filters.statuses:
        query = query.where(status.in_(filters.statuses))
    return query.group_by(c.department_id, c.course_id, status)


def live_counts_by_status(
    session: Session, today: dt.date, thresholds: Thresholds, filters: ReportFilter
) -> Sequence[Row[int, int, str, int]]:
    """The same, counted from the current assignments (for filters the counts do not keep)."""
    status = status_sql(today, thresholds).label("status")
    department = func.coalesce(User.department_id, NO_DEPARTMENT).label("department_id")
    query = select(department, Assignment.course_id, status, func.count().label("n"))
    query = current_assignments(query.select_from(Assignment), filters, today, thresholds,
                                status=status)
    return session.execute(query.group_by(department, Assignment.course_id, status)).all()


def _breakdown(counts: dict[int, Counter[str]], labels: dict[int, str]) -> list[Breakdown]:
    rows = [Breakdown(key, labels.get(key, "—"), Figures(dict(c))) for key, c in counts.items()]
    return sorted(rows, key=lambda b: b.label.lower())


Names = Iterable[tuple[int, str]]


def _department_names(session: Session, ids: Collection[int], known: Names) -> dict[int, str]:
    names = _look_up(session, Department.id, Department.name, ids, dict(known))
    return {**names, NO_DEPARTMENT: "No department"}


def _course_titles(session: Session, ids: Collection[int], known: Names) -> dict[int, str]:
    return _look_up(session, Course.id, Course.title, ids, dict(known))


def _look_up(
    session: Session, id_column: InstrumentedAttribute[int], name_column: InstrumentedAttribute[str],
    ids: Collection[int], known: dict[int, str],
) -> dict[int, str]:
    """Names of `ids`: those `known`, and the rest read in one statement (none if none)."""
    missing = [i for i in ids if i not in known and i != NO_DEPARTMENT]
    if missing:
        query = select(id_column, name_column).where(id_column.in_(missing))
        known.update(session.execute(query).tuples().all())
    return known
