"""In a real browser: a major change published in the editor survives re-importing the
unchanged course files, as re-running `make run` does (issue 15.1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_admin_authoring import sign_in
from tests.content.builders import lesson, write_course
from tests.factories import make_user

pytestmark = pytest.mark.browser

LESSON = lesson(front="title: Reporting a breach\nminutes: 5\n",
                body="## What to do\n\nTell the privacy team at once.\n")
EDITOR = "/admin/courses/test-course/modules/reporting"


def test_a_web_edit_survives_reimporting_unchanged_files(session, live_server, page: Page, runner, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses, modules={"01-reporting.md": LESSON})
    assert runner.invoke(args=["courses", "import", str(courses)]).exit_code == 0
    make_user(session, email="admin@example.com", name="Ada Admin", roles=("admin",))
    session.commit()
    sign_in(page, live_server, "admin@example.com")

    page.goto(live_server + EDITOR)
    editor = page.get_by_label("Module file")
    editor.fill(editor.input_value().replace("at once", "within one hour"))
    page.get_by_label(re.compile("^Major")).check()
    page.get_by_label("Change note").fill("Report within one hour.")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Confirm and publish").click()
    expect(page.get_by_text("Published version 2 (major).")).to_be_visible()

    result = runner.invoke(args=["courses", "import", str(courses)])  # what `make run` runs
    assert result.exit_code == 0, result.output
    assert "test-course/reporting: unchanged" in result.output

    page.goto(live_server + EDITOR)
    expect(page.get_by_label("Module file")).to_have_value(re.compile("within one hour"))
    page.goto(live_server + EDITOR + "/versions")
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table tbody tr").first).to_contain_text("Report within one hour.")
