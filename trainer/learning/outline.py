"""A course as one employee sees it: modules in order, ticked when done, and what is next.

Which completions count is decided by trainer.compliance.progress (counting_completions)
for the person's current assignment. Someone without an assignment (reading ahead) sees
every completion of a version at or above the module's major floor.

The employee pages read plain rows, not ORM objects: the course, its live modules, the
person's current assignment, its regulation update's reach, the person's visits and
completions come in one Core query; each version's content from the process's cache
(trainer.learning.content_cache). Loading the same as ORM objects cost most of a
page. Writes (the first visit, starting a cycle) load the rows they change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, select, true
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Select

from trainer.compliance.progress import Progress, counting_completions, cutoff_of
from trainer.compliance.rows import CourseCard, Cycle
from trainer.learning.content_cache import VersionContent, versions
from trainer.models import (
    Assignment,
    Certificate,
    Course,
    Module,
    ModuleCompletion,
    ModuleVersion,
    ModuleVisit,
    RegulationUpdate,
    regulation_update_modules,
)
from trainer.reads import outside_transaction

_courses, _modules, _versions = Course.__table__, Module.__table__, ModuleVersion.__table__
_assignments, _updates = Assignment.__table__, RegulationUpdate.__table__
_visits, _completions = ModuleVisit.__table__, ModuleCompletion.__table__


@dataclasses.dataclass(frozen=True, slots=True)
class Visit:
    """The person's first visit of a version, and the cycle it was recorded in."""

    first_seen_at: dt.datetime
    assignment_id: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class OutlineModule:
    """A live module with published content, its current version, and the person's visit."""

    id: int
    slug: str
    major_floor: int
    course: CourseCard
    current_version: VersionContent
    visit: Visit | None
    affected: bool  # named by the current cycle's regulation update

    @property
    def current_version_id(self) -> int:
        return self.current_version.id


@dataclasses.dataclass(frozen=True, slots=True)
class Done:
    """A completion, as the pages show it."""

    id: int
    module_id: int
    module_version_id: int
    completed_at: dt.datetime
    method: str
    score: int | None


@dataclasses.dataclass(frozen=True)
class OutlineEntry:
    module: OutlineModule
    completion: Done | None

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def version(self) -> VersionContent:
        return self.module.current_version


@dataclasses.dataclass(frozen=True)
class CourseOutline:
    course: CourseCard
    assignment: Cycle | None
    progress: Progress[OutlineModule, Done]
    entries: list[OutlineEntry]
    certificate: Certificate | None = None

    def module(self, slug: str) -> OutlineModule | None:
        return next((m for m in self.progress.modules if m.slug == slug), None)

    def entry(self, module: OutlineModule | Module) -> OutlineEntry | None:
        return next((e for e in self.entries if e.module.id == module.id), None)

    def neighbours(self, module: OutlineModule) -> tuple[OutlineModule | None, OutlineModule | None]:
        """The modules before and after `module` in the course."""
        ids = [e.module.id for e in self.entries]
        index = ids.index(module.id)
        before = self.entries[index - 1].module if index > 0 else None
        after = self.entries[index + 1].module if index + 1 < len(ids) else None
        return before, after

    @property
    def minutes(self) -> int:
        return sum(e.version.minutes for e in self.entries)


# The columns of a Cycle after its id and course, in its fields' order.
CYCLE_COLUMNS = tuple(_assignments.c[name] for name in (
    "reason", "assigned_on", "due_on", "counts_from", "started_on", "completed_on", "expires_on",
    "closed_on", "change_note", "regulation_update_id"))
COURSE_COLUMNS = tuple(_courses.c[name] for name in ("id", "slug", "title", "summary", "pass_mark"))


# The completed module's version, joined to a completion for its number.
_done_versions = _versions.alias("done_version")
# A completion, and its version's number, as the outline and dashboard rows carry them.
DONE_COLUMNS = (_completions.c.id, _completions.c.module_version_id, _completions.c.completed_at,
                _completions.c.method, _completions.c.score, _done_versions.c.number)
# What the counting rule reads of a completion (and its id), for a page that shows none.
DONE_AT_COLUMNS = (_completions.c.id, _completions.c.completed_at, _done_versions.c.number)


def with_completions(query: Select[Any], modules: Any) -> Select[Any]:
    """`query` with the person's completions of each module (a row each, oldest first; one row
    without any for a module never done)."""
    return (
        query.outerjoin(_completions, and_(_completions.c.user_id == bindparam("user_id"),
                                           _completions.c.module_id == modules.c.id))
        .outerjoin(_done_versions, _done_versions.c.id == _completions.c.module_version_id)
        .order_by(_completions.c.completed_at, _completions.c.id)
    )


