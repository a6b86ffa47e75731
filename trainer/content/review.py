"""Content review: no course silently goes stale (docs/authoring.md, "Content review").

A course names its `owner` (an e-mail address), the day it was last checked against the law
(`reviewed_on`) and how often it must be checked (`review_every_months`, 12 by default). The
review falls due on reviewed_on + months: it is *due* on that day and *overdue* the day after.
A course that was never reviewed counts as overdue.

Who hears about it:
- `trainer courses validate` prints an overdue review as a warning in both modes; it never
  fails `--strict`, because a calendar date alone must not turn CI red. A course without an
  owner or a reviewed_on is a warning that `--strict` does make an error.
- The owner gets a reminder e-mail REMIND_DAYS_BEFORE days before the due date and another
  once it is overdue, each once per review cycle (notify/review_reminders.py).
- Admins see the list (`review_list`): overdue first, then due within DUE_WITHIN_DAYS, with
  every course a regulation update marked "review needed".

A published regulation update that names a module marks it "review needed" until a new
version of the module is published after the update (`reviews_needed`); marking a course
reviewed (`mark_reviewed`) records the check without a new version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.compliance.calendar import add_months
from trainer.content.course_settings import course_meta, write_course
from trainer.content.quality import QualityWarning
from trainer.content.tree import CourseFile
from trainer.models import Course, Module, ModuleVersion, RegulationUpdate, User
from trainer.models.regulation import regulation_update_modules

REMIND_DAYS_BEFORE = 30  # the owner's first reminder, days before the due date
DUE_WITHIN_DAYS = 60  # the admin list shows reviews due within this many days


def due_on(reviewed_on: dt.date | None, every_months: int) -> dt.date | None:
    """The day the next review falls due; None when the course was never reviewed."""
    return None if reviewed_on is None else add_months(reviewed_on, every_months)


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    """Overdue the day after the due date (on the day itself it is due, not overdue);
    a course never reviewed is overdue."""
    return due is None or due < today


# `trainer courses validate`


@dataclasses.dataclass(frozen=True)
class FileFindings:
    """What validate says about the review keys of course files."""

    warnings: list[QualityWarning]  # missing owner or reviewed_on: errors with --strict
    overdue: list[QualityWarning]  # a review past its date: printed, never an error


def file_findings(courses: Iterable[CourseFile], today: dt.date) -> FileFindings:
    warnings: list[QualityWarning] = []
    overdue: list[QualityWarning] = []
    for course in courses:
        meta, path = course.meta, course.course_md
        if meta.owner is None:
            warnings.append(QualityWarning(path, 1, "no owner: name the person who keeps this course right "
                                                    "in law, e.g. 'owner: privacy@example.com'; they get "
                                                    "the review reminders"))
        if meta.reviewed_on is None:
            warnings.append(QualityWarning(path, 1, "no reviewed_on: give the day the course was last "
                                                    "checked against the law, e.g. 'reviewed_on: "
                                                    "2026-12-01', so that its next review can fall due"))
            continue
        due = due_on(meta.reviewed_on, meta.review_every_months)
        if due is not None and is_overdue(due, today):
            days = (today - due).days
            overdue.append(QualityWarning(
                path, course.line_of("reviewed_on"),
                f"the content review is overdue: reviewed on {meta.reviewed_on.isoformat()}, due every "
                f"{meta.review_every_months} months, so due on {due.isoformat()} ({days} day"
                f"{'s' if days != 1 else ''} ago); check the course against the law and set reviewed_on "
                "(a reminder, never an error with --strict)"))
    return FileFindings(warnings, overdue)


# Regulation updates that name modules


@dataclasses.dataclass(frozen=True)
class ReviewNeeded:
    """A published regulation update names this module, and no version came after it."""

    module_id: int
    module_title: str
    update_id: int
    update_title: str
    regulation: str
    published_at: dt.datetime


def reviews_needed(session: Session, *, course_ids: Iterable[int] | None = None,
                   module_ids: Iterable[int] | None = None) -> list[ReviewNeeded]:
    """Active modules that a published regulation update names and whose current version was
    published no later than the update; oldest update first."""
    link = regulation_update_modules
    query = (
        select(Module.id, ModuleVersion.title, RegulationUpdate.id, RegulationUpdate.title,
               RegulationUpdate.regulation, RegulationUpdate.published_at)
        .join(link, link.c.module_id == Module.id)
        .join(RegulationUpdate, RegulationUpdate.id == link.c.regulation_update_id)
        .join(ModuleVersion, ModuleVersion.id == Module.current_version_id)
        .where(RegulationUpdate.published_at.is_not(None), Module.retired_at.is_(None),
               ModuleVersion.published_at <= RegulationUpdate.published_at)
        .order_by(RegulationUpdate.published_at, RegulationUpdate.id, Module.position)
    )
    if course_ids is not None:
        query = query.where(Module.course_id.in_(list(course_ids)))
    if module_ids is not None:
        query = query.where(Module.id.in_(list(module_ids)))
    return [ReviewNeeded(module_id, title, update_id, update_title, regulation, published_at)
            for module_id, title, update_id, update_title, regulation, published_at in session.execute(query)
            if published_at is not None]


# The admin list


@dataclasses.dataclass(frozen=True)
class ReviewRow:
    course: Course
    owner_name: str | None  # when the owner is a Trainer user
    owner_left: bool  # that user is deactivated: someone else should own the course
    due: dt.date | None
    overdue: bool
    due_soon: bool  # due within DUE_WITHIN_DAYS (today included), not overdue
    needed: list[ReviewNeeded]

    def days(self, today: dt.date) -> int | None:
        """Days until the due date (negative: since)."""
        return None if self.due is None else (self.due - today).days


def review_list(session: Session, today: dt.date) -> list[ReviewRow]:
    """Active courses whose review is overdue, due within DUE_WITHIN_DAYS, or needed after a
    regulation update: overdue first (never reviewed, then by due date), then due soon by due
    date, then the rest."""
    courses = session.scalars(select(Course).where(Course.retired_at.is_(None))).all()
    needed: dict[int, list[ReviewNeeded]] = defaultdict(list)
    module_course = {m.id: c.id for c in courses for m in c.modules}
    for item in reviews_needed(session, course_ids=[c.id for c in courses]):
        needed[module_course[item.module_id]].append(item)
    owners = _owner_names(session, [c.owner for c in courses if c.owner])
    horizon = today + dt.timedelta(days=DUE_WITHIN_DAYS)
    rows = []
    for course in courses:
        due = due_on(course.reviewed_on, course.review_every_months)
        overdue = is_overdue(due, today)
        soon = not overdue and due is not None and due <= horizon
        if overdue or soon or needed.get(course.id):
            name, active = owners.get((course.owner or "").lower(), (None, True))
            rows.append(ReviewRow(course, name, not active, due, overdue, soon, needed.get(course.id, [])))
    return sorted(rows, key=lambda r: (not r.overdue, not r.due_soon, r.due is not None,
                                       r.due or dt.date.min, r.course.title))


def _owner_names(session: Session, addresses: list[str]) -> dict[str, tuple[str, bool]]:
    """Owner address -> (name, active) for the owners who are Trainer users."""
    if not addresses:
        return {}
    lowered = {address.lower() for address in addresses}
    return {email.lower(): (name, active) for email, name, active in session.execute(
        select(User.email, User.name, User.active).where(func.lower(User.email).in_(lowered),
                                                         User.pseudonymised_at.is_(None)))}


def mark_reviewed(session: Session, actor: Actor, course: Course, today: dt.date) -> bool:
    """Record that the course was checked against the law today: reviewed_on = today, no new
    version (its text did not change). False, and nothing written, if it already says today."""
    if course.reviewed_on == today:
        return False
    before = course.reviewed_on
    meta = dataclasses.replace(course_meta(course), reviewed_on=today)
    write_course(session, course, course.slug, meta, course.intro_source)
    audit.record(session, actor, "course.reviewed", course, course=course.slug,
                 reviewed_on=today.isoformat(), before=before.isoformat() if before else None)
    return True


def forget_owner(session: Session, actor: Actor, course: Course, why: str) -> None:
    """Take the owner off the course (e.g. the person was pseudonymised): the course then has
    no owner, which validate and the review list ask someone to fix."""
    meta = dataclasses.replace(course_meta(course), owner=None)
    write_course(session, course, course.slug, meta, course.intro_source)
    audit.record(session, actor, "course.owner_removed", course, course=course.slug, why=why)
