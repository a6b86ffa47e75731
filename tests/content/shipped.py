"""The shipped courses (courses/) counted straight from the file tree.

Tests compare what the CLI and the importer report with these counts. They are taken from file
names, not from the importer under test, and follow the content writers' changes without a
magic number to edit.
"""

from __future__ import annotations

from pathlib import Path

COURSES = Path(__file__).parents[2] / "courses"


def shipped_courses() -> list[Path]:
    return sorted(folder for folder in COURSES.iterdir() if (folder / "course.md").is_file())


def shipped_modules() -> list[Path]:
    return sorted(path for folder in shipped_courses() for path in folder.glob("[0-9][0-9]-*.md"))

