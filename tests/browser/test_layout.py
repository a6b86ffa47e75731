"""Layout facts a person would notice, checked on the main pages of every role at desktop
(1280 px) and phone (375 px) widths with the browser's own boxes (no pixel diffs):

- the first thing on a page sits clearly under the header (at least 16 px), nothing overlaps
  the header or the footer, and no button touches the footer (at least 16 px above it);
- a phone never scrolls sideways (wide tables scroll inside their own box);
- badges stay on one line, and a status badge and its "by N days" stay on one line together;
- a fieldset's legend stays inside its border, checkbox labels are not squeezed into columns
  narrower than 16 em when there is room, and a table's last row draws no border of its own
  under the box's border.

Every page is also saved as a screenshot (TRAINER_TEST_SCREENSHOT_DIR, else a temporary folder).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.demo_site import load_demo, sign_in
from trainer import clock
from trainer.models import Assignment, Course, Module, User

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
GAP = 16  # px between the header and the first content, and between any button and the footer

# Runs in the page; returns the layout problems found, in words.
MEASURE = """(gap) => {
  const problems = [];
  const box = (e) => e.getBoundingClientRect();
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (e.innerText || e.value || '').trim().slice(0, 40) + '"';
  const hidden = '.visually-hidden, details:not([open]) > :not(summary)';
  const shown = (e) => { const r = box(e);
    return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== 'hidden'
      && !e.closest(hidden); };
  const header = box(document.querySelector('.site-header'));
  const footer = box(document.querySelector('.site-footer'));
  const main = document.querySelector('main');
  const first = [...main.children].find(shown);
  if (first && box(first).top - header.bottom < gap)
    problems.push(`${name(first)} starts ${Math.round(box(first).top - header.bottom)} px under the header`);
  for (const e of main.querySelectorAll('*')) {
    if (!shown(e)) continue;
    const r = box(e);
    if (r.top < header.bottom - 0.5) problems.push(`${name(e)} overlaps the header`);
    if (r.bottom > footer.top + 0.5) problems.push(`${name(e)} overlaps the footer`);
  }
  for (const b of main.querySelectorAll('button, .button, input[type=submit]')) {
    if (shown(b) && footer.top - box(b).bottom < gap)
      problems.push(`${name(b)} is ${Math.round(footer.top - box(b).bottom)} px above the footer`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1)
    problems.push(`the page scrolls sideways (${doc.scrollWidth} px wide)`);
  for (const b of document.querySelectorAll('.badge')) {
    if (!shown(b)) continue;
    if (b.getClientRects().length > 1 || box(b).height > 2.2 * parseFloat(getComputedStyle(b).fontSize))
      problems.push(`badge ${name(b)} wraps`);
    const next = b.nextElementSibling;
    if (next && next.matches('.small') && shown(next) && box(next).top >= box(b).bottom - 2)
      problems.push(`badge ${name(b)} and ${name(next)} are not on one line`);
  }
  for (const f of main.querySelectorAll('fieldset')) {
    const legend = f.querySelector(':scope > legend');
    if (!legend || !shown(legend)) continue;
    const border = parseFloat(getComputedStyle(f).borderTopWidth);
    if (border > 0 && box(legend).top < box(f).top + border)
      problems.push(`legend ${name(legend)} runs over its fieldset's border`);
  }
  for (const l of main.querySelectorAll('ul.checkbox-list label')) {
    const room = box(l.closest('ul')).width, em = parseFloat(getComputedStyle(l).fontSize);
    if (shown(l) && box(l).width < Math.min(room - 3 * em, 16 * em))
      problems.push(`checkbox label ${name(l)} is squeezed into ${Math.round(box(l).width)} px`);
  }
  for (const c of main.querySelectorAll('.table-wrap tbody tr:last-child > *')) {
    if (parseFloat(getComputedStyle(c).borderBottomWidth) > 0)
      problems.push(`${name(c)} draws a border under the table's last row`);
  }
  return problems;
}"""


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("TRAINER_TEST_SCREENSHOT_DIR") or tmp_path) / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check(page: Page, url: str, folder: Path, label: str) -> list[str]:
    """Every layout problem of the page at `url` at every width, prefixed with where it is."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response.status if response else 'no answer'}"
        page.screenshot(path=str(folder / f"{label}-{width}.png"), full_page=True)
        problems += [f"{label} at {width} px ({url}): {p}" for p in page.evaluate(MEASURE, GAP)]
    return problems


@pytest.fixture
def demo(session, tmp_path):
    return load_demo(session, tmp_path)


def overdue_person(session) -> User:
    """Someone with training long overdue: the HR page of a person with the widest status cell."""
    today = clock.today()
    assignment = session.scalars(
        select(Assignment).join(User, User.id == Assignment.user_id)
        .where(User.active.is_(True), Assignment.current.is_(True), Assignment.completed_on.is_(None),
                                 Assignment.due_on < today - dt.timedelta(days=14))
        .order_by(Assignment.due_on)).first()
    assert assignment is not None, "the demo has someone overdue"
    return session.get(User, assignment.user_id)


EMPLOYEE_PAGES = [("dashboard", "/"), ("course", "/courses/{course}"),
                  ("module", "/courses/{course}/{module}"), ("quiz", "/courses/{course}/{module}/quiz"),
                  ("transcript", "/me/transcript"),
                  ("my-data", "/me/data"), ("notifications", "/me/notifications"), ("privacy", "/privacy")]
HR_PAGES = [("dashboard", "/hr/"), ("employees", "/hr/employees"), ("overdue", "/hr/overdue"),
            ("assignments", "/hr/assignments?status=overdue"), ("person", "/hr/employees/{late}"),
            ("exports", "/hr/exports"), ("import", "/hr/import")]
ADMIN_PAGES = [("users", "/admin/"), ("courses", "/admin/courses"), ("course", "/admin/courses/{course}"),
               ("settings", "/admin/courses/{course}/settings"),
               ("editor", "/admin/courses/{course}/modules/{module}"),
               ("versions", "/admin/courses/{course}/modules/{module}/versions"),
               ("requirements", "/admin/requirements"), ("updates", "/admin/updates"),
               ("tokens", "/admin/tokens"), ("audit", "/admin/audit"), ("mail", "/admin/mail"),
               ("reviews", "/admin/reviews")]


def test_main_pages_of_every_role_keep_their_layout_at_desktop_and_phone_widths(
        session, demo, live_server, page: Page, tmp_path):
    folder = shots(tmp_path)
    course = session.scalar(select(Course).where(Course.slug == "breach-response"))
    module = session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    names = {"course": course.slug, "module": module.slug, "late": overdue_person(session).id}
    problems: list[str] = []

    def visit(role: str, pages: list[tuple[str, str]]) -> None:
        for label, url in pages:
            problems.extend(check(page, live_server + url.format(**names), folder, f"{role}-{label}"))

    sign_in(page, live_server, demo["employee"])
    visit("employee", EMPLOYEE_PAGES)
    page.goto(live_server + "/courses/{course}/{module}/quiz".format(**names))
    for group in page.locator("fieldset.question").all():
        group.locator("input").first.check()
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.get_by_text(re.compile("You scored"))).to_be_visible()
    problems += check(page, page.url, folder, "employee-result")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, demo["hr"])
    visit("hr", HR_PAGES)
    page.goto(live_server + "/hr/")
    figures = page.locator(".figure-value a")
    assert figures.count() >= 4
    for link in figures.all():  # headline figures are links, underlined like every other link
        assert "underline" in link.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, demo["admin"])
    visit("admin", ADMIN_PAGES)

    assert problems == [], "\n".join(problems)
