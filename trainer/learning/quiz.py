"""Quiz drawing, shuffling and grading: pure functions over ModuleVersion.quiz.

A version's quiz is a list of questions
`{"id", "text", "html", "detail_html", "multiple", "choices": [{"id", "text", "html",
"correct"}], "explanation_html"}`. Which choices are right never leaves this module before
an attempt is submitted: the page gets `ShownQuestion`s, whose choices are identified by
their position in the attempt's shuffled order ("1", "2", ...), not by their ids, so no
value in the page can encode correctness whatever the id scheme.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from typing import Any

from trainer.ints import parse_int
from trainer.percent import percent


class AnswerError(ValueError):
    """A submission that does not fit the attempt (tampered or stale); nothing is recorded."""


@dataclasses.dataclass(frozen=True)
class ShownChoice:
    value: str  # position in the shuffled order, what the form sends back
    html: str


@dataclasses.dataclass(frozen=True)
class ShownQuestion:
    """A question as the quiz page shows it: no correctness, no explanation."""

    id: str
    number: int
    html: str
    detail_html: str
    multiple: bool
    choices: list[ShownChoice]


@dataclasses.dataclass(frozen=True)
class GradedQuestion:
    """A question after submission: what was chosen, what was right, and why."""

    number: int
    html: str
    detail_html: str
    multiple: bool
    chosen: list[str]  # choice html, in shown order
    right: list[str]
    correct: bool
    explanation_html: str


def draw(quiz: Sequence[Mapping[str, Any]], seed: int, per_attempt: int | None) -> list[str]:
    """The ids of the questions an attempt shows, in order: all of them or `per_attempt`."""
    ids = [q["id"] for q in quiz]
    rng = random.Random(seed)
    if per_attempt is not None and 0 < per_attempt < len(ids):
        return rng.sample(ids, per_attempt)
    rng.shuffle(ids)
    return ids


def shuffled_choices(question: Mapping[str, Any], seed: int) -> list[Mapping[str, Any]]:
    """The question's choices in this attempt's order (the same on every reload)."""
    choices = list(question["choices"])
    random.Random(f"{seed}:{question['id']}").shuffle(choices)
    return choices


def questions_by_id(quiz: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {q["id"]: q for q in quiz}


def shown_questions(
    quiz: Sequence[Mapping[str, Any]], question_ids: Sequence[str], seed: int
) -> list[ShownQuestion]:
    """What the quiz page may show for an unsubmitted attempt."""
    by_id = questions_by_id(quiz)
    shown = []
    for number, question_id in enumerate(question_ids, start=1):
        question = by_id[question_id]
        choices = [
            ShownChoice(value=str(position), html=choice["html"])
            for position, choice in enumerate(shuffled_choices(question, seed), start=1)
        ]
        shown.append(ShownQuestion(question_id, number, question["html"],
                                   question.get("detail_html", ""), bool(question["multiple"]),
                                   choices))
    return shown


def field_name(question_id: str) -> str:
    """The form field carrying the answer to one question."""
    return f"q-{question_id}"


def parse_answers(
    quiz: Sequence[Mapping[str, Any]],
    question_ids: Sequence[str],
    seed: int,
    submitted: Mapping[str, list[str]],
) -> dict[str, list[str]]:
    """Turn form fields into {question id: [choice id, ...]} for this attempt.

    Raises AnswerError for a question that is not in the attempt, a choice that is not in
    the question, or several choices for a single-choice question. Unanswered questions
    map to an empty list (the caller decides whether that is acceptable).
    """
    expected = {field_name(q): q for q in question_ids}
    for name in submitted:
        if name.startswith("q-") and name not in expected:
            raise AnswerError("The answers do not match this quiz: a question is not part of it.")
    by_id = questions_by_id(quiz)
    answers: dict[str, list[str]] = {}
    for name, question_id in expected.items():
        question = by_id[question_id]
        order = shuffled_choices(question, seed)
        values = submitted.get(name, [])
        if len(values) > 1 and not question["multiple"]:
            raise AnswerError("The answers do not match this quiz: one answer was expected.")
        answers[question_id] = [_choice_id(order, value) for value in dict.fromkeys(values)]
    return answers


def _choice_id(order: Sequence[Mapping[str, Any]], value: str) -> str:
    position = parse_int(value, minimum=1, maximum=len(order))
    if position is None:
        raise AnswerError("The answers do not match this quiz: a choice is not part of it.")
    return order[position - 1]["id"]


def is_right(question: Mapping[str, Any], chosen: Sequence[str]) -> bool:
    """Right only when exactly the correct choices are selected."""
    correct = {c["id"] for c in question["choices"] if c["correct"]}
    return set(chosen) == correct


@dataclasses.dataclass(frozen=True)
class Score:
    """How many of the attempt's questions were answered right."""

    right: int
    asked: int

    @property
    def percent(self) -> int:
        """What the person is shown and what is stored (trainer.percent: 8 of 12 is 67)."""
        return percent(self.right, self.asked) if self.asked else 0

    def reaches(self, pass_mark: int) -> bool:
        """Passed: the exact share, not the rounded one (7 of 9 is 77.8%, short of a pass mark of 78)."""
        return self.asked > 0 and 100 * self.right >= pass_mark * self.asked


def score(
    quiz: Sequence[Mapping[str, Any]], question_ids: Sequence[str], answers: Mapping[str, Any]
) -> Score:
    """The attempt's score: questions right out of questions asked."""
    by_id = questions_by_id(quiz)
    right = sum(is_right(by_id[q], answers.get(q, [])) for q in question_ids)
    return Score(right, len(question_ids))


def graded_questions(
    quiz: Sequence[Mapping[str, Any]],
    question_ids: Sequence[str],
    seed: int,
    answers: Mapping[str, Any],
) -> list[GradedQuestion]:
    """The result page's review: each question with the answer given and the right one."""
    by_id = questions_by_id(quiz)
    graded = []
    for number, question_id in enumerate(question_ids, start=1):
        question = by_id[question_id]
        chosen = set(answers.get(question_id, []))
        order = shuffled_choices(question, seed)
        graded.append(GradedQuestion(
            number=number,
            html=question["html"],
            detail_html=question.get("detail_html", ""),
            multiple=bool(question["multiple"]),
            chosen=[c["html"] for c in order if c["id"] in chosen],
            right=[c["html"] for c in order if c["correct"]],
            correct=is_right(question, list(chosen)),
            explanation_html=question.get("explanation_html", ""),
        ))
    return graded
