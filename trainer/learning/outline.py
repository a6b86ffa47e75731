"""A course as one employee sees it: modules in order, ticked when done, and what is next.

Which completions count is decided by trainer.compliance.progress for the person's
current assignment. Someone without an assignment (reading ahead) sees every completion
of a version at or above the module's major floor.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.compliance.completion import current_assignment
from trainer.compliance.progress import Progress, progress_of
from trainer.models import Assignment, Certificate, Course, Module, ModuleCompletion


@dataclasses.dataclass(frozen=True)
class OutlineEntry:
    module: Module
    completion: ModuleCompletion | None

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def version(self):  # type: ignore[no-untyped-def]
        return self.module.current_version


@dataclasses.dataclass(frozen=True)
class CourseOutline:
    course: Course
    assignment: Assignment | None
    progress: Progress
    entries: list[OutlineEntry]
    certificate: Certificate | None = None

    def entry(self, module: Module) -> OutlineEntry | None:
        return next((e for e in self.entries if e.module.id == module.id), None)

    def neighbours(self, module: Module) -> tuple[Module | None, Module | None]:
        """The modules before and after `module` in the course."""
        ids = [e.module.id for e in self.entries]
        index = ids.index(module.id)
        before = self.entries[index - 1].module if index > 0 else None
        after = self.entries[index + 1].module if index + 1 < len(ids) else None
        return before, after

    @property
    def minutes(self) -> int:
        return sum(e.version.minutes for e in self.entries if e.version)


def course_outline(
    session: Session, user_id: int, course: Course, *, with_certificate: bool = False
) -> CourseOutline:
    """The person's view of `course` against their current assignment (if any), and with
    `with_certificate` the certificate of a completed cycle (the course page offers it)."""
    assignment = current_assignment(session, user_id, course.id)
    progress = progress_of(session, assignment or _reading_ahead(user_id, course))
    entries = [OutlineEntry(m, progress.done.get(m.id)) for m in progress.modules]
    certificate = None
    if with_certificate and assignment is not None and assignment.completed_on is not None:
        certificate = session.scalar(
            select(Certificate).where(Certificate.assignment_id == assignment.id))
    return CourseOutline(course, assignment, progress, entries, certificate)


def _reading_ahead(user_id: int, course: Course) -> Assignment:
    # A transient row, never added to the session: progress rules without a cycle's limits.
    return Assignment(user_id=user_id, course_id=course.id, course=course, counts_from=None,
                      regulation_update_id=None)
