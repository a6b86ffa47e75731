"""Helpers for the admin authoring tests: an admin, an imported course, the forms on a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from tests.content.builders import COURSE_MD, lesson, question, write_course
from tests.factories import make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.publishing import apply_published_content
from trainer.content import import_courses
from trainer.models import Course, Module, User

ADMIN = "admin@example.com"


def sign_in_admin(session, auth, email: str = ADMIN) -> User:
    admin = make_user(session, email=email, name=f"Admin {email.split('@')[0]}", roles=("admin",),
                      department="IT")
    session.commit()
    auth.login(email)
    return admin


LESSON = lesson(front="title: Reporting a breach\nminutes: 5\n",
                body="## What to do\n\nTell the privacy team at once.\n",
                quiz=question(1, text="Who do you tell first?") + "\n" + question(2, text="How fast?"))


def imported_course(session, tmp_path, modules: dict[str, str] | None = None, slug: str = "breach-basics",
                    course_md: str = COURSE_MD) -> Course:
    """A course imported from files as `trainer courses import` does (its default rule included)."""
    write_course(tmp_path / "src", slug, modules or {"01-reporting.md": LESSON}, course_md=course_md)
    import_courses(session, tmp_path / "src", Actor.cli())
    apply_published_content(session, Actor.cli(), clock.today(), course_slugs=[slug])
    session.commit()
    return session.scalar(select(Course).where(Course.slug == slug))


def module_of(session, course_slug: str, slug: str) -> Module:
    return session.scalar(select(Module).join(Course).where(Course.slug == course_slug, Module.slug == slug))


class _Inputs(HTMLParser):
    """The named inputs and textareas of the form posting to `action` (None: to the page itself)."""

    def __init__(self, action: str | None) -> None:
        super().__init__()
        self.action = action
        self.values: dict[str, str] = {}
        self._in_form = False
        self._done = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "form" and not self._done:
            self._in_form = (attributes.get("action") or None) == self.action
        elif self._in_form and tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind not in ("checkbox", "radio", "submit") or "checked" in attributes:
                self.values[attributes["name"]] = attributes.get("value") or ""
        elif self._in_form and tag == "textarea":
            self._textarea = attributes.get("name")
            self.values[self._textarea or ""] = ""

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str, action: str | None = None) -> dict[str, str]:
    """What a browser would submit from the form (hidden fields, text, checked boxes)."""
    parser = _Inputs(action)
    parser.feed(html)
    values = parser.values
    for name, value in values.items():  # a textarea's first newline is not part of its value
        if name in ("source", "summary", "change_note"):
            values[name] = value.removeprefix("\r\n").removeprefix("\n")
    return values


def page_form(client, url: str, action: str | None = None) -> dict[str, str]:
    return form_values(client.get(url).get_data(as_text=True), action)


def post_confirmed(client, url: str, data: dict):
    """Post a form that asks for confirmation (its impact, or what a destructive action does)
    first, then confirm as a person would: the same fields plus the confirmation handed out."""
    response = client.post(url, data=data)
    page = response.get_data(as_text=True) if response.status_code == 200 else ""
    confirmed = re.search(r'name="confirmed"[^>]*value="([^"]+)"', page)
    if confirmed is None:
        return response
    assert "Before you confirm" in page or "What happens" in page
    return client.post(url, data={**data, "confirmed": confirmed.group(1)})
