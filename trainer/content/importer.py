"""Course files -> database: new module versions for changed files, nothing for unchanged ones.

Versions are immutable evidence: a changed module file never edits a ModuleVersion, it adds
the next one; a module whose file disappeared is retired, never deleted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.content.canonical import course_hash
from trainer.content.course_settings import write_course
from trainer.content.report import CourseChange, ImportReport, ModuleChange
from trainer.content.tree import CourseFile, ModuleFile, load_courses
from trainer.content.versions import add_version, next_version_number
from trainer.models import Course, Module, ModuleVersion


def import_courses(
    session: Session, path: Path | str, actor: Actor, *, dry_run: bool = False
) -> ImportReport:
    """Import every course under `path` (a folder of course folders, or one course folder).

    Validates every file first and raises ValidationFailed, writing nothing, if any has a
    problem. With `dry_run` the report says what would happen and nothing is written.
    Otherwise it writes, records audit events and flushes; the caller commits.
    """
    report = ImportReport(dry_run=dry_run)
    for course_file in load_courses(path):
        _import_course(session, course_file, actor, report)
    if not dry_run:
        session.flush()
    return report


def _import_course(session: Session, course_file: CourseFile, actor: Actor, report: ImportReport) -> None:
    course = session.scalar(select(Course).where(Course.slug == course_file.slug))
    digest = course_hash(course_file.meta, course_file.intro)
    if course is None:
        course_action = "created"
    else:
        course_action = "unchanged" if course.source_hash == digest else "updated"
    report.courses.append(CourseChange(course_file.slug, course_action))
    if course_action != "unchanged" and not report.dry_run:
        course = write_course(session, course, course_file.slug, course_file.meta, course_file.intro)
    existing = {module.slug: module for module in course.modules} if course is not None else {}
    changes = [_plan_module(course_file.slug, existing.get(f.slug), f) for f in course_file.modules]
    on_disk = {f.slug for f in course_file.modules}
    # A module added in the admin editor but never published has no file to lose: left alone.
    changes += [ModuleChange(course_file.slug, slug, "retired") for slug, module in existing.items()
                if slug not in on_disk and module.retired_at is None and module.current_version_id]
    report.modules.extend(changes)
    if report.dry_run or (course_action == "unchanged" and all(c.action == "unchanged" for c in changes)):
        return
    assert course is not None  # written above when it was new
    files = {f.slug: f for f in course_file.modules}
    for change in changes:
        _apply(session, course, existing.get(change.module), files.get(change.module), change, actor)
    session.expire(course, ["modules"])  # reload in position order, with any new modules
    audit.record(session, actor, "course.imported", course, course=course.slug, settings=course_action,
                 modules=dict(Counter(c.action for c in changes)))


def _plan_module(course_slug: str, module: Module | None, file: ModuleFile) -> ModuleChange:
    """What importing `file` does to `module` (None: the module is new)."""
    change = file.module.meta.change
    if module is None:
        return ModuleChange(course_slug, file.slug, "created", 1, change)
    current = module.current_version
    if current is not None and current.content_hash == file.module.content_hash:
        if module.retired_at:
            return ModuleChange(course_slug, file.slug, "restored")
        moved = module.position != file.number
        return ModuleChange(course_slug, file.slug, "moved" if moved else "unchanged")
    action = "restored" if module.retired_at else "new_version"
    return ModuleChange(course_slug, file.slug, action, next_version_number(module), change)


def _apply(session: Session, course: Course, module: Module | None, file: ModuleFile | None,
           change: ModuleChange, actor: Actor) -> None:
    if change.action == "unchanged":
        return
    if change.action == "retired":
        assert module is not None
        module.retired_at = clock.now()
        audit.record(session, actor, "module.retired", module, course=course.slug, module=module.slug)
        return
    assert file is not None
    if module is None:
        module = Module(course=course, slug=file.slug, position=file.number)
        session.add(module)
    module.position = file.number
    module.retired_at = None
    session.flush()
    if change.version is not None:
        meta = file.module.meta
        add_version(session, actor, module, file.module, change=meta.change, change_note=meta.change_note)


def published_major_versions(session: Session, report: ImportReport) -> list[ModuleVersion]:
    """The versions this import published as major changes (they reopen training)."""
    versions = []
    for change in report.modules:
        if change.change != "major" or change.version is None:
            continue
        version = session.scalar(
            select(ModuleVersion)
            .join(Module, Module.id == ModuleVersion.module_id)
            .join(Course, Course.id == Module.course_id)
            .where(Course.slug == change.course, Module.slug == change.module,
                   ModuleVersion.number == change.version)
        )
        if version is not None:
            versions.append(version)
    return versions
