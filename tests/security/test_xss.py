"""Hostile text in every field people can type never comes back executable.

The payloads go in through the real domain functions (names, departments, job roles,
course settings, requirement names, change notes, regulation update titles and Markdown
summaries); then every page showing them is parsed and checked for anything a browser would
run: script elements, event-handler attributes, javascript:/data: URLs, style attributes.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from tests.compliance.helpers import complete_course, require, sync
from tests.factories import make_course, make_user, publish_version
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.content_changes import reopen_after_major_change
from trainer.compliance.regulation_updates import publish_update
from trainer.compliance.update_drafts import UpdateDraft, save_update

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">click</a>",
    "'; alert(1); '",
    "<iframe src=//evil.example>",
    "<div style=\"background:url(javascript:alert(1))\">",
    "{{ 7*7 }}",
]
EVIL = " ".join(PAYLOADS)[:180]  # within every column's length (title and name: 200)
SHORT = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"  # for 120-character columns
MARKDOWN = "\n\n".join([*PAYLOADS, "[click](javascript:alert(1))",
                        "[data](data:text/html;base64,PHNjcmlwdD4=)",
                        "<!-- <script>alert(1)</script> -->", "&#106;avascript:alert(1)"])


class Executable(HTMLParser):
    """Collects everything in a page that a browser could execute or restyle."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append(f"<script> {attrs}")
        # SVG charts are ours and allowed; their attributes are checked like any other.
        if tag in ("iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")


def executable_parts(html: str) -> list[str]:
    parser = Executable()
    parser.feed(html)
    return parser.found


def test_hostile_text_is_shown_as_text_everywhere(session, client, auth):
    today = clock.today()
    victim = make_user(session, email="victim@example.com", name="Vic " + EVIL, department="Dept " + SHORT,
                       job_role="Role " + SHORT)
    make_user(session, email="admin@example.com", roles=("admin", "hr"), department="IT",
              manager=victim)
    course = make_course(session, title="Course " + EVIL, modules=1)
    course.summary = "Summary " + EVIL
    requirement = require(session, course, name="Rule " + EVIL)
    sync(session, today - dt.timedelta(days=3))
    complete_course(session, victim, course, today - dt.timedelta(days=2))
    version = publish_version(session, course.active_modules[0], change="major", change_note="Note " + EVIL)
    reopen_after_major_change(session, Actor.cli(), version, today)
    update = save_update(session, Actor.cli(), None, UpdateDraft(
        title="Update " + EVIL, regulation="GDPR " + SHORT, summary=MARKDOWN, effective_on=today,
        action="acknowledge", module_ids=[course.active_modules[0].id]))
    tomorrow = today + dt.timedelta(days=1)
    second = save_update(session, Actor.cli(), None, UpdateDraft(
        title="Second " + EVIL, regulation="R", summary=MARKDOWN, effective_on=tomorrow,
        action="acknowledge", module_ids=[course.active_modules[0].id]))
    with clock.frozen(tomorrow):
        publish_update(session, Actor.cli(), second, tomorrow)
    session.commit()

    pages = {
        "victim": ["/", f"/courses/{course.slug}", "/me/transcript", "/me/data", "/me/notifications"],
        "admin": ["/admin/", f"/admin/users/{victim.id}", "/admin/requirements",
                  f"/admin/requirements/{requirement.id}", "/admin/courses", f"/admin/courses/{course.slug}",
                  "/admin/updates", f"/admin/updates/{update.id}", "/admin/audit", "/hr/",
                  "/hr/employees", f"/hr/employees/{victim.id}", "/hr/assignments", "/hr/overdue",
                  f"/admin/courses/{course.slug}/modules/{course.active_modules[0].slug}/versions"],
    }
    for who, paths in pages.items():
        auth.login(f"{who}@example.com")
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.get_data(as_text=True)
            assert executable_parts(html) == [], path
            assert "<script>alert" not in html, path
        auth.logout()
    # The text itself is there, escaped, where it is shown.
    auth.login("victim@example.com")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in client.get("/").get_data(as_text=True)
