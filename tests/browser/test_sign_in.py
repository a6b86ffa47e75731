"""In a real browser: sign in and see the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_employee_signs_in_and_sees_the_dashboard(session, live_server, page: Page):
    make_user(session, email="ada@example.com", name="Ada Lovelace")
    session.commit()
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/login?next=%2F")
    page.get_by_label("E-mail address").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_text("Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("link", name="HR")).to_have_count(0)
