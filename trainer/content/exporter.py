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
from trainer.content.course_settings import course_meta
from trainer.content.tree import COURSE_FILE, module_file_name
from trainer.models import Course, ModuleVersion
from trainer.models.course import FILE


class ExportError(Exception):
    """The export cannot be written (e.g. the folder is not empty)."""


@dataclasses.dataclass
class ExportResult:
    courses: int = 0
    modules: int = 0
    removed: list[str] = dataclasses.field(default_factory=list)  # stale module files (--update)


def export_courses(session: Session, directory: Path | str, *, update: bool = False) -> ExportResult:
    """Write every active course into `directory`, which must be empty or not exist yet.

    An empty folder is required so that no stale module file from an earlier export can be
    imported again by mistake. With `update` the folder may hold course folders (a Git
    checkout): each exported course's files are written over, and its module files that
    the database no longer has (renumbered or retired modules) are deleted -- Git keeps them.
    Other folders and files are left alone.
    """
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} is not a folder")
    if root.exists() and any(root.iterdir()) and not update:
        raise ExportError(f"{root} is not an empty folder; export into a new or empty one, or use --update "
                          "to write over the course files in it")
    result = ExportResult()
    courses = session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.slug)
                              .options(undefer_group(FILE)))
    for course in courses:
        files = course_files(course)
        if update:
            result.removed += _remove_stale(root / course.slug, {relative for relative, _ in files})
        for relative, text in files:
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        result.courses += 1
        result.modules += len(files) - 1  # all but course.md
    return result


def _remove_stale(folder: Path, keep: set[str]) -> list[str]:
    if not folder.is_dir():
        return []
    stale = [path for path in sorted(folder.glob("*.md"))
             if path.name != COURSE_FILE and f"{folder.name}/{path.name}" not in keep]
    for path in stale:
        path.unlink()
    return [str(path) for path in stale]


def course_files(course: Course) -> list[tuple[str, str]]:
    """(`<slug>/course.md` or `<slug>/NN-<module>.md`, text) for the course and its published modules."""
    files = [(f"{course.slug}/{COURSE_FILE}", course_text(course_meta(course), course.intro_source))]
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
