"""Reading time gates lesson quizzes too, server-side, and restarts with each assignment cycle
(issue 15.3); the page says when the wait is over and holds the button back (issue 19.3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course, current, sync
from tests.conftest import Auth
from tests.employee.helpers import enrol, open_quiz, quiz_url, submit_quiz
from tests.employee.test_module_pages import acknowledge, module_url
from trainer import clock
from trainer.models import ModuleCompletion, QuizAttempt

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ada(session, auth):
    clock.freeze(NOW)
    user, course = enrol(session)
    lesson, policy = course.active_modules
    lesson.current_version.min_read_seconds = 30
    policy.current_version.min_read_seconds = 60
    session.commit()
    auth.login("ada@example.com")
    return user, course, lesson, policy


def test_the_quiz_cannot_be_opened_before_the_module_was(client, session, ada):
    _, course, lesson, _ = ada
    response = client.get(quiz_url(course, lesson))
    assert response.status_code == 302 and response.location == module_url(course, lesson) + "#quiz"
    page = client.get(response.location).get_data(as_text=True)
    assert "Please read the module first: the quiz opens 30 seconds after you open it." in page
    assert session.scalar(select(QuizAttempt)) is None


def test_the_quiz_opens_only_after_the_reading_time_since_the_first_visit(client, session, ada):
    _, course, lesson, _ = ada
    page = client.get(module_url(course, lesson)).get_data(as_text=True)
    assert re.search(r'id="quiz-button" disabled', page)
    assert 'The quiz opens at <time datetime="2026-03-02T09:00:30+00:00">09:00 UTC</time>' in page
    assert "in 30 seconds" in page and "wait.js" in page
    with clock.frozen(NOW + dt.timedelta(seconds=29)):
        early = client.get(quiz_url(course, lesson))
        assert early.status_code == 302
        flashed = client.get(early.location).get_data(as_text=True)
        assert "the quiz opens at 09:00:30 UTC, in 1 second." in flashed
    assert session.scalar(select(QuizAttempt)) is None
    with clock.frozen(NOW + dt.timedelta(seconds=30)):  # exactly the reading time: open
        page = client.get(module_url(course, lesson)).get_data(as_text=True)
        assert 'id="quiz-button"' not in page and "Take the quiz</a>" in page
        form = open_quiz(client, course, lesson)
        submit_quiz(client, course, lesson, form, right=True)
    assert session.scalar(select(ModuleCompletion)).method == "quiz"


def test_submitting_answers_is_refused_while_the_reading_time_runs(client, session, ada):
    _, course, lesson, _ = ada
    client.get(module_url(course, lesson))
    with clock.frozen(NOW + dt.timedelta(seconds=31)):
        form = open_quiz(client, course, lesson)
    lesson.current_version.min_read_seconds = 600  # e.g. the module was re-read in a new cycle
    session.commit()
    with clock.frozen(NOW + dt.timedelta(seconds=40)):
        response = submit_quiz(client, course, lesson, form, right=True)
    assert response.status_code == 302 and response.location.endswith("#quiz")
    assert session.scalar(select(ModuleCompletion)) is None


def test_a_refresher_cycle_restarts_the_reading_time_of_an_unchanged_policy(app, client, session, ada):
    user, course, _, policy = ada
    client.get(module_url(course, policy))  # read in the first cycle
    complete_course(session, user, course, NOW.date())
    session.commit()
    later = NOW + dt.timedelta(days=355)  # the refresher window (30 days before expiry) is open
    with clock.frozen(later):
        sync(session, later.date())
        session.commit()
        assert current(session, user, course).reason == "refresher"
        client = app.test_client()  # a new sign-in, a year later
        Auth(client).login("ada@example.com")
        refused = acknowledge(client, course, policy)  # last year's visit does not count
        # Being sent back to the page is this cycle's first visit: the clock starts now.
        assert "Please read the module first" in client.get(refused.location).get_data(as_text=True)
    with clock.frozen(later + dt.timedelta(seconds=59)):
        early = acknowledge(client, course, policy)
        assert "in 1 second." in client.get(early.location).get_data(as_text=True)
    with clock.frozen(later + dt.timedelta(seconds=60)):
        acknowledge(client, course, policy)
    session.expire_all()
    completions = session.scalars(select(ModuleCompletion).where(
        ModuleCompletion.module_id == policy.id).order_by(ModuleCompletion.id)).all()
    assert len(completions) == 2 and completions[-1].completed_at == later + dt.timedelta(seconds=60)
