"""Taking a quiz through the web: answers stay hidden, grading is the server's, submits count once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.employee.helpers import enrol, open_quiz, quiz_url, submit_quiz
from tests.factories import make_user, publish_version
from trainer.models import Assignment, ModuleCompletion, QuizAttempt


@pytest.fixture
def ada(session, auth):
    user, course = enrol(session)
    auth.login("ada@example.com")
    return user, course, course.active_modules[0]


def count(session, model, *where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_quiz_page_never_contains_which_answers_are_right(client, ada):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    page = form.page
    assert len(form.questions) == 3
    assert "correct" not in page.lower()
    assert "Because" not in page  # explanations come only after submitting
    for question in lesson.current_version.quiz:
        for choice in question["choices"]:
            assert choice["id"] not in page  # choice ids could encode the answer key
    values = {v for choices in form.questions.values() for v, _ in choices}
    assert values == {"1", "2", "3"}
    assert not re.search(r"data-[a-z-]+=", page)


def test_reloading_the_quiz_keeps_the_same_attempt_and_order(client, session, ada):
    _, course, lesson = ada
    first = open_quiz(client, course, lesson)
    second = open_quiz(client, course, lesson)
    assert first.token == second.token
    assert first.questions == second.questions
    assert count(session, QuizAttempt) == 1


def test_failing_shows_what_was_wrong_not_the_right_answers_then_passing_completes(client, session, ada):
    _, course, lesson = ada
    response = submit_quiz(client, course, lesson, open_quiz(client, course, lesson), right=False)
    assert response.status_code == 302
    result = client.get(response.location).get_data(as_text=True)
    assert "You scored <strong>0%</strong>" in result
    assert "Not passed" in result and "The pass mark for" in result and "80%" in result
    # The default (show right answers after passing): which answers were wrong and the
    # explanations, not the right choices -- failing on purpose must not reveal them.
    assert "Not right" in result and "Because 1." in result
    assert "Right answer 1" not in result and "Right answer:" not in result
    assert count(session, ModuleCompletion) == 0

    retry = open_quiz(client, course, lesson)
    assert retry.token not in result  # a failed attempt is closed; the retry is a new one
    response = submit_quiz(client, course, lesson, retry, right=True)
    result = client.get(response.location).get_data(as_text=True)
    assert "You scored <strong>100%</strong>" in result and "Passed" in result
    assert "Right answer:" in result  # after passing, the right choices are shown
    completion = session.scalar(select(ModuleCompletion))
    assert completion.method == "quiz" and completion.score == 100
    assert completion.module_version_id == lesson.current_version_id
    attempts = session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
    assert [a.passed for a in attempts] == [False, True]
    assert completion.attempt_id == attempts[1].id


def test_a_question_is_right_only_with_exactly_its_right_choices(client, session, auth):
    make_user(session, email="bo@example.com")
    from tests.factories import make_course, make_question

    course = make_course(session, modules=1, questions=1)
    version = course.active_modules[0].current_version
    version.quiz = [make_question(1, multiple=True), make_question(2, multiple=True)]
    session.commit()
    auth.login("bo@example.com")
    module = course.active_modules[0]
    form = open_quiz(client, course, module)
    answers = form.answers(right=True)
    first = sorted(answers)[0]
    answers[first] = answers[first][:1]  # only one of the two right choices
    assert 'type="checkbox"' in form.page
    response = submit_quiz(client, course, module, form, answers=answers)
    session.expire_all()
    attempt = session.scalar(select(QuizAttempt))
    assert attempt.score == 50 and attempt.passed is False
    assert "Your answers:" in client.get(response.location).get_data(as_text=True)


def test_double_submit_records_one_attempt_and_shows_its_result(client, session, ada):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    first = submit_quiz(client, course, lesson, form, right=True)
    again = submit_quiz(client, course, lesson, form, right=False)  # replayed, even changed
    assert again.status_code == 302 and again.location == first.location
    page = client.get(again.location).get_data(as_text=True)
    assert "already submitted" in page and "100%" in page
    assert count(session, QuizAttempt, QuizAttempt.submitted_at.is_not(None)) == 1
    assert count(session, ModuleCompletion) == 1


@pytest.mark.parametrize("tamper", ["unknown question", "unknown choice", "two answers to one"])
def test_tampered_answers_are_refused_and_nothing_is_recorded(client, session, ada, tamper):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    answers = form.answers(right=True)
    name = sorted(answers)[0]
    if tamper == "unknown question":
        answers["q-not-in-this-attempt"] = ["1"]
    elif tamper == "unknown choice":
        answers[name] = ["9"]
    else:
        answers[name] = ["1", "2"]
    response = submit_quiz(client, course, lesson, form, answers=answers)
    assert response.status_code == 302 and response.location.endswith(quiz_url(course, lesson))
    page = client.get(response.location).get_data(as_text=True)
    assert "do not match this quiz" in page and "Nothing was recorded" in page
    assert count(session, QuizAttempt, QuizAttempt.submitted_at.is_not(None)) == 0
    assert count(session, ModuleCompletion) == 0


def test_a_submission_for_an_older_version_is_refused(client, session, ada):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    publish_version(session, lesson, change="minor")
    session.commit()
    response = submit_quiz(client, course, lesson, form, right=True)
    assert response.location.endswith(f"/courses/{course.slug}/{lesson.slug}")
    page = client.get(response.location).get_data(as_text=True)
    assert "module was updated after you started the quiz" in page
    assert count(session, ModuleCompletion) == 0
    assert count(session, QuizAttempt, QuizAttempt.submitted_at.is_not(None)) == 0
    assert open_quiz(client, course, lesson).token != form.token  # the new version's attempt


def test_a_forged_version_field_is_refused(client, session, ada):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    response = submit_quiz(client, course, lesson, form, right=True, version="999")
    assert "module was updated" in client.get(response.location).get_data(as_text=True)
    assert count(session, ModuleCompletion) == 0


def test_unanswered_questions_are_asked_for_and_given_answers_kept(client, session, ada):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    answers = form.answers(right=True)
    kept_name = sorted(answers)[0]
    answers = {kept_name: answers[kept_name]}
    response = submit_quiz(client, course, lesson, form, answers=answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 are not answered yet" in page and page.count("Please answer this question.") == 2
    assert re.search(rf'name="{kept_name}" id="[^"]+" value="{answers[kept_name][0]}" checked', page)
    assert count(session, QuizAttempt, QuizAttempt.submitted_at.is_not(None)) == 0


def test_opening_the_quiz_starts_the_assignment(client, session, ada):
    _, course, lesson = ada
    open_quiz(client, course, lesson)
    session.expire_all()
    assert session.scalar(select(Assignment)).started_on is not None


def test_passing_every_module_completes_the_course_and_offers_the_certificate(client, session, auth):
    _, course = enrol(session, email="cy@example.com", kinds=("lesson", "lesson"))
    auth.login("cy@example.com")
    for module in course.active_modules:
        response = submit_quiz(client, course, module, open_quiz(client, course, module), right=True)
    page = client.get(response.location).get_data(as_text=True)
    assert "You have completed" in page and "Download your certificate (PDF)" in page
    session.expire_all()
    assert session.scalar(select(Assignment)).completed_on is not None


def test_someone_elses_attempt_is_not_found(client, session, auth, ada):
    _, course, lesson = ada
    form = open_quiz(client, course, lesson)
    response = submit_quiz(client, course, lesson, form, right=False)
    ada_result = response.location
    auth.logout()
    make_user(session, email="eve@example.com")
    session.commit()
    auth.login("eve@example.com")
    assert client.get(ada_result).status_code == 404
    retry = open_quiz(client, course, lesson)  # eve's own attempt; then she tries ada's token
    response = submit_quiz(client, course, lesson, retry, right=True, token=form.token)
    assert response.status_code == 404


def test_policy_modules_have_no_quiz(client, ada):
    _, course, _ = ada
    policy = course.active_modules[1]
    assert client.get(quiz_url(course, policy)).status_code == 404


@pytest.mark.parametrize(("pass_mark", "passed"), [(80, True), (81, False)])
def test_a_score_exactly_at_the_pass_mark_passes_and_one_below_fails(client, session, auth, pass_mark,
                                                                    passed):
    """Four of five right is 80%: it passes a pass mark of 80 and fails one of 81."""
    _, course = enrol(session, kinds=("lesson",), questions=5, pass_mark=pass_mark)
    auth.login("ada@example.com")
    lesson = course.active_modules[0]
    form = open_quiz(client, course, lesson)
    answers = form.answers(right=True)
    wrong_one = sorted(answers)[0]
    answers[wrong_one] = form.answers(right=False)[wrong_one]
    response = submit_quiz(client, course, lesson, form, answers=answers)
    result = client.get(response.location).get_data(as_text=True)
    assert "You scored <strong>80%</strong>" in result
    attempt = session.scalar(select(QuizAttempt))
    assert (attempt.score, attempt.passed) == (80, passed)
    assert count(session, ModuleCompletion) == (1 if passed else 0)
