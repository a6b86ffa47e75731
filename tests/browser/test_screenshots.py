"""Screenshots of the demo for the README, taken by a real browser so they stay current.

`make screenshots` runs this with TRAINER_TEST_SCREENSHOT_DIR=docs/img; in `make test` the
pictures go to a temporary folder and the test only proves the pages render in the browser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.demo_site import load_demo, sign_in
from trainer.models import Course

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session, tmp_path):
    return load_demo(session, tmp_path)


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("TRAINER_TEST_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page: Page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000


def test_readme_screenshots(session, demo, live_server, page: Page, tmp_path):
    folder = shots(tmp_path)
    page.set_viewport_size({"width": 1200, "height": 820})

    sign_in(page, live_server, demo["employee"])
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    snap(page, folder, "employee-dashboard")
    course = session.scalar(select(Course).where(Course.slug == "breach-response"))
    module = course.active_modules[0]
    page.goto(f"{live_server}/courses/{course.slug}/{module.slug}/quiz")
    for group in page.locator("fieldset.question").all():
        group.locator("input").first.check()
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.get_by_text(re.compile(r"You scored|Score"))).to_be_visible()
    snap(page, folder, "quiz-result")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, demo["admin"])
    page.goto(f"{live_server}/hr/")
    expect(page.locator("svg").first).to_be_visible()
    snap(page, folder, "hr-dashboard")
    page.goto(f"{live_server}/admin/courses/{course.slug}/modules/{module.slug}")
    page.get_by_role("button", name="Preview").click()
    # The button posts the form: wait for the page it loads (a screenshot taken while the
    # page was being replaced failed with "Unable to capture screenshot").
    expect(page.get_by_role("heading", name="Preview", exact=True)).to_be_visible()
    page.wait_for_load_state()
    snap(page, folder, "module-editor")
