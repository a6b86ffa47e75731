"""The one publish path: write the content, then run the compliance follow-up.

Content reaches employees three ways -- the module editor, a course zip uploaded by an
admin, and `trainer courses import` (files) -- and every one goes through
`publish_content`, so none can skip the follow-up: course settings feed the course's
default requirement, major module versions reopen training, then assignments are synced
(a fresh install assigns the shipped courses at once).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.audit import Actor
from trainer.compliance.content_changes import reopen_after_major_change
from trainer.compliance.requirements import ensure_course_default
from trainer.compliance.sync import SyncResult, sync_assignments
from trainer.content.archive import import_course_archive
from trainer.content.authoring import Publication, publish
from trainer.content.importer import import_courses, published_major_versions
from trainer.content.report import ImportReport
from trainer.models import Course, Module, ModuleVersion


@dataclasses.dataclass(frozen=True)
class FollowUp:
    reopened: int
    sync: SyncResult

    def summary(self) -> str:
        return f"{self.reopened} reopened after major changes; assignments: {self.sync.summary()}"


@dataclasses.dataclass(frozen=True)
class ModuleEdit:
    """A text published from the module editor."""

    module: Module
    request: Publication


@dataclasses.dataclass(frozen=True)
class CourseFiles:
    """A folder of course folders (or one course folder) on disk.

    A file changed while the web changed the same module is a conflict (not imported, listed
    in the report) unless `prefer_files`.
    """

    path: Path
    prefer_files: bool = False


@dataclasses.dataclass(frozen=True)
class CourseArchive:
    """A course .zip uploaded by an admin."""

    data: bytes


Source = ModuleEdit | CourseFiles | CourseArchive


@dataclasses.dataclass(frozen=True)
class Published:
    """What was written, and what the compliance engine did about it (None: nothing changed)."""

    follow_up: FollowUp | None
    version: ModuleVersion | None = None  # from the editor
    report: ImportReport | None = None  # from files or a zip


def publish_content(session: Session, actor: Actor, today: dt.date, source: Source, *,
                    refresher_window_days: int = 30) -> Published:
    """Publish `source` and apply the compliance follow-up; the caller commits.

    Raises what the writer raises (EditConflict, ValidationFailed, AuthoringError,
    ArchiveError) before anything is followed up.
    """
    if isinstance(source, ModuleEdit):
        version = publish(session, actor, source.module, source.request)
        follow_up = apply_published_content(
            session, actor, today, course_slugs=[source.module.course.slug],
            major_versions=[version], refresher_window_days=refresher_window_days)
        return Published(follow_up, version=version)
    if isinstance(source, CourseFiles):
        report = import_courses(session, source.path, actor, prefer_files=source.prefer_files)
    else:
        report = import_course_archive(session, actor, source.data, dry_run=False)
    if not report.changed:
        return Published(None, report=report)
    follow_up = apply_published_content(
        session, actor, today, course_slugs=[c.slug for c in report.courses if c.action != "unchanged"],
        major_versions=published_major_versions(session, report), refresher_window_days=refresher_window_days)
    return Published(follow_up, report=report)


def apply_published_content(
    session: Session,
    actor: Actor,
    today: dt.date,
    *,
    course_slugs: Iterable[str] = (),
    major_versions: Iterable[ModuleVersion] = (),
    refresher_window_days: int = 30,
) -> FollowUp:
    """Keep default requirements in step with changed courses, reopen, then sync.

    Publishing calls this through `publish_content`; saving a course's settings calls it
    directly (no version is written then).
    """
    slugs = set(course_slugs)
    if slugs:
        for course in session.scalars(select(Course).where(Course.slug.in_(slugs))):
            ensure_course_default(session, actor, course)
    reopened = sum(reopen_after_major_change(session, actor, v, today) for v in major_versions)
    result = sync_assignments(session, today, actor=actor, refresher_window_days=refresher_window_days)
    return FollowUp(reopened=reopened, sync=result)
