"""Course files -> database: new module versions for changed files, nothing for unchanged ones.

Versions are immutable evidence: a changed module file never edits a ModuleVersion, it adds
the next one; a module whose file disappeared is retired, never deleted.

Files and web edits live together (docs/authoring.md, "Files and the web editor"). Each
course and module remembers the hash of its file at the last import from files; a file that
has not changed since is left alone even when the web published newer versions since, so
re-running `make run` never reverts a web edit. A file that changed while the web changed
the same module is a conflict: reported, nothing imported for it, unless `prefer_files`.
A course .zip uploaded in the web (`from_files=False`) is itself a web edit: the admin saw
its dry run, so it is compared with the current versions and records no file hashes.
"""

from __future__ import annotations

import dataclasses
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
from trainer.people.directory import names_of

RETRY = "export first or use --prefer-files"


def import_courses(
    session: Session, path: Path | str, actor: Actor, *, dry_run: bool = False,
    from_files: bool = True, prefer_files: bool = False,
) -> ImportReport:
    """Import every course under `path` (a folder of course folders, or one course folder).

    Validates every file first and raises ValidationFailed, writing nothing, if any has a
    problem. With `dry_run` the report says what would happen and nothing is written.
    Otherwise it writes, records audit events and flushes; the caller commits. Conflicts
    with web edits are in `report.conflicts`; the rest is imported.
    """
    report = ImportReport(dry_run=dry_run)
    for course_file in load_courses(path):
        _import_course(session, course_file, actor, report, from_files, prefer_files)
    if not dry_run:
        session.flush()
    return report


def _import_course(session: Session, course_file: CourseFile, actor: Actor, report: ImportReport,
                   from_files: bool, prefer_files: bool) -> None:
    course = session.scalar(select(Course).where(Course.slug == course_file.slug))
    digest = course_hash(course_file.meta, course_file.intro)
    course_change = _plan_course(course_file, course, digest, from_files, prefer_files)
    report.courses.append(course_change)
    if course_change.action in ("created", "updated") and not report.dry_run:
        course = write_course(session, course, course_file.slug, course_file.meta, course_file.intro)
    existing = {module.slug: module for module in course.modules} if course is not None else {}
    plan = _plan_module if from_files else _plan_upload
    changes = [plan(course_file, existing.get(f.slug), f, prefer_files) for f in course_file.modules]
    on_disk = {f.slug for f in course_file.modules}
    missing = [_plan_missing(course_file, module, from_files, prefer_files)
               for slug, module in existing.items() if slug not in on_disk]
    changes += [change for change in missing if change is not None]
    _name_publishers(session, changes)
    report.modules.extend(changes)
    if report.dry_run or course is None:
        return
    if from_files and course_change.action != "conflict":
        course.file_hash = digest
    files = {f.slug: f for f in course_file.modules}
    if from_files:
        for change in changes:
            module, file = existing.get(change.module), files.get(change.module)
            if module is not None and file is not None and change.action not in ("conflict", "new_version",
                                                                                  "restored"):
                _remember_file(module, file)
    if course_change.action in ("unchanged", "conflict") and all(
            c.action in ("unchanged", "conflict") for c in changes):
        return
    for change in changes:
        _apply(session, course, existing.get(change.module), files.get(change.module), change, actor,
               from_files)
    session.expire(course, ["modules"])  # reload in position order, with any new modules
    audit.record(session, actor, "course.imported", course, course=course.slug, settings=course_change.action,
                 modules=dict(Counter(c.action for c in changes)))


def _plan_course(course_file: CourseFile, course: Course | None, digest: str, from_files: bool,
                 prefer_files: bool) -> CourseChange:
    slug = course_file.slug
    if course is None:
        return CourseChange(slug, "created")
    if course.source_hash == digest:
        return CourseChange(slug, "unchanged")
    if not from_files or prefer_files:
        return CourseChange(slug, "updated")
    if course.file_hash == digest:  # the file is as last imported: the web's settings stand
        return CourseChange(slug, "unchanged")
    if course.file_hash is not None and course.source_hash == course.file_hash:
        return CourseChange(slug, "updated")  # only the file changed
    return CourseChange(slug, "conflict", f"{course_file.path}/course.md: settings edited on the web since "
                                          f"the last import; {RETRY}")