def _outline_query(course_matches: Any) -> Select[Any]:
    """One row per live module with published content and completion of it by the person
    (one row with no module for a course without any): the course, the person's current
    assignment and its regulation update's dates, whether that update names the module, the
    person's visit of its version, and the completion."""
    a, u, m, v, rum, visit = _assignments, _updates, _modules, _versions, regulation_update_modules, _visits
    query = (
        select(*COURSE_COLUMNS, _courses.c.retired_at, a.c.id, *CYCLE_COLUMNS,
               u.c.effective_on, u.c.published_at,
               m.c.id, m.c.slug, m.c.major_floor, v.c.id, v.c.content_hash, rum.c.module_id,
               visit.c.first_seen_at, visit.c.assignment_id, *DONE_COLUMNS)
        .select_from(_courses)
        .outerjoin(a, and_(a.c.course_id == _courses.c.id, a.c.user_id == bindparam("user_id"),
                           a.c.current == true()))
        .outerjoin(u, u.c.id == a.c.regulation_update_id)
        .outerjoin(m, and_(m.c.course_id == _courses.c.id, m.c.retired_at.is_(None),
                           m.c.current_version_id.is_not(None)))
        .outerjoin(v, v.c.id == m.c.current_version_id)
        .outerjoin(rum, and_(rum.c.regulation_update_id == a.c.regulation_update_id,
                             rum.c.module_id == m.c.id))
        .outerjoin(visit, and_(visit.c.user_id == bindparam("user_id"),
                               visit.c.module_version_id == m.c.current_version_id))
        .where(course_matches)
        .order_by(m.c.position, m.c.id)
    )
    return with_completions(query, m)


# Built once: these run on every course and module page, where building and keying a
# statement costs more than the database takes to answer it.
# Read-only: on PostgreSQL they may run before the request's transaction (trainer/reads.py).
_OUTLINE_BY_SLUG = outside_transaction(_outline_query(_courses.c.slug == bindparam("slug")))
_OUTLINE_BY_ID = outside_transaction(_outline_query(_courses.c.id == bindparam("course_id")))
_CERTIFICATE = select(Certificate).where(Certificate.assignment_id == bindparam("assignment_id"))


# The ORM way, for the pages that write (quiz, acknowledgement): the course with its modules
# and their current versions (content deferred) in one query.
_COURSE = select(Course).where(Course.slug == bindparam("slug")).options(joinedload(Course.modules))


def find_course(session: Session, slug: str) -> Course | None:
    """A course employees can open (it exists and is not retired), with its modules loaded,
    as ORM rows: for the pages that write (the others read open_course)."""
    course = session.execute(_COURSE, {"slug": slug}).unique().scalar_one_or_none()
    if course is None or course.retired_at is not None:
        return None
    for module in course.modules:
        # The identity map holds rows weakly: without this, a page holding only a module
        # would load its course again the moment it asked for it.
        set_committed_value(module, "course", course)
    return course


def open_course(
    session: Session, user_id: int, slug: str, *, with_certificate: bool = False
) -> CourseOutline | None:
    """The course `slug` as the person sees it (None: no such live course), in one query;
    `with_certificate` adds the certificate of a completed cycle (the course page offers it)."""
    rows = session.connection().execute(_OUTLINE_BY_SLUG, {"slug": slug, "user_id": user_id}).all()
    return _outline(session, user_id, rows, with_certificate)


def course_outline(
    session: Session, user_id: int, course_id: int, *, with_certificate: bool = False
) -> CourseOutline | None:
    """open_course by the course's id."""
    rows = session.connection().execute(_OUTLINE_BY_ID, {"course_id": course_id, "user_id": user_id}).all()
    return _outline(session, user_id, rows, with_certificate)


def _outline(session: Session, user_id: int, rows: Sequence[Any], with_certificate: bool
             ) -> CourseOutline | None:
    if not rows or rows[0][5] is not None:  # no such course, or retired
        return None
    first = rows[0]
    course = CourseCard(*first[0:5])
    cycle = Cycle(first[6], course, *first[7:17]) if first[6] is not None else None
    module_rows = {row[19]: row for row in rows if row[19] is not None}  # the first row of each
    contents = versions.contents(session, [(row[22], row[23]) for row in module_rows.values()])
    modules = [
        OutlineModule(row[19], row[20], row[21], course, contents[row[22]],
                      Visit(row[25], row[26]) if row[25] is not None else None, row[24] is not None)
        for row in module_rows.values()
    ]
    cutoff = cutoff_of(first[17], first[18]) if first[17] is not None else None
    done = counting_completions(
        modules, completions_in(rows, module_at=19, done_at=27), cycle.counts_from if cycle else None,
        {m.id for m in modules if m.affected}, cutoff)
    certificate = None
    if with_certificate and cycle is not None and cycle.completed_on is not None:
        certificate = session.scalar(_CERTIFICATE, {"assignment_id": cycle.id})
    return CourseOutline(course, cycle, Progress(modules, done),
                         [OutlineEntry(m, done.get(m.id)) for m in modules], certificate)


def completions_in(rows: Iterable[Any], *, module_at: int, done_at: int) -> dict[int, list[tuple[Done, int]]]:
    """The completions carried by rows of a query made `with_completions`, by module, oldest
    first, with their version's number (what counting_completions reads). `module_at` and
    `done_at`: where the module's id and DONE_COLUMNS are in a row."""
    by_module: dict[int, list[tuple[Done, int]]] = defaultdict(list)
    for row in rows:
        if row[done_at] is not None:
            module_id = row[module_at]
            by_module[module_id].append((Done(row[done_at], module_id, *row[done_at + 1:done_at + 5]),
                                         row[done_at + 5]))
    return by_module
