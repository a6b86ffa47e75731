"""The HR dashboard's figures: compliance overall, by department and by course.

One SQL aggregate counts current assignments by (department, course, status); the totals,
departments and courses are sums of its few hundred rows, never a loop over people.
"Compliant" means status_sql() is in COMPLIANT (docs/compliance.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.compliance.status import Thresholds, status_sql
from trainer.models import Assignment, Course, Department, User
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
    session: Session, today: dt.date, thresholds: Thresholds, filters: ReportFilter
) -> Overview:
    """Figures of the current assignments the filter admits, on `today`."""
    status = status_sql(today, thresholds).label("status")
    department = func.coalesce(User.department_id, NO_DEPARTMENT).label("department_id")
    query = select(department, Assignment.course_id, status, func.count().label("n"))
    query = current_assignments(query.select_from(Assignment), filters, today, thresholds,
                                status=status)
    rows = session.execute(query.group_by(department, Assignment.course_id, status)).all()
    total: Counter[str] = Counter()
    departments: dict[int, Counter[str]] = {}
    courses: dict[int, Counter[str]] = {}
    for department_id, course_id, status_name, n in rows:
        total[status_name] += n
        departments.setdefault(department_id, Counter())[status_name] += n
        courses.setdefault(course_id, Counter())[status_name] += n
    return Overview(
        total=Figures(dict(total)),
        by_department=_breakdown(departments, _department_names(session, departments)),
        by_course=_breakdown(courses, _course_titles(session, courses)),
    )


def _breakdown(counts: dict[int, Counter[str]], labels: dict[int, str]) -> list[Breakdown]:
    rows = [Breakdown(key, labels.get(key, "—"), Figures(dict(c))) for key, c in counts.items()]
    return sorted(rows, key=lambda b: b.label.lower())


def _department_names(session: Session, ids: Any) -> dict[int, str]:
    names = dict(session.execute(select(Department.id, Department.name).where(Department.id.in_(ids))).all())
    names[NO_DEPARTMENT] = "No department"
    return names


def _course_titles(session: Session, ids: Any) -> dict[int, str]:
    return dict(session.execute(select(Course.id, Course.title).where(Course.id.in_(ids))).all())
