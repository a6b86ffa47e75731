"""Text of one course or module file -> checked objects (parse and validate, no database).

Every problem in a file is collected and raised together as ValidationFailed; nothing else
escapes, whatever the text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from trainer.content.errors import Problems
from trainer.content.frontmatter import Document, parse_document
from trainer.content.markdown import ADMONITION_TYPES, render_markdown
from trainer.content.meta import CourseMeta, ModuleMeta, read_course_meta, read_module_meta
from trainer.content.quiz import Question, parse_quiz, snapshot
from trainer.textcheck import control_characters

QUIZ_HEADING = "## Quiz"
H1 = re.compile(r"^ {0,3}#(\s|$)")
SETEXT_H1 = re.compile(r"^ {0,3}=+\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
ADMONITION = re.compile(r'^\s*!!!\s*(\S*)')
ADMONITION_LINE = re.compile(r'^\s*!!! [a-z]+(?: "[^"]*")?\s*$')


def normalise_source(text: str) -> str:
    """The form in which files are hashed and stored: no BOM, LF line ends, one final newline."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.rstrip("\n")
    return stripped + "\n" if stripped else ""


def content_hash(text: str) -> str:
    """sha256 of the normalised text: equal hashes mean nothing to import."""
    return hashlib.sha256(normalise_source(text).encode()).hexdigest()


@dataclasses.dataclass
class ParsedModule:
    """One module file, checked: settings, Markdown body and quiz questions."""

    source: str
    meta: ModuleMeta
    body: str
    questions: list[Question]
    key_lines: dict[str, int] = dataclasses.field(default_factory=dict)  # front-matter key -> file line

    def line_of(self, key: str) -> int:
        """The file line of a front-matter key, or 1 (the opening `---`) when it is absent."""
        return self.key_lines.get(key, 1)

    @property
    def content_hash(self) -> str:
        return content_hash(self.source)

    def body_html(self) -> str:
        return render_markdown(self.body)

    def quiz_snapshot(self) -> list[dict[str, Any]]:
        return snapshot(self.questions)


def parse_module(text: str, path: str = "module.md") -> ParsedModule:
    """Parse and check a module file; raises ValidationFailed listing every problem."""
    source = normalise_source(text)
    problems = Problems(path)
    refuse_control_characters(source, problems)
    problems.raise_if_any()  # parsing such text would only add confusing follow-up errors
    document = parse_document(source, problems)
    meta = read_module_meta(document, problems)
    lines = document.body.split("\n")
    quiz_at = scan_body(lines, document.body_line, problems, quiz_heading=True)
    body_lines = lines if quiz_at is None else lines[:quiz_at]
    questions: list[Question] = []
    if quiz_at is not None:
        questions = parse_quiz(lines[quiz_at + 1 :], document.body_line + quiz_at + 1, problems)
    if document.ok:
        _check_module(meta, document, body_lines, quiz_at, questions, problems)
    problems.raise_if_any()
    return ParsedModule(source, meta, "\n".join(body_lines).strip("\n") + "\n", questions,
                        dict(document.key_lines))


def _check_module(meta: ModuleMeta, document: Document, body_lines: list[str], quiz_at: int | None,
                  questions: list[Question], problems: Problems) -> None:
    """The rules that tie front matter, body and quiz together."""
    line_of, body_line = document.line_of, document.body_line
    if not any(line.strip() for line in body_lines):
        problems.add(body_line, "the module has no text; write the lesson or policy in Markdown here")
    if meta.kind == "lesson" and quiz_at is None:
        problems.add(line_of("kind"), f"a lesson needs a quiz: a '{QUIZ_HEADING}' line and questions")
    elif meta.kind == "lesson" and quiz_at is not None and not questions:
        problems.add(body_line + quiz_at, "the quiz has no questions; a question starts with '### '")
    if meta.kind == "policy" and quiz_at is not None:
        problems.add(body_line + quiz_at, "a policy has no quiz (it is acknowledged); remove this section")
    pool = len(questions)
    if meta.kind == "lesson" and pool and (meta.questions_per_attempt or 0) > pool:
        problems.add(line_of("questions_per_attempt"),
                     f"questions_per_attempt is {meta.questions_per_attempt} but the quiz has only "
                     f"{pool} question{'s' if pool != 1 else ''}")


def refuse_control_characters(source: str, problems: Problems, limit: int = 5) -> None:
    """NUL and other control characters (trainer/textcheck.py), named by line and column."""
    for n, found in enumerate(control_characters(source)):
        if n == limit:
            problems.add(found.line, "more control characters follow; remove them all")
            break
        problems.add(found.line, f"column {found.column}: the control character {found.name} "
                                 "does not belong in a course file; remove it")


def scan_body(lines: list[str], first_line: int, problems: Problems, *, quiz_heading: bool) -> int | None:
    """Check Markdown body lines; returns the index of the `## Quiz` line (outside code), if any."""
    fence: str | None = None
    for index, line in enumerate(lines):
        number = first_line + index
        if match := FENCE.match(line):
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):]:
                fence = None
            continue
        if fence is not None:
            continue
        if quiz_heading and line.rstrip() == QUIZ_HEADING:
            return index
        _check_body_line(lines, index, number, problems)
    return None


def _check_body_line(lines: list[str], index: int, number: int, problems: Problems) -> None:
    line = lines[index]
    if H1.match(line):
        problems.add(number, "a level-1 heading ('# '); the title comes from the front matter, "
                             "so sections start at '## '")
    elif SETEXT_H1.match(line) and index > 0 and lines[index - 1].strip():
        problems.add(number - 1, "a level-1 heading (text underlined with '==='); sections start at '## '")
    elif match := ADMONITION.match(line):
        kind = match.group(1)
        if kind not in ADMONITION_TYPES or not ADMONITION_LINE.match(line):
            problems.add(number, f"a malformed admonition; write '!!! type \"Title\"' with type one of "
                                 f"{', '.join(ADMONITION_TYPES)}")


@dataclasses.dataclass
class ParsedCourse:
    """course.md, checked: settings, Markdown introduction, and the line of each key."""

    meta: CourseMeta
    intro: str
    key_lines: dict[str, int] = dataclasses.field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The file line of a front-matter key, or 1 (the opening `---`) when it is absent."""
        return self.key_lines.get(key, 1)


def parse_course(text: str, path: str = "course.md") -> tuple[CourseMeta, str]:
    """Parse and check course.md: its settings and its Markdown introduction (may be empty)."""
    parsed = parse_course_file(text, path)
    return parsed.meta, parsed.intro


def parse_course_file(text: str, path: str = "course.md") -> ParsedCourse:
    """parse_course, keeping the line of each front-matter key (for warnings about them)."""
    problems = Problems(path)
    source = normalise_source(text)
    refuse_control_characters(source, problems)
    problems.raise_if_any()  # parsing such text would only add confusing follow-up errors
    document = parse_document(source, problems)
    meta = read_course_meta(document, problems)
    scan_body(document.body.split("\n"), document.body_line, problems, quiz_heading=False)
    problems.raise_if_any()
    return ParsedCourse(meta, document.body, dict(document.key_lines))
