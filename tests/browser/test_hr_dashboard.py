"""In a real browser: HR filters the dashboard and follows a number to the list behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_user
from tests.reports.dataset import TODAY, build_org
from trainer import clock

pytestmark = pytest.mark.browser


def test_hr_filters_the_dashboard_and_opens_the_overdue_list(session, live_server, page: Page):
    build_org(session)
    make_user(session, email="hr@example.com", name="Helen HR", roles=("hr",))
    session.commit()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    clock.freeze(TODAY)
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill("hr@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="HR").click()
    expect(page.get_by_role("heading", name="Training compliance")).to_be_visible()
    expect(page.locator(".figure-main .figure-value")).to_have_text("40%")
    page.get_by_label("Department", exact=True).select_option(label="Sales")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".figure-main .figure-value")).to_have_text("33%")
    page.locator(".figure-bad .figure-value a").click()
    expect(page.get_by_role("heading", name="Overdue training")).to_be_visible()
    expect(page.get_by_role("cell", name="Sara Sales")).to_be_visible()
    expect(page.get_by_text("1 overdue assignment,")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("link", name="Dashboard").focus()
    page.keyboard.press("Enter")
    expect(page.locator("svg.trend")).to_be_visible()
    assert problems == []  # no CSP violations, no script errors
