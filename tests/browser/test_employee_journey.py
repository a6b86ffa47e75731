"""In a real browser, without help: an employee completes a course and verifies the certificate."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.employee.helpers import enrol
from tests.factories import PASSWORD
from trainer.models import Certificate

pytestmark = pytest.mark.browser
READ_SECONDS = 4


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def answer(page: Page, prefix: str, questions: int = 3) -> None:
    for n in range(1, questions + 1):
        page.get_by_label(f"{prefix} {n}", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def test_employee_reads_fails_passes_acknowledges_and_verifies(session, live_server, page: Page):
    _, course = enrol(session, email="lukasz@example.com", name="Łukasz Żółkiewski")
    lesson, policy = course.active_modules
    policy.current_version.min_read_seconds = READ_SECONDS
    session.commit()
    lesson_title, policy_title = lesson.current_version.title, policy.current_version.title

    sign_in(page, live_server, "lukasz@example.com")
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_text("2 modules to do")).to_be_visible()
    # The link's accessible name names the course ("Start" alone would be ambiguous).
    page.get_by_role("link", name=re.compile(rf"^Start\W+{course.title}$")).click()

    expect(page.get_by_role("heading", name=lesson_title, level=1)).to_be_visible()
    expect(page.get_by_text("Module text.")).to_be_visible()
    page.get_by_role("link", name="Take the quiz").click()

    answer(page, "Wrong answer")
    expect(page.get_by_text("Not passed", exact=True)).to_be_visible()
    expect(page.get_by_text("You scored 0%")).to_be_visible()
    expect(page.get_by_text("Because 1.")).to_be_visible()
    page.get_by_role("link", name="Try again").click()

    answer(page, "Right answer")
    expect(page.get_by_text("Passed", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Next: {policy_title}").click()

    # Too early: the button is held back beside the time it opens (the server refuses anyway).
    expect(page.get_by_role("heading", name=policy_title, level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Confirm")).to_be_disabled()
    expect(page.locator("#read-wait")).to_contain_text("You can confirm at")
    expect(page.get_by_role("button", name="Confirm")).to_be_enabled(timeout=READ_SECONDS * 1000 + 3000)
    # By keyboard this time: tick the box with Space, then Tab to the button and press Enter.
    page.get_by_label(re.compile("I have read and understood")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_text(re.compile("^Completed on"))).to_be_visible()
    expect(page.get_by_text("All 2 modules done", exact=False)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    code = session.scalar(select(Certificate.code))
    assert "Łukasz Żółkiewski" in text and code in text and course.title in text

    page.goto(f"{live_server}/verify")
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="Genuine and current")).to_be_visible()
    expect(page.locator("#main dd").first).to_have_text("Łukasz Żółkiewski")
