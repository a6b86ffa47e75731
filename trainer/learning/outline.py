"""A course as one employee sees it: modules in order, ticked when done, and what is next.

Which completions count is decided by trainer.compliance.progress for the person's
current assignment. Someone without an assignment (reading ahead) sees every completion
of a version at or above the module's major floor.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

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
    def version(self):
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


# Built once: these run on every course and module page, where building and keying a
# statement costs more than SQLite takes to answer it. The course comes with its modules
# and their current versions (content deferred) in the same query.
_COURSE = select(Course).where(Course.slug == bindparam("slug")).options(joinedload(Course.modules))
# ... and, for the course and module pages, with the person's current assignment too.
_COURSE_AND_ASSIGNMENT = (
    select(Course, Assignment)
    .outerjoin(Assignment, and_(Assignment.course_id == Course.id,
                                Assignment.user_id == bindparam("user_id"), Assignment.current.is_(True)))
    .where(Course.slug == bindparam("slug"))
    .options(joinedload(Course.modules), lazyload(Assignment.course))
)


def find_course(session: Session, slug: str) -> Course | None:
    """A course employees can open (it exists and is not retired), with its modules loaded."""
    return _live(session.execute(_COURSE, {"slug": slug}).unique().scalar_one_or_none())


def open_course(
    session: Session, user_id: int, slug: str, *, with_certificate: bool = False
) -> CourseOutline | None:
    """The course `slug` as the person sees it (None: no such live course); the course, its
    modules and the person's current assignment come in one query, their completions in
    another. See course_outline for `with_certificate`."""
    row = session.execute(_COURSE_AND_ASSIGNMENT, {"slug": slug, "user_id": user_id}).unique().first()
    course = _live(row.Course) if row else None
    if row is None or course is None:
        return None
    return _outline(session, user_id, course, row.Assignment, with_certificate)


def course_outline(
    session: Session, user_id: int, course: Course, *, with_certificate: bool = False
) -> CourseOutline:
    """The person's view of `course` against their current assignment (if any), and with
    `with_certificate` the certificate of a completed cycle (the course page offers it)."""
    assignment = current_assignment(session, user_id, course.id)
    return _outline(session, user_id, course, assignment, with_certificate)


def _live(course: Course | None) -> Course | None:
    if course is None or course.retired_at is not None:
        return None
    for module in course.modules:
        # The identity map holds rows weakly: without this, a page holding only a module
        # would load its course again the moment it asked for it.
        set_committed_value(module, "course", course)
    return course


def _outline(
    session: Session, user_id: int, course: Course, assignment: Assignment | None, with_certificate: bool
) -> CourseOutline:
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
