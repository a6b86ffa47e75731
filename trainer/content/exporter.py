"""Database -> course files, in the format import reads: export then import changes nothing.

course.md is written in its canonical form (see canonical.py); each module file is the stored
source of its current version, byte for byte. Retired courses and modules are not exported.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, undefer, undefer_group

from trainer.content.canonical import course_text
from trainer.content.meta import CourseMeta
from trainer.content.tree import COURSE_FILE, module_file_name
from trainer.models import Course, ModuleVersion
from trainer.models.course import FILE


class ExportError(Exception):
    """The export cannot be written (e.g. the folder is not empty)."""


@dataclasses.dataclass
class ExportResult:
    courses: int = 0
    modules: int = 0


def export_courses(session: Session, directory: Path | str) -> ExportResult:
    """Write every active course into `directory`, which must be empty or not exist yet.

    An empty folder is required so that no stale module file from an earlier export can be
    imported again by mistake.
    """
    root = Path(directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ExportError(f"{root} is not an empty folder; export into a new or empty one")
    result = ExportResult()
    courses = session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.slug)
                              .options(undefer_group(FILE)))
    for course in courses:
        files = course_files(course)
        for relative, text in files:
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        result.courses += 1
        result.modules += len(files) - 1  # all but course.md
    return result


def course_files(course: Course) -> list[tuple[str, str]]:
    """(`<slug>/course.md` or `<slug>/NN-<module>.md`, text) for the course and its published modules."""
    files = [(f"{course.slug}/{COURSE_FILE}", course_text(_course_meta(course), course.intro_source))]
    _load_sources(course)
    for module in course.active_modules:
        if module.current_version is not None:
            name = module_file_name(module.position, module.slug)
            files.append((f"{course.slug}/{name}", module.current_version.source))
    return files


def _load_sources(course: Course) -> None:
    """Load the (deferred) sources of the course's current versions in one query, not one each."""
    session = object_session(course)
    ids = [m.current_version_id for m in course.active_modules if m.current_version_id]
    if session is not None and ids:
        session.scalars(select(ModuleVersion).where(ModuleVersion.id.in_(ids))
                        .options(undefer(ModuleVersion.source))).all()


def _course_meta(course: Course) -> CourseMeta:
    return CourseMeta(
        title=course.title, summary=course.summary, pass_mark=course.pass_mark,
        refresher_months=course.refresher_months, due_days=course.due_days,
        audience=course.audience, regulations=list(course.regulations),
    )
