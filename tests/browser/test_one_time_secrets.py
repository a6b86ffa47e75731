"""In a real browser: a new API token or calendar-feed address is shown at the top of the page
that follows the POST, focused, with a working copy button, and only once (issue 19.2)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from tests.browser.test_admin_authoring import sign_in
from tests.employee.helpers import enrol
from tests.factories import make_user
from trainer.models import ApiToken, User

pytestmark = pytest.mark.browser

WIDTHS = [1280, 375]  # desktop and phone


def in_view_without_scrolling(page: Page, selector: str) -> None:
    expect(page.locator(selector)).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") == 0


def copies(page: Page, context: BrowserContext, base: str, field: str) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.get_by_role("button", name="Copy").click()
    expect(page.locator(f"#{field}-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator(f"#{field}").input_value()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_new_api_token_is_in_view_focused_copyable_and_shown_once(session, live_server, page: Page,
                                                                    context: BrowserContext, width):
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "admin@example.com")
    page.goto(live_server + "/admin/tokens")
    page.get_by_label("Name").fill("HRIS nightly sync")
    page.get_by_label(re.compile("^read:")).check()
    page.get_by_role("button", name="Create token").click()

    expect(page).to_have_url(re.compile(r"/admin/tokens\?created=\d+$"))  # a GET address, not the POST
    secret = page.locator("#new-token")
    expect(secret).to_be_focused()
    expect(secret).to_have_value(re.compile(r"^trn_\S{40,}$"))
    in_view_without_scrolling(page, "#new-token")
    copies(page, context, live_server, "new-token")

    page.reload()  # neither a new token nor the old one again
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_text("was shown once, when it was made")).to_be_visible()
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 1
    assert page.goto(page.url).status == 200  # Enter in the address bar


@pytest.mark.parametrize("width", WIDTHS)
def test_a_new_calendar_address_is_in_view_focused_copyable_and_shown_once(session, live_server, page: Page,
                                                                          context: BrowserContext, width):
    enrol(session)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "ada@example.com")
    page.goto(live_server + "/me/data")
    page.get_by_role("button", name="Turn on the calendar feed").click()

    expect(page).to_have_url(re.compile(r"/me/data\?feed=new$"))
    expect(page.locator("#feed-url")).to_be_focused()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"^http://trainer\.test/calendar/\S+\.ics$"))
    in_view_without_scrolling(page, "#feed-url")
    copies(page, context, live_server, "feed-url")
    session.expire_all()
    made = session.scalar(select(User.calendar_token_hash))

    page.reload()
    expect(page.locator("#feed-url")).to_have_count(0)
    expect(page.get_by_text("was shown once, when it was made")).to_be_visible()
    session.expire_all()
    assert session.scalar(select(User.calendar_token_hash)) == made  # the refresh made no new address
    assert page.goto(page.url).status == 200


def test_without_javascript_the_copy_button_stays_hidden(session, live_server, browser):
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "admin@example.com")
    page.goto(live_server + "/admin/tokens")
    page.get_by_label("Name").fill("HRIS nightly sync")
    page.get_by_label(re.compile("^read:")).check()
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()
    expect(page.locator("#new-token")).to_be_focused()  # autofocus, no script needed
    expect(page.get_by_role("button", name="Copy")).to_be_hidden()
    context.close()