def _plan_upload(course_file: CourseFile, module: Module | None, file: ModuleFile,
                 prefer_files: bool = False) -> ModuleChange:
    """What an uploaded course zip does to `module` (None: the module is new): the zip wins."""
    change = file.module.meta.change
    if module is None:
        return ModuleChange(course_file.slug, file.slug, "created", 1, change)
    current = module.current_version
    if current is not None and current.content_hash == file.module.content_hash:
        if module.retired_at:
            return ModuleChange(course_file.slug, file.slug, "restored")
        moved = module.position != file.number
        return ModuleChange(course_file.slug, file.slug, "moved" if moved else "unchanged")
    action = "restored" if module.retired_at else "new_version"
    return ModuleChange(course_file.slug, file.slug, action, next_version_number(module), change)


def _plan_module(course_file: CourseFile, module: Module | None, file: ModuleFile,
                 prefer_files: bool) -> ModuleChange:
    """What importing the course file `file` does to `module`, with web edits in mind."""
    slug, digest = course_file.slug, file.module.content_hash
    if module is None:
        return _plan_upload(course_file, module, file)
    if module.file_hash == digest and module.file_position is not None:
        # The text is as last imported: whatever the web did since stands (a retirement too).
        renumbered = module.file_position != file.number and module.position != file.number
        return ModuleChange(slug, file.slug, "moved" if renumbered and not module.retired_at else "unchanged")
    current = module.current_version
    if (current is None or current.content_hash == digest or prefer_files
            or (module.file_hash is not None and current.content_hash == module.file_hash)):
        # Never published, the file caught up with the web (an export), --prefer-files, or
        # only the file changed since the last import.
        return _plan_upload(course_file, module, file)
    note = f"{file.path}: edited on the web since the last import ({{version}}); {RETRY}"
    return ModuleChange(slug, file.slug, "conflict", note=note, web_version=current)


def _plan_missing(course_file: CourseFile, module: Module, from_files: bool,
                  prefer_files: bool) -> ModuleChange | None:
    """A module in the database without a file: retired when its file was deleted."""
    if module.retired_at is not None or not module.current_version_id:
        return None  # already retired, or added in the editor and never published
    current = module.current_version
    if not from_files or prefer_files or (module.file_hash is not None and current is not None
                                          and current.content_hash == module.file_hash):
        return ModuleChange(course_file.slug, module.slug, "retired")
    if module.file_hash is None:
        return None  # made in the web, never a file: nothing to retire
    note = (f"{course_file.path}/{module.slug}: file deleted, but edited on the web since the last "
            f"import ({{version}}); {RETRY}")
    return ModuleChange(course_file.slug, module.slug, "conflict", note=note, web_version=current)


def _name_publishers(session: Session, changes: list[ModuleChange]) -> None:
    versions = [c.web_version for c in changes if c.web_version is not None]
    names = names_of(session, [v.published_by_id for v in versions])
    for index, change in enumerate(changes):
        version = change.web_version
        if version is not None:
            who = names.get(version.published_by_id or 0, "an import")
            said = f"version {version.number} by {who} on {version.published_at:%d %b %Y}"
            changes[index] = dataclasses.replace(change, note=change.note.format(version=said))


def _remember_file(module: Module, file: ModuleFile) -> None:
    module.file_hash = file.module.content_hash
    module.file_position = file.number


def _apply(session: Session, course: Course, module: Module | None, file: ModuleFile | None,
           change: ModuleChange, actor: Actor, from_files: bool) -> None:
    if change.action in ("unchanged", "conflict"):
        return
    if change.action == "retired":
        assert module is not None
        module.retired_at = clock.now()
        module.file_position = None  # the file is gone: when it comes back, it restores the module
        audit.record(session, actor, "module.retired", module, course=course.slug, module=module.slug)
        return
    assert file is not None
    if module is None:
        module = Module(course=course, slug=file.slug, position=file.number)
        session.add(module)
    module.position = file.number
    module.retired_at = None
    if from_files:
        _remember_file(module, file)
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
