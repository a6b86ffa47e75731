"""In a real browser: an admin writes a module with a quiz, fixes a problem, previews, publishes,
edits, publishes a major change with a note and compares the two versions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.compliance.helpers import complete_module, current
from tests.factories import PASSWORD, make_user
from trainer.models import Course, Module

pytestmark = pytest.mark.browser

MODULE = """---
title: Reporting a breach
minutes: 5
---
## What to do

Tell the privacy team at once, even at night.

## Quiz

### Who do you tell first?
- [x] The privacy team
- [ ] Nobody, until you are sure
> Tell them at once: the clock for reporting starts when we become aware.

### How soon must we tell the supervisory authority?
- [ ] Within a week
- [ ] Within 72 hours
> GDPR Art. 33(1).
"""
NO_ANSWER_LINE = 16  # "### How soon must we tell ..." has no [x]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_writes_publishes_and_compares_a_module(session, live_server, page: Page):
    make_user(session, email="admin@example.com", name="Ada Admin", roles=("admin",))
    employee = make_user(session, email="emp@example.com", name="Eve Employee")
    session.commit()
    csp_errors: list[str] = []
    page.on("console", lambda message: csp_errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, "admin@example.com")

    # A new course and its first module.
    page.goto(live_server + "/admin/courses")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Slug").fill("breach-basics")
    page.get_by_label("Title").fill("Breach basics")
    page.get_by_label("Summary").fill("What to do when personal data leaks.")
    page.get_by_role("button", name="Create course").click()  # no audience chosen yet: asked for it
    expect(page.get_by_text("Choose who must take this course")).to_be_visible()
    page.get_by_label("Everyone").check()
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", name="Breach basics")).to_be_visible()
    page.get_by_label("Title").fill("Reporting a breach")
    page.get_by_label("Module slug").fill("reporting")
    page.get_by_role("button", name="Add module").click()

    # Write it with a mistake: a question without a correct answer.
    editor = page.get_by_label("Module file")
    expect(editor).to_have_value(re.compile(r'^---\ntitle: "Reporting a breach"'))
    editor.fill(MODULE)
    page.get_by_role("button", name="Preview").click()
    problems = page.locator(".content-errors")
    expect(problems).to_contain_text(f"Line {NO_ANSWER_LINE}: a question without a correct answer")
    expect(problems).to_contain_text("### How soon must we tell the supervisory authority?")
    expect(page.get_by_label("Module file")).to_have_value(MODULE)  # nothing lost
    page.get_by_role("link", name=f"Line {NO_ANSWER_LINE}").click()  # jumps to the line (editor.js)
    selected = page.evaluate("(() => { const s = document.getElementById('source');"
                             " return s.value.slice(s.selectionStart, s.selectionEnd); })()")
    assert selected == "### How soon must we tell the supervisory authority?"

    # Fix it and preview: rendered as employees see it, answers marked for the admin.
    fixed = MODULE.replace("- [ ] Within 72 hours", "- [x] Within 72 hours")
    page.get_by_label("Module file").fill(fixed)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("No problems found.")).to_be_visible()
    preview = page.locator(".preview")
    expect(preview.get_by_role("heading", name="What to do")).to_be_visible()
    expect(preview.locator(".key-correct")).to_have_text(["Correct: The privacy team",
                                                          "Correct: Within 72 hours"])
    assert no_sideways_scrolling(page)

    # Publish version 1: first the impact (Eve and Ada are assigned), then confirm.
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".impact-summary")).to_contain_text("Assigns 2 people, reopens 0 people's training")
    expect(page.locator(".impact")).to_contain_text("Eve Employee <emp@example.com>")
    session.expire_all()
    assert session.scalar(select(Module).where(Module.slug == "reporting")).current_version is None
    page.get_by_role("button", name="Confirm and publish").click()
    expect(page.get_by_text("Published version 1 (first version).")).to_be_visible()
    session.expire_all()
    module = session.scalar(select(Module).where(Module.slug == "reporting"))
    complete_module(session, employee, module, dt.date.today())
    session.commit()

    # Edit and publish a major change with a note.
    page.get_by_role("link", name="Editor").click()
    changed = fixed.replace("at once, even at night", "within one hour, even at night")
    page.get_by_label("Module file").fill(changed)
    page.get_by_label(re.compile("^Major")).check()
    page.get_by_label("Change note").fill("Report within one hour, not just 'at once'.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".impact-summary")).to_contain_text("Assigns 0 people, reopens 1 people's training")
    page.get_by_role("button", name="Confirm and publish").click()
    expect(page.get_by_text("Published version 2 (major). 1 people must take it again.")).to_be_visible()
    history = page.locator("table tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Report within one hour, not just 'at once'.")
    expect(history.first).to_contain_text("Ada Admin")
    expect(history.nth(1)).to_contain_text("1 person")

    # Compare the two versions side by side.
    page.get_by_role("link", name="Compare").click()
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("table.diff del")).to_have_text("at once")
    expect(page.locator("table.diff ins")).to_have_text("within one hour")
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scrolling(page)
    assert csp_errors == []

    # Eve's training reopened for the change, with the note.
    session.expire_all()
    course = session.scalar(select(Course).where(Course.slug == "breach-basics"))
    assignment = current(session, employee, course)
    assert assignment.reason == "major_change"
    session.commit()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, employee.email)
    card = page.locator("li.assignment", has_text="Breach basics")
    expect(card.locator(".change-note")).to_have_text(
        "What changed: Report within one hour, not just 'at once'.")
    expect(card).to_contain_text("1 module to do")
    card.get_by_role("link", name=re.compile("Continue|Start")).click()
    expect(page.get_by_role("heading", name="Reporting")).to_be_visible()
    expect(page.locator(".module-body")).to_contain_text("within one hour, even at night")
