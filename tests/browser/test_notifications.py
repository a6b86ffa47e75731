"""In a real browser: the unread badge, the notifications page, marking read, digest choice."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.compliance.helpers import require, sync
from tests.factories import PASSWORD, make_course, make_user
from tests.notify.helpers import plan

pytestmark = pytest.mark.browser


def test_employee_reads_notices_and_chooses_a_weekly_digest(session, live_server, page: Page):
    ada = make_user(session, email="ada@example.com", name="Ada Lovelace")
    for title in ("Data protection essentials", "Securing customer data"):
        require(session, make_course(session, title=title), user_ids=[ada.id])
    sync(session, dt.date.today())
    plan(session, dt.date.today())
    session.commit()
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Notifications 2 unread").click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="New training for you: Securing customer data")).to_be_visible()
    page.get_by_role("button", name="Mark as read: New training for you: Securing").click()
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    page.get_by_label("One weekly digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Reminder e-mails: one weekly digest.")).to_be_visible()
    expect(page.get_by_label("One weekly digest")).to_be_checked()
