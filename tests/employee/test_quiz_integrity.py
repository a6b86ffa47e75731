"""Quiz integrity settings per course (issue 15.4): when results show the right choices, and
a pause after failed attempts in a row, so failing on purpose does not lead to a quick pass."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from tests.employee.helpers import enrol, open_quiz, quiz_url, submit_quiz
from trainer import clock
from trainer.models import QuizAttempt

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def fail_once(client, course, lesson, at):
    with clock.frozen(at):
        response = submit_quiz(client, course, lesson, open_quiz(client, course, lesson), right=False)
        return client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(("show", "after_failing", "after_passing"), [
    ("never", False, False), ("after_passing", False, True), ("always", True, True)])
def test_show_answers_decides_when_the_right_choices_appear(client, session, auth, show, after_failing,
                                                            after_passing):
    _, course = enrol(session, kinds=("lesson",))
    course.show_answers = show
    session.commit()
    auth.login("ada@example.com")
    lesson = course.active_modules[0]
    failed = fail_once(client, course, lesson, clock.now())
    assert ("Right answer:" in failed) is after_failing
    assert "Not right" in failed and "Because 1." in failed  # what was wrong, and why, in every case
    response = submit_quiz(client, course, lesson, open_quiz(client, course, lesson), right=True)
    assert ("Right answer:" in client.get(response.location).get_data(as_text=True)) is after_passing


def test_three_failures_in_a_row_pause_the_quiz_for_an_hour(client, session, auth):
    clock.freeze(NOW)
    _, course = enrol(session, kinds=("lesson",))  # defaults: 3 attempts, then 60 minutes
    auth.login("ada@example.com")
    lesson = course.active_modules[0]
    fail_once(client, course, lesson, NOW)
    second = fail_once(client, course, lesson, NOW + dt.timedelta(minutes=1))
    assert "Try again" in second and "pauses" not in second
    third = fail_once(client, course, lesson, NOW + dt.timedelta(minutes=2))
    assert "you can try again at 10:02 UTC" in third and "Try again</a>" not in third
    with clock.frozen(NOW + dt.timedelta(minutes=61, seconds=59)):  # one second before the end
        refused = client.get(quiz_url(course, lesson))
        assert refused.status_code == 302
        assert "you can try again at 10:02 UTC" in client.get(refused.location).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(QuizAttempt)) == 3
    with clock.frozen(NOW + dt.timedelta(minutes=62)):  # exactly the end of the pause
        form = open_quiz(client, course, lesson)
        assert form.token
        submit_quiz(client, course, lesson, form, right=True)
    attempts = session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
    assert [a.passed for a in attempts] == [False, False, False, True]


def test_the_pause_and_its_length_are_course_settings(client, session, auth):
    clock.freeze(NOW)
    _, course = enrol(session, kinds=("lesson",))
    course.attempts_before_cooldown, course.cooldown_minutes = 1, 0  # no pause at all
    session.commit()
    auth.login("ada@example.com")
    lesson = course.active_modules[0]
    for minute in range(4):
        assert "pauses" not in fail_once(client, course, lesson, NOW + dt.timedelta(minutes=minute))
    course.cooldown_minutes = 5  # now every failure pauses the quiz for 5 minutes
    session.commit()
    with clock.frozen(NOW + dt.timedelta(minutes=4)):
        refused = client.get(quiz_url(course, lesson))
        assert "you can try again at 09:08 UTC" in client.get(refused.location).get_data(as_text=True)


def test_the_number_of_attempts_to_pass_is_part_of_the_evidence(client, session, auth):
    from trainer.reports.exports import EVIDENCE_COLUMNS, audit_evidence
    from trainer.reports.filters import ReportFilter

    clock.freeze(NOW)
    _, course = enrol(session, kinds=("lesson", "policy"))
    course.active_modules[1].current_version.min_read_seconds = 0
    session.commit()
    auth.login("ada@example.com")
    lesson = course.active_modules[0]
    fail_once(client, course, lesson, NOW)
    fail_once(client, course, lesson, NOW + dt.timedelta(minutes=1))
    submit_quiz(client, course, lesson, open_quiz(client, course, lesson), right=True)
    export = audit_evidence(session, "json", ReportFilter(), NOW.date(), NOW.date(), NOW.date())
    record = json.loads("".join(export.chunks))["module_completions"][0]
    assert "attempts" in EVIDENCE_COLUMNS
    assert (record["method"], record["attempts"]) == ("quiz", 3)  # failed, failed, passed
