"""Version history: who published what and when, how many completed each, and the diff view."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.compliance.helpers import complete_module, sync
from tests.factories import make_user
from tests.web.authoring import LESSON, imported_course, module_of, page_form, post_confirmed, sign_in_admin

BASE = "/admin/courses/breach-basics/modules/reporting"


@pytest.fixture
def history(session, client, auth, tmp_path):
    """Version 1 from a course import, version 2 (major) by the admin; two people did v1, one v2."""
    admin = sign_in_admin(session, auth)
    course = imported_course(session, tmp_path)
    people = [make_user(session) for _ in range(3)]
    sync(session, dt.date.today())
    module = module_of(session, "breach-basics", "reporting")
    for person in people[:2]:
        complete_module(session, person, module, dt.date.today())
    session.commit()
    data = page_form(client, BASE)
    data.update(source=LESSON.replace("at once", "<em>within the hour</em> & <script>x</script>"),
                change="major", change_note="One hour, not \"at once\".", publish="Publish")
    assert post_confirmed(client, BASE, data).status_code == 302
    session.expire_all()
    complete_module(session, people[2], module_of(session, "breach-basics", "reporting"), dt.date.today())
    session.commit()
    return admin, course


def rows(page: str) -> list[list[str]]:
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_history_lists_versions_with_publisher_change_and_completions(client, history):
    admin, _course = history
    page = client.get(f"{BASE}/versions").get_data(as_text=True)
    (v2, v1) = rows(page)
    assert v2[0].startswith("2") and v2[1] == "major" and v2[2] == "One hour, not &#34;at once&#34;."
    assert v2[3] == admin.name and v2[5] == "1 person"
    assert v1[:2] == ["1", "first version"] and v1[3] == "course import" and v1[5] == "2 people"


def test_the_diff_shows_both_versions_side_by_side_escaped(client, history):
    page = client.get(f"{BASE}/diff?from=1&to=2").get_data(as_text=True)
    assert '<tr class="diff-replace">' in page
    assert "<del>at once</del>" in page
    assert "<ins>&lt;em&gt;within the hour&lt;/em&gt; &amp; &lt;script&gt;x&lt;/script&gt;</ins>" in page
    assert "<script>x</script>" not in page and "style=" not in page and "nowrap" not in page
    assert "unchanged line" in page  # context is cut
    whole = client.get(f"{BASE}/diff?from=1&to=2&full=1").get_data(as_text=True)
    assert "unchanged line" not in whole


def test_the_diff_defaults_to_the_last_change_and_rejects_unknown_versions(client, history):
    assert "<del>at once</del>" in client.get(f"{BASE}/diff").get_data(as_text=True)
    assert client.get(f"{BASE}/diff?from=1&to=9").status_code == 404


def test_one_version_as_published(client, history):
    page = client.get(f"{BASE}/versions/1").get_data(as_text=True)
    assert "Tell the privacy team at once." in page and "course import" in page
    assert client.get(f"{BASE}/versions/7").status_code == 404
