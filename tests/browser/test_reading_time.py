"""In a real browser: a lesson's quiz cannot be opened before its reading time and can after it;
the wait is shown beside the held-back button and counts down (issues 15.3, 19.3)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_admin_authoring import sign_in
from tests.employee.helpers import enrol

pytestmark = pytest.mark.browser


def test_the_quiz_opens_when_the_reading_time_is_over(session, live_server, page: Page):
    _, course = enrol(session, kinds=("lesson",))
    lesson = course.active_modules[0]
    lesson.current_version.min_read_seconds = 4
    session.commit()
    sign_in(page, live_server, "ada@example.com")

    quiz = f"{live_server}/courses/{course.slug}/{lesson.slug}/quiz"
    page.goto(quiz)  # straight to the quiz, without reading: sent to the module with the reason
    expect(page.locator(".flash-error")).to_contain_text("Please read the module first")
    button = page.get_by_role("button", name="Take the quiz")
    expect(button).to_be_disabled()
    note = page.locator("#quiz-wait")
    expect(note).to_contain_text("The quiz opens at")
    expect(note).to_contain_text(" UTC (in ")

    page.goto(quiz)  # still too early: refused by the server, whatever the browser does
    expect(page.locator(".flash-error")).to_contain_text("the quiz opens at")

    expect(button).to_be_enabled(timeout=8000)  # wait.js enables it when the time has come
    expect(note).to_contain_text("(now)")
    button.click()
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
