"""Scenario helpers for compliance tests: requirements and completing modules on a day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from trainer import clock
from trainer.audit import Actor
from trainer.compliance.completion import record_module_completion
from trainer.compliance.requirements import RequirementSpec, create_requirement
from trainer.compliance.sync import sync_assignments
from trainer.models import Assignment, Course, Module, User


def require(session, course: Course, **spec) -> object:
    spec.setdefault("name", f"{course.title} for everyone")
    spec.setdefault("everyone", not any(k in spec for k in ("department_ids", "job_roles", "user_ids")))
    requirement = create_requirement(session, Actor.cli(), RequirementSpec(course_id=course.id, **spec))
    session.flush()
    return requirement


def sync(session, day: dt.date, **kwargs):
    with clock.frozen(day):
        return sync_assignments(session, day, **kwargs)


def complete_module(session, user: User, module: Module, day: dt.date) -> None:
    with clock.frozen(day):
        record_module_completion(session, Actor.cli(), user.id, module.current_version,
                                 method="quiz" if module.current_version.kind == "lesson"
                                 else "acknowledgement", score=100)


def complete_course(session, user: User, course: Course, day: dt.date) -> None:
    for module in course.active_modules:
        complete_module(session, user, module, day)


def current(session, user: User, course: Course) -> Assignment | None:
    return session.scalar(select(Assignment).where(
        Assignment.user_id == user.id, Assignment.course_id == course.id,
        Assignment.current.is_(True)))


def cycles(session, user: User, course: Course) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(
        Assignment.user_id == user.id, Assignment.course_id == course.id).order_by(Assignment.cycle)))
