"""What an import did (or, in a dry run, would do), per course and per module."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

# Module actions, in the order a summary lists them.
MODULE_ACTIONS = ("created", "new_version", "restored", "moved", "unchanged", "retired", "conflict")


@dataclasses.dataclass(frozen=True)
class CourseChange:
    slug: str
    action: str  # created | updated | unchanged | conflict
    note: str = ""  # for a conflict: what happened and what to do


@dataclasses.dataclass(frozen=True)
class ModuleChange:
    course: str
    module: str
    action: str  # one of MODULE_ACTIONS
    version: int | None = None  # the version published by this import, if any
    change: str | None = None  # minor | major, with a new version
    note: str = ""  # for a conflict: what happened and what to do
    web_version: Any = None  # for a conflict: the ModuleVersion published on the web since

    def describe(self) -> str:
        name = f"{self.course}/{self.module}"
        if self.action == "conflict":
            return f"{name}: CONFLICT, not imported: {self.note}"
        if self.action == "created":
            return f"{name}: created (version 1)"
        if self.action == "new_version":
            return f"{name}: new version {self.version} ({self.change})"
        if self.action == "restored" and self.version:
            return f"{name}: restored, new version {self.version} ({self.change})"
        return f"{name}: {self.action}"


@dataclasses.dataclass
class ImportReport:
    dry_run: bool = False
    courses: list[CourseChange] = dataclasses.field(default_factory=list)
    modules: list[ModuleChange] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import wrote (or, dry, would write) anything."""
        return any(c.action not in ("unchanged", "conflict") for c in self.courses) or any(
            m.action not in ("unchanged", "conflict") for m in self.modules)

    @property
    def conflicts(self) -> list[str]:
        """Files not imported because the web changed the same thing since the last import."""
        return [c.note for c in self.courses if c.action == "conflict"] + [
            m.note for m in self.modules if m.action == "conflict"]

    def module_actions(self) -> dict[str, str]:
        """{"course/module": action}: handy for tests and callers that act on changes."""
        return {f"{m.course}/{m.module}": m.action for m in self.modules}

    def lines(self) -> list[str]:
        """One line per course whose settings changed and per module."""
        courses = [f"{c.slug}: course settings CONFLICT, not imported: {c.note}" if c.action == "conflict"
                   else f"{c.slug}: course {c.action}" for c in self.courses if c.action != "unchanged"]
        return courses + [m.describe() for m in self.modules]

    def summary(self) -> str:
        counts = Counter(m.action for m in self.modules)
        parts = [f"{counts[a]} {a.replace('_', ' ')}" for a in MODULE_ACTIONS if counts[a]]
        course_counts = Counter(c.action for c in self.courses)
        course_part = ", ".join(f"{n} {action}" for action, n in sorted(course_counts.items()))
        prefix = "Dry run, nothing saved: " if self.dry_run else ""
        return (f"{prefix}{len(self.courses)} course(s) ({course_part or 'none'}); "
                f"{len(self.modules)} module(s) ({', '.join(parts) or 'none'}).")
