"""Everything HR may see about one employee's training: the evidence behind their status."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trainer.compliance.overview import AssignmentView, current_assignments
from trainer.compliance.status import Thresholds, status
from trainer.models import (
    Assignment,
    Certificate,
    Course,
    Module,
    ModuleCompletion,
    ModuleVersion,
    Notification,
    QuizAttempt,
    User,
)
from trainer.reports.acknowledgements import PersonAcknowledgement, person_acknowledgements

HISTORY_LIMIT = 200


@dataclasses.dataclass(frozen=True)
class EmployeeRecord:
    user: User
    current: list[AssignmentView]
    # Earlier cycles, closed ones included: (assignment, status today).
    history: list[tuple[Assignment, str]]
    attempts: list[Any]
    completions: list[Any]
    notifications: list[Notification]
    certificates: list[Certificate]
    acknowledgements: list[PersonAcknowledgement]


def visible_employee(session: Session, user_id: int, scope: frozenset[int] | None) -> User | None:
    """The person, if the viewer's scope includes their department (None: not found)."""
    user = session.get(User, user_id)
    if user is None:
        return None
    if scope is not None and user.department_id not in scope:
        return None
    return user


def employee_record(
    session: Session, user: User, today: dt.date, thresholds: Thresholds
) -> EmployeeRecord:
    """The person's assignments with status, quiz attempts, completions with versions,
    reminders and certificates, newest first."""
    history = session.scalars(
        select(Assignment).where(Assignment.user_id == user.id, Assignment.current.is_(False))
        .order_by(Assignment.assigned_on.desc(), Assignment.id.desc()).limit(HISTORY_LIMIT)
    ).all()
    return EmployeeRecord(
        user=user,
        current=current_assignments(session, user.id, today, thresholds),
        history=[(a, status(a, today, thresholds)) for a in history],
        attempts=_attempts(session, user.id),
        completions=_completions(session, user.id),
        notifications=list(session.scalars(
            select(Notification)
            .where(or_(Notification.user_id == user.id, Notification.subject_user_id == user.id))
            .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(HISTORY_LIMIT)
        )),
        certificates=list(session.scalars(
            select(Certificate).where(Certificate.user_id == user.id)
            .order_by(Certificate.completed_on.desc(), Certificate.id.desc())
        )),
        acknowledgements=person_acknowledgements(session, user.id, today),
    )


def _attempts(session: Session, user_id: int) -> list[Any]:
    qa = QuizAttempt
    return _newest_with_version(session, qa, qa.module_version_id, qa.user_id == user_id,
                                (qa.started_at, qa.submitted_at, qa.score, qa.passed), qa.started_at)


def _completions(session: Session, user_id: int) -> list[Any]:
    mc = ModuleCompletion
    return _newest_with_version(session, mc, mc.module_version_id, mc.user_id == user_id,
                                (mc.completed_at, mc.method, mc.score), mc.completed_at)


def _newest_with_version(session: Session, model: Any, version_id: Any, condition: Any,
                         columns: tuple[Any, ...], newest: Any) -> list[Any]:
    """Rows of `model` with the module version, its number and course, newest first."""
    return list(session.execute(
        select(model.id, *columns, ModuleVersion.title.label("module"), ModuleVersion.number.label("version"),
               ModuleVersion.content_hash, Course.title.label("course"))
        .join(ModuleVersion, ModuleVersion.id == version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(condition)
        .order_by(newest.desc(), model.id.desc()).limit(HISTORY_LIMIT)
    ))
