"""Lists of people for HR and admins: search, filters, scope, assignment summaries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from trainer.compliance.status import Thresholds, status_sql
from trainer.models import Assignment, User
from trainer.people.scope import restrict_to_scope
from trainer.reports.figures import Figures
from trainer.reports.filters import ReportFilter, has_matching_assignment, people_condition
from trainer.reports.pagination import Page, paginate


def search_people(
    session: Session,
    *,
    scope: set[int] | None,
    text: str = "",
    department_id: int | None = None,
    include_inactive: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[User]:
    """People matching `text` (name or e-mail, case-insensitive), ordered by name."""
    query = select(User).order_by(User.name, User.id)
    query = restrict_to_scope(query, scope)
    query = _matching_text(query, text)
    if department_id:
        query = query.where(User.department_id == department_id)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return paginate(session, query, page, per_page)


def _matching_text(query: Select[*tuple[Any, ...]], text: str) -> Select[*tuple[Any, ...]]:
    """Name or e-mail contains `text`, case-insensitively."""
    if not text.strip():
        return query
    pattern = "%" + _escape_like(text.strip().lower()) + "%"
    return query.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclasses.dataclass(frozen=True)
class EmployeeRow:
    """A person in the HR list with the figures of their current assignments."""

    user: User
    figures: Figures


def employee_list(
    session: Session,
    filters: ReportFilter,
    today: dt.date,
    thresholds: Thresholds,
    *,
    text: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page[EmployeeRow]:
    """Active people the filter admits (a course or status filter: they hold such a current
    assignment), ordered by name, with their assignment summary."""
    query = select(User).where(User.active.is_(True), *people_condition(filters))
    query = restrict_to_scope(query, set(filters.scope) if filters.scope is not None else None)
    query = _matching_text(query, text)
    if filters.course_id or filters.status:
        query = query.where(has_matching_assignment(filters, today, thresholds))
    query = query.order_by(User.name, User.id).options(selectinload(User.manager))
    people = paginate(session, query, page, per_page)
    summaries = _summaries(session, [u.id for u in people.items], today, thresholds)
    rows = [EmployeeRow(u, Figures(summaries.get(u.id, {}))) for u in people.items]
    return Page(items=rows, total=people.total, number=people.number, per_page=people.per_page)


def _summaries(
    session: Session, user_ids: list[int], today: dt.date, thresholds: Thresholds
) -> dict[int, dict[str, int]]:
    if not user_ids:
        return {}
    status = status_sql(today, thresholds)
    rows = session.execute(
        select(Assignment.user_id, status, func.count())
        .where(Assignment.user_id.in_(user_ids), Assignment.current.is_(True))
        .group_by(Assignment.user_id, status)
    )
    summaries: dict[int, dict[str, int]] = {}
    for user_id, status_name, n in rows:
        summaries.setdefault(user_id, {})[status_name] = n
    return summaries
