"""Course folders on disk -> checked CourseFiles: file names, numbering and every file's content.

    courses/<course-slug>/course.md
    courses/<course-slug>/NN-<module-slug>.md    (NN: two digits, the module's position)
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from trainer.content.errors import ContentError, ValidationFailed
from trainer.content.meta import CourseMeta
from trainer.content.parser import (
    ParsedCourse,
    ParsedModule,
    normalise_source,
    parse_course_file,
    parse_module,
)

COURSE_FILE = "course.md"
# Validation patterns are used with fullmatch: `$` would also accept a trailing newline.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80  # Course.slug and Module.slug are String(80)
MODULE_NAME = re.compile(r"([0-9]{2})-(.+)\.md")


@dataclasses.dataclass
class ModuleFile:
    path: str
    number: int
    slug: str
    module: ParsedModule

    @property
    def file_name(self) -> str:
        return module_file_name(self.number, self.slug)


@dataclasses.dataclass
class CourseFile:
    path: str
    slug: str
    meta: CourseMeta
    intro: str
    modules: list[ModuleFile]
    key_lines: dict[str, int] = dataclasses.field(default_factory=dict)  # course.md key -> line

    @property
    def course_md(self) -> str:
        return f"{self.path}/{COURSE_FILE}"

    def line_of(self, key: str) -> int:
        """The line of a course.md key, or 1 (the opening `---`) when it is absent."""
        return self.key_lines.get(key, 1)


def module_file_name(number: int, slug: str) -> str:
    return f"{number:02d}-{slug}.md"


def load_courses(path: Path | str) -> list[CourseFile]:
    """Every course under `path` (a folder of course folders, or one course folder).

    Raises ValidationFailed with the problems of every file when any file has one.
    """
    root = Path(path)
    errors: list[ContentError] = []
    courses: list[CourseFile] = []
    for folder in _course_folders(root, errors):
        try:
            courses.append(load_course(folder))
        except ValidationFailed as failed:
            errors.extend(failed.errors)
    if errors:
        raise ValidationFailed(errors)
    return courses


def validate_courses(path: Path | str) -> tuple[list[CourseFile], list[ContentError]]:
    """The courses under `path` and every problem found (courses are empty when there is one)."""
    try:
        return load_courses(path), []
    except ValidationFailed as failed:
        return [], failed.errors


def _course_folders(root: Path, errors: list[ContentError]) -> list[Path]:
    if not root.is_dir():
        errors.append(ContentError(str(root), 0, "no such folder"))
        return []
    if (root / COURSE_FILE).is_file():
        return [root]
    folders = sorted(child for child in root.iterdir() if child.is_dir() and not child.name.startswith("."))
    if not folders:
        errors.append(ContentError(str(root), 0, "no course folders here (each needs a course.md)"))
    return folders


def load_course(folder: Path) -> CourseFile:
    """One course folder: course.md and its module files, all checked together."""
    errors: list[ContentError] = []
    slug = folder.resolve().name
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX:
        errors.append(ContentError(str(folder), 0, f"'{slug}' is not a valid course slug: use lower-case "
                                   f"letters, digits and single hyphens, at most {SLUG_MAX} characters"))
    course = _read_course_file(folder, errors)
    modules = _read_module_files(folder, errors)
    if errors or course is None:
        raise ValidationFailed(errors)
    return CourseFile(str(folder), slug, course.meta, course.intro, modules, course.key_lines)


def _read_course_file(folder: Path, errors: list[ContentError]) -> ParsedCourse | None:
    path = folder / COURSE_FILE
    if not path.is_file():
        errors.append(ContentError(str(path), 0, "missing: every course folder needs a course.md"))
        return None
    text = _read_text(path, errors)
    if text is None:
        return None
    try:
        return parse_course_file(text, str(path))
    except ValidationFailed as failed:
        errors.extend(failed.errors)
        return None


def _read_module_files(folder: Path, errors: list[ContentError]) -> list[ModuleFile]:
    modules: list[ModuleFile] = []
    numbers: dict[int, str] = {}
    slugs: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name == COURSE_FILE:
            continue
        named = _module_name(path, errors)
        if named is None:
            continue
        number, slug = named
        if number in numbers:
            errors.append(ContentError(str(path), 0,
                                       f"number {number:02d} is also used by {numbers[number]}"))
        if slug in slugs:
            errors.append(ContentError(str(path), 0, f"module slug '{slug}' is also used by {slugs[slug]}"))
        numbers.setdefault(number, path.name)
        slugs.setdefault(slug, path.name)
        text = _read_text(path, errors)
        if text is None:
            continue
        try:
            modules.append(ModuleFile(str(path), number, slug, parse_module(text, str(path))))
        except ValidationFailed as failed:
            errors.extend(failed.errors)
    return modules


def _module_name(path: Path, errors: list[ContentError]) -> tuple[int, str] | None:
    match = MODULE_NAME.fullmatch(path.name)
    if match and SLUG.fullmatch(match.group(2)) and len(match.group(2)) <= SLUG_MAX:
        return int(match.group(1)), match.group(2)
    errors.append(ContentError(str(path), 0, "a module file is named NN-slug.md: two digits, a hyphen, then "
                               "lower-case letters, digits and single hyphens (e.g. 01-lawful-bases.md)"))
    return None


def _read_text(path: Path, errors: list[ContentError]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as error:
        errors.append(ContentError(str(path), 0, f"cannot be read: {error.strerror or error}"))
        return None
    try:
        return normalise_source(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        errors.append(ContentError(str(path), line, "is not UTF-8 text; save the file as UTF-8"))
        return None
