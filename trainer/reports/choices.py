"""The options of HR filter forms: departments, courses and managers the viewer may pick."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from trainer.models import Course, Department, User
from trainer.people.scope import restrict_to_scope


@dataclasses.dataclass(frozen=True)
class Choices:
    departments: list[tuple[int, str]]
    courses: list[tuple[int, str]]
    managers: list[tuple[int, str]]


def filter_choices(session: Session, scope: frozenset[int] | None) -> Choices:
    """Departments within scope, courses, and people who manage someone within scope."""
    departments = select(Department.id, Department.name).order_by(Department.name)
    if scope is not None:
        departments = departments.where(Department.id.in_(scope))
    # IN over the reports' manager ids, not a join made DISTINCT: half the time or less on
    # both databases (every active person is read either way; issue 20.2).
    reports = restrict_to_scope(select(User.manager_id).where(User.active.is_(True)),
                                set(scope) if scope is not None else None)
    manager = aliased(User)
    managers = (select(manager.id, manager.name).where(manager.id.in_(reports))
                .order_by(manager.name, manager.id))
    courses = select(Course.id, Course.title).where(Course.retired_at.is_(None)).order_by(Course.title)
    return Choices(
        departments=[(id_, name) for id_, name in session.execute(departments)],
        courses=[(id_, title) for id_, title in session.execute(courses)],
        managers=[(id_, name) for id_, name in session.execute(managers)],
    )
