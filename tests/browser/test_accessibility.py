"""axe-core on the employee pages at phone width: no serious or critical violations, no sideways scroll.

axe is injected as a script, which the Content-Security-Policy would block; this module's
browser contexts bypass CSP for that reason only (the journey test runs with it enforced).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_employee_journey import answer, sign_in
from tests.employee.helpers import enrol

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "bypass_csp": True, "viewport": PHONE}


def serious_violations(page: Page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (or `npm ci` in tests/browser)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe checked nothing: is the page empty?"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def check(page: Page, name: str) -> None:
    assert serious_violations(page) == [], name
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways at 360 px ({width} px wide)"


def test_employee_pages_pass_axe_at_phone_width(session, live_server, page: Page):
    _, course = enrol(session)
    lesson, policy = course.active_modules
    sign_in(page, live_server, "ada@example.com")
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    check(page, "dashboard")
    page.goto(f"{live_server}/courses/{course.slug}")
    check(page, "course")
    page.goto(f"{live_server}/courses/{course.slug}/{lesson.slug}")
    check(page, "lesson module")
    page.goto(f"{live_server}/courses/{course.slug}/{policy.slug}")
    check(page, "policy module")
    page.goto(f"{live_server}/courses/{course.slug}/{lesson.slug}/quiz")
    check(page, "quiz")
    answer(page, "Wrong answer")
    expect(page.get_by_text("Not passed", exact=True)).to_be_visible()
    check(page, "result")
    for path in ("/me/transcript", "/me/data", "/verify"):
        page.goto(live_server + path)
        check(page, path)
    page.goto(live_server + "/me/data")
    page.get_by_role("button", name="Turn on the calendar feed").click()
    expect(page.locator("#feed-url")).to_be_focused()
    check(page, "a new calendar address, shown once")
