"""Course and module files for tests: valid by default, each part replaceable."""

from __future__ import annotations

from pathlib import Path

from trainer.content import ValidationFailed, parse_course, parse_module

COURSE_MD = """---
title: Test course
summary: A course for tests.
audience: everyone
owner: owner@example.com
reviewed_on: 2026-11-01
---
What this course is about.
"""


def question(n: int, *, text: str | None = None, correct: tuple[int, ...] = (1,),
             explanation: str = "Because.") -> str:
    """A question with three choices; `correct` numbers the right ones (1-based)."""
    choices = "".join(f"- [{'x' if i in correct else ' '}] Choice {i} of {n}\n" for i in (1, 2, 3))
    return f"### {text or f'Question {n}?'}\n{choices}> {explanation}\n"


def lesson(*, front: str = "title: A lesson\nminutes: 5\n", body: str = "## Section\n\nSome text.\n",
           questions: int = 5, quiz: str | None = None) -> str:
    """A lesson file: front matter, body, and a quiz of `questions` questions (or `quiz`)."""
    if quiz is None:
        quiz = "\n".join(question(n) for n in range(1, questions + 1))
    return f"---\n{front}---\n{body}\n## Quiz\n\n{quiz}"


def policy(*, front: str = "title: A policy\nminutes: 3\nkind: policy\n",
           body: str = "## Rules\n\nFollow them.\n") -> str:
    return f"---\n{front}---\n{body}"


def write_course(root: Path, slug: str = "test-course", modules: dict[str, str] | None = None,
                 course_md: str = COURSE_MD) -> Path:
    """A course folder under `root` with course.md and `modules` ({file name: text})."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.md").write_text(course_md)
    for name, text in (modules if modules is not None else {"01-first.md": lesson()}).items():
        (folder / name).write_text(text)
    return folder


def module_errors(text: str) -> list[tuple[int, str]]:
    """(line, message) of every problem parse_module finds; [] when the text is valid."""
    try:
        parse_module(text, "m.md")
    except ValidationFailed as failed:
        assert all(error.path == "m.md" for error in failed.errors)
        return [(error.line, error.message) for error in failed.errors]
    return []


def course_errors(text: str) -> list[tuple[int, str]]:
    try:
        parse_course(text, "course.md")
    except ValidationFailed as failed:
        return [(error.line, error.message) for error in failed.errors]
    return []


def has_error(errors: list[tuple[int, str]], line: int, fragment: str) -> bool:
    return any(number == line and fragment in message for number, message in errors)
