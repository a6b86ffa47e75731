"""A person's training record: every cycle, attempt, completion and certificate, by course."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session, defaultload, lazyload

from trainer.models import (
    Assignment,
    Certificate,
    Course,
    Module,
    ModuleCompletion,
    ModuleVersion,
    QuizAttempt,
)

# The transcript names courses but not their modules (which Course loads eagerly).
WITHOUT_MODULES = (lazyload(Course.modules),)


@dataclasses.dataclass
class CourseRecord:
    course: Course
    cycles: list[Assignment] = dataclasses.field(default_factory=list)
    attempts: list[QuizAttempt] = dataclasses.field(default_factory=list)
    completions: list[ModuleCompletion] = dataclasses.field(default_factory=list)
    certificates: list[Certificate] = dataclasses.field(default_factory=list)


def transcript(session: Session, user_id: int) -> list[CourseRecord]:
    """Everything the person did, grouped by course (courses by title), oldest first within."""
    records: dict[int, CourseRecord] = {}

    def record_for(course: Course) -> CourseRecord:
        return records.setdefault(course.id, CourseRecord(course))

    for cycle in session.scalars(
        select(Assignment).where(Assignment.user_id == user_id)
        .order_by(Assignment.assigned_on, Assignment.cycle)
        .options(defaultload(Assignment.course).options(*WITHOUT_MODULES))
    ):
        record_for(cycle.course).cycles.append(cycle)
    for course, attempt in _submitted_attempts(session, user_id):
        record_for(course).attempts.append(attempt)
    for course, completion in _completions(session, user_id):
        record_for(course).completions.append(completion)
    for certificate in session.scalars(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at)
        .options(defaultload(Certificate.course).options(*WITHOUT_MODULES))
    ):
        record_for(certificate.course).certificates.append(certificate)
    return sorted(records.values(), key=lambda r: r.course.title.casefold())


def _submitted_attempts(session: Session, user_id: int):
    return session.execute(
        select(Course, QuizAttempt)
        .join(ModuleVersion, ModuleVersion.id == QuizAttempt.module_version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        .options(*WITHOUT_MODULES)
    ).all()


def _completions(session: Session, user_id: int):
    return session.execute(
        select(Course, ModuleCompletion)
        .join(Module, Module.id == ModuleCompletion.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(ModuleCompletion.user_id == user_id)
        .order_by(ModuleCompletion.completed_at, ModuleCompletion.id)
        .options(*WITHOUT_MODULES)
    ).all()


