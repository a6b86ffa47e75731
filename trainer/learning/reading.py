"""Reading modules: finding them, recording the first visit, acknowledging policies.

The first visit of a module version starts the server-side clock for reading time: a
policy can be acknowledged only `min_read_seconds` after it was first opened, whatever
the browser says.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from trainer.audit import Actor
from trainer.compliance.completion import mark_started, record_module_completion
from trainer.learning.outline import course_outline
from trainer.models import Assignment, Course, Module, ModuleCompletion, ModuleVersion, ModuleVisit


class AcknowledgementError(ValueError):
    """The acknowledgement cannot be accepted (yet); the message says why."""


# Built once: these run on every course and module page, where building and keying a
# statement costs more than SQLite takes to answer it.
# The course, its modules and their current versions (content deferred) in one query.
_COURSE_BY_SLUG = select(Course).where(Course.slug == bindparam("slug")).options(joinedload(Course.modules))
_VISIT = select(ModuleVisit).where(ModuleVisit.user_id == bindparam("user_id"),
                                   ModuleVisit.module_version_id == bindparam("version_id"))


def find_course(session: Session, slug: str) -> Course | None:
    """A course employees can open (it exists and is not retired), with its outline loaded."""
    course = session.execute(_COURSE_BY_SLUG, {"slug": slug}).unique().scalar_one_or_none()
    if course is None or course.retired_at is not None:
        return None
    for module in course.modules:
        # The identity map holds rows weakly: without this, a page holding only a module
        # would load its course again the moment it asked for it.
        set_committed_value(module, "course", course)
    return course


def find_module(session: Session, course: Course, slug: str) -> Module | None:
    """A live module of `course` with published content."""
    return next(
        (m for m in course.active_modules if m.slug == slug and m.current_version is not None),
        None,
    )


def completed_by_acknowledgement(version: ModuleVersion) -> bool:
    """Policies are acknowledged; so is a lesson that has no quiz questions."""
    return version.kind == "policy" or not version.question_count


def open_module(
    session: Session, user_id: int, module: Module, assignment: Assignment | None, now: dt.datetime
) -> ModuleVisit:
    """Record the first visit of the module's current version and start `assignment` (the
    person's current one for the course, as the outline found it).

    A repeat visit of a started cycle reads one row by its key and writes nothing.
    """
    version = module.current_version
    assert version is not None
    visit = session.scalar(_VISIT, {"user_id": user_id, "version_id": version.id})
    if visit is None:
        visit = _first_visit(session, user_id, version.id, now)
    if assignment is not None:
        mark_started(assignment, now.date())
    session.flush()
    return visit


def _first_visit(session: Session, user_id: int, version_id: int, now: dt.datetime) -> ModuleVisit:
    visit = ModuleVisit(user_id=user_id, module_version_id=version_id, first_seen_at=now)
    try:
        with session.begin_nested():  # two tabs at once: the other insert wins, keep it
            session.add(visit)
    except IntegrityError:
        existing = session.get(ModuleVisit, (user_id, version_id))
        assert existing is not None
        return existing
    return visit


def seconds_left_to_read(visit: ModuleVisit | None, version: ModuleVersion, now: dt.datetime) -> int:
    """How many more seconds before the version may be acknowledged (0: now)."""
    if visit is None:
        return version.min_read_seconds
    waited = (now - visit.first_seen_at).total_seconds()
    return max(0, math.ceil(version.min_read_seconds - waited))


def acknowledge_module(
    session: Session, actor: Actor, user_id: int, module: Module, version_id: int | None,
    now: dt.datetime,
) -> ModuleCompletion:
    """Record "I have read and understood" against the current version, once read long enough."""
    version = module.current_version
    assert version is not None
    if version_id != version.id:
        raise AcknowledgementError(
            "This module was updated while you were reading it. Please read the new version "
            "before confirming.")
    if not completed_by_acknowledgement(version):
        raise AcknowledgementError("This module is completed by passing its quiz.")
    done = course_outline(session, user_id, module.course).entry(module)
    if done is not None and done.completion and done.completion.module_version_id == version.id:
        return done.completion  # already acknowledged in this cycle: once is enough
    visit = session.get(ModuleVisit, (user_id, version.id))
    left = seconds_left_to_read(visit, version, now)
    if visit is None or left > 0:
        raise AcknowledgementError(
            f"Please take the time to read this before confirming: you can confirm in "
            f"{left} second{'s' if left != 1 else ''}.")
    return record_module_completion(session, actor, user_id, version, method="acknowledgement")
