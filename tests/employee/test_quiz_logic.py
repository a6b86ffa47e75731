"""Drawing, shuffling and grading quizzes (pure functions, no database)."""

from __future__ import annotations

import pytest

from tests.factories import make_question
from trainer.learning import quiz
from trainer.learning.quiz import AnswerError

POOL = [make_question(n) for n in range(1, 9)]


def test_a_pool_larger_than_questions_per_attempt_draws_that_many_at_random():
    draws = [quiz.draw(POOL, seed, 3) for seed in range(40)]
    assert all(len(d) == 3 and len(set(d)) == 3 for d in draws)
    assert len({q for d in draws for q in d}) == 8  # every question gets its turn
    assert len({tuple(d) for d in draws}) > 20


def test_without_a_limit_every_question_is_shown_in_a_shuffled_order():
    orders = {tuple(quiz.draw(POOL, seed, None)) for seed in range(20)}
    assert all(sorted(o) == sorted(q["id"] for q in POOL) for o in orders)
    assert len(orders) > 10


def test_the_same_seed_gives_the_same_questions_and_choice_order():
    first = quiz.shown_questions(POOL, quiz.draw(POOL, 7, 4), 7)
    again = quiz.shown_questions(POOL, quiz.draw(POOL, 7, 4), 7)
    assert first == again
    orders = {tuple(c.html for c in quiz.shown_questions(POOL, ["q1"], seed)[0].choices)
              for seed in range(30)}
    assert len(orders) == 6  # all permutations of three choices occur


def test_shown_questions_carry_no_correctness():
    shown = quiz.shown_questions(POOL, ["q1"], 3)[0]
    assert [c.value for c in shown.choices] == ["1", "2", "3"]
    assert not any(hasattr(c, "correct") or hasattr(c, "id") for c in shown.choices)


def form_for(question_ids, seed, pick):
    """Answer each question with the choices whose text `pick` accepts, as the form would."""
    by_id = quiz.questions_by_id(POOL)
    return {
        quiz.field_name(q): [str(i) for i, c in enumerate(quiz.shuffled_choices(by_id[q], seed), 1)
                             if pick(c["text"])]
        for q in question_ids
    }


def test_grading_counts_right_answers_and_shows_them_rounded():
    ids = ["q1", "q2", "q3"]
    answers = quiz.parse_answers(POOL, ids, 5, form_for(ids, 5, lambda t: t.startswith("Right")))
    assert quiz.score(POOL, ids, answers) == quiz.Score(3, 3)
    assert quiz.score(POOL, ids, answers).percent == 100
    answers["q3"] = ["q3c2"]
    assert quiz.score(POOL, ids, answers).percent == 67  # 2 of 3 is 66.7: rounded, not truncated


@pytest.mark.parametrize(("right", "asked", "pass_mark", "passes"), [
    (4, 5, 80, True),    # exactly the pass mark
    (3, 5, 80, False),   # just below
    (7, 9, 78, False),   # 77.8% is shown as 78 but does not reach a pass mark of 78
    (7, 9, 77, True),
    (0, 0, 0, False),    # nothing asked is never a pass
])
def test_passing_is_decided_on_the_exact_share_not_the_rounded_one(right, asked, pass_mark, passes):
    assert quiz.Score(right, asked).reaches(pass_mark) is passes


def test_a_multiple_choice_question_needs_exactly_its_right_choices():
    question = make_question(1, multiple=True)
    assert quiz.is_right(question, ["q1c1", "q1c3"])
    assert not quiz.is_right(question, ["q1c1"])
    assert not quiz.is_right(question, ["q1c1", "q1c2", "q1c3"])


@pytest.mark.parametrize("form", [
    {"q-q9": ["1"]},                 # a question that is not in the attempt
    {"q-q1": ["4"]},                 # a choice that does not exist
    {"q-q1": ["x"]},
    {"q-q1": ["1", "2"]},            # two answers to a single-choice question
])
def test_answers_that_do_not_fit_the_attempt_are_refused(form):
    with pytest.raises(AnswerError):
        quiz.parse_answers(POOL, ["q1", "q2"], 1, form)


def test_graded_questions_show_the_chosen_and_the_right_answers_with_explanations():
    ids = ["q1"]
    answers = quiz.parse_answers(POOL, ids, 2, form_for(ids, 2, lambda t: t.startswith("Wrong")))
    graded = quiz.graded_questions(POOL, ids, 2, answers)[0]
    assert graded.correct is False
    assert graded.chosen == ["Wrong answer 1"] and graded.right == ["Right answer 1"]
    assert graded.explanation_html == "<p>Because 1.</p>"
