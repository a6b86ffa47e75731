"""The `## Quiz` section: its grammar, its checks and the snapshot stored on a ModuleVersion.

    ### Question text, on one line
    Optional scenario or detail text (Markdown) before the choices.
    - [ ] a wrong choice
    - [x] a right choice          (several [x] make it a multiple-choice question)
    > The explanation shown after submitting; one or more '>' lines.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from trainer.content.errors import Problems
from trainer.content.markdown import render_inline, render_markdown

QUESTION = re.compile(r"^###(?!#)\s*(.*)$")
CHOICE = re.compile(r"^- \[([ xX])\] +(\S.*)$")
# Lines meant as a choice but not written as one: "-[x] a", "* [ ] b", "- [] c", "- [y] d".
CHECKBOX_LIKE = re.compile(r"^\s*(?:[-*+]\s*\[.?.?\]|\[[ xX]?\])")
LIST_ITEM = re.compile(r"^\s*[-*+](\s|$)")
ID_LENGTH = 12


@dataclasses.dataclass
class Choice:
    text: str
    correct: bool
    line: int


@dataclasses.dataclass
class Question:
    text: str
    line: int
    detail_lines: list[str] = dataclasses.field(default_factory=list)
    choices: list[Choice] = dataclasses.field(default_factory=list)
    explanation_lines: list[str] = dataclasses.field(default_factory=list)

    @property
    def detail(self) -> str:
        return "\n".join(self.detail_lines).strip("\n")

    @property
    def explanation(self) -> str:
        return "\n".join(self.explanation_lines).strip()

    @property
    def multiple(self) -> bool:
        return sum(choice.correct for choice in self.choices) > 1


def parse_quiz(lines: list[str], first_line: int, problems: Problems) -> list[Question]:
    """Questions from the lines after `## Quiz` (`first_line` is the file line of lines[0])."""
    questions: list[Question] = []
    current: Question | None = None
    for number, raw in enumerate(lines, start=first_line):
        line = raw.rstrip()
        if not line.strip():
            if current is not None and not current.choices and current.detail_lines:
                current.detail_lines.append("")
            continue
        if match := QUESTION.match(line):
            current = Question(text=match.group(1).strip(), line=number)
            questions.append(current)
        elif current is None:
            problems.add(number, "text before the first question; a question starts with '### '")
        else:
            _question_line(current, line, number, problems)
    for question in questions:
        _check_question(question, problems)
    _check_duplicates(questions, problems)
    return questions


def _question_line(question: Question, line: str, number: int, problems: Problems) -> None:
    """One line after a question's heading: detail, a choice or the explanation."""
    explaining = bool(question.explanation_lines)
    if match := CHOICE.match(line):
        if explaining:
            problems.add(number, "a choice after the explanation; choices come before the '>' lines")
        else:
            question.choices.append(Choice(match.group(2).strip(), match.group(1) != " ", number))
    elif line.startswith(">"):
        if not question.choices:
            problems.add(number, "an explanation before any choice; write the choices first")
        else:
            question.explanation_lines.append(line[2:] if line.startswith("> ") else line[1:])
    elif line.lstrip().startswith("#"):
        problems.add(number, "a heading inside the quiz; the quiz runs to the end of the file and "
                             "only '### ' (a question) may start a line with '#'")
    elif CHECKBOX_LIKE.match(line) or (question.choices and LIST_ITEM.match(line)):
        problems.add(number, "a malformed choice; write '- [ ] text' (wrong) or '- [x] text' (right)")
    elif question.choices:
        where = "the explanation" if explaining else "the choices"
        problems.add(number, f"unexpected text after {where}; explanation lines start with '> ' "
                             "and a new question with '### '")
    else:
        question.detail_lines.append(line)


def _check_question(question: Question, problems: Problems) -> None:
    if not question.text:
        problems.add(question.line, "a question without text; write it after '### '")
    if len(question.choices) < 2:
        problems.add(question.line,
                     f"a question needs at least 2 choices; this one has {len(question.choices)}")
    elif not any(choice.correct for choice in question.choices):
        problems.add(question.line, "a question without a correct answer; mark it with '- [x]'")
    if not question.explanation:
        problems.add(question.line, "a question without an explanation; add '> why' lines after the choices")
    seen: dict[str, int] = {}
    for choice in question.choices:
        key = normalise(choice.text)
        if key in seen:
            problems.add(choice.line, f"the same choice twice in one question (first on line {seen[key]})")
        seen.setdefault(key, choice.line)


def _check_duplicates(questions: list[Question], problems: Problems) -> None:
    seen: dict[str, int] = {}
    for question in questions:
        key = normalise(question.text)
        if key and key in seen:
            problems.add(question.line, f"the same question twice in this module (first on line {seen[key]})")
        seen.setdefault(key, question.line)


def normalise(text: str) -> str:
    """What makes two texts "the same": case and runs of whitespace do not count."""
    return " ".join(text.split()).casefold()


def stable_id(text: str, taken: set[str]) -> str:
    """An id from the text's hash: the same wording gives the same id in every version."""
    digest = hashlib.sha256(normalise(text).encode()).hexdigest()
    length = ID_LENGTH
    while digest[:length] in taken and length < len(digest):
        length += 1  # a prefix collision in one module: lengthen rather than collide
    return digest[:length]


def stable_ids(texts: list[str]) -> list[str]:
    """A stable id for each text, in order, unique among them."""
    ids: list[str] = []
    for text in texts:
        ids.append(stable_id(text, set(ids)))
    return ids


def snapshot(questions: list[Question]) -> list[dict[str, Any]]:
    """The quiz as stored in ModuleVersion.quiz: plain text, sanitised HTML, stable ids."""
    return [
        {
            "id": question_id,
            "text": question.text,
            "html": render_inline(question.text),
            "detail_html": render_markdown(question.detail),
            "multiple": question.multiple,
            "choices": [
                {"id": choice_id, "text": choice.text, "html": render_inline(choice.text),
                 "correct": choice.correct}
                for choice, choice_id in zip(question.choices, stable_ids([c.text for c in question.choices]),
                                             strict=True)
            ],
            "explanation_html": render_markdown(question.explanation),
        }
        for question, question_id in zip(questions, stable_ids([q.text for q in questions]), strict=True)
    ]
