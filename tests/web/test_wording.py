"""Words on the pages (issue 19.6): module titles not slugs, a first version that is neither minor
nor major, no repository files or course.md in the web forms, progress in plain words, one answer
hint, links where a code can be checked, the same overdue badge on the course page as on the
dashboard, complete breadcrumbs, and the sub-navigation above the H1 on every admin and HR page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course
from tests.content.builders import lesson, question
from tests.employee.helpers import enrol, open_quiz, submit_quiz
from tests.factories import make_user
from tests.web.authoring import imported_course, module_of, page_form, post_confirmed, sign_in_admin
from trainer import clock
from trainer.models import Certificate

D = dt.date
COURSE = "/admin/courses/breach-basics"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def new_module(session, auth, client, tmp_path):
    """An admin and a course with a module added in the web, never published."""
    sign_in_admin(session, auth)
    imported_course(session, tmp_path)
    data = page_form(client, COURSE, action=f"{COURSE}/modules")
    data.update(slug="processing-a-return", title="Processing a return")
    response = client.post(f"{COURSE}/modules", data=data)
    assert response.status_code == 302
    return f"{COURSE}/modules/processing-a-return"


def test_the_editor_of_a_new_module_is_titled_with_its_title_not_its_slug(client, new_module):
    page = client.get(new_module).get_data(as_text=True)
    assert "<title>Edit Processing a return ·" in page
    assert "<h1>Edit “Processing a return”</h1>" in page
    assert "Processing a return</nav>" in page  # the breadcrumb ends with the title too
    assert "processing-a-return" not in text_of(page.split("<h1>")[0])


def test_a_first_publication_offers_no_minor_or_major_and_is_recorded_as_the_first_version(
        session, client, new_module):
    page = client.get(new_module).get_data(as_text=True)
    assert "Kind of change" not in page and 'value="major"' not in page
    assert "Change note" not in page
    assert "first version" in page
    data = page_form(client, new_module)
    data.pop("change", None)
    response = post_confirmed(client, new_module, {**data, "publish": "Publish"})
    assert response.status_code == 302
    assert "Published version 1 (first version)." in client.get(response.location).get_data(as_text=True)
    session.expire_all()
    version = module_of(session, "breach-basics", "processing-a-return").current_version
    assert (version.number, version.change, version.change_label) == (1, "first", "first version")


def test_discarding_the_draft_of_a_never_published_module_promises_no_published_version(client, new_module):
    page = text_of(client.get(new_module).get_data(as_text=True))
    assert "the published version stays" not in page
    assert "the module stays unpublished" in page


def test_a_published_module_still_offers_minor_and_major_and_keeps_its_promise(session, client, new_module):
    editor = f"{COURSE}/modules/reporting"
    data = page_form(client, editor)
    client.post(editor, data={**data, "source": data["source"] + "\n", "save_draft": "Save draft"})
    page = client.get(editor).get_data(as_text=True)
    assert "Kind of change" in page and 'value="major"' in page
    assert "the published version stays" in page


def test_the_versions_page_names_the_last_major_change_only_when_there_was_one(session, client, new_module):
    versions = f"{COURSE}/modules/reporting/versions"
    page = text_of(client.get(versions).get_data(as_text=True))
    assert "versions before 1" not in page
    assert "There has been no major change" in page
    assert "<title>Versions of Reporting a breach" in client.get(versions).get_data(as_text=True)
    editor = f"{COURSE}/modules/reporting"
    data = page_form(client, editor)
    data.update(source=data["source"].replace("at once", "within the hour"), change="major",
                change_note="One hour.", publish="Publish")
    assert post_confirmed(client, editor, data).status_code == 302
    page = text_of(client.get(versions).get_data(as_text=True))
    assert "Version 2 was the last major change: completions of earlier versions no longer count." in page
    assert re.search(r"\b1 first version\b", page)


def test_course_settings_speak_of_modules_and_not_of_course_md(client, new_module):
    page = client.get(f"{COURSE}/settings").get_data(as_text=True)
    assert "course.md" not in page
    assert "pass a lesson" not in page and "to pass it." in page


def test_the_tokens_page_explains_the_api_in_the_app_not_in_a_repository_file(session, auth, client):
    sign_in_admin(session, auth)
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "docs/api.md" not in page
    assert '<a href="#api-help">' in page and 'id="api-help"' in page
    assert "http://localhost/api/v1/employees" in page or "/api/v1/employees" in page
    assert "POST /employees/sync" in page


def test_a_question_that_says_select_all_that_apply_is_not_told_so_twice(session, auth, client, tmp_path):
    sign_in_admin(session, auth)
    several = question(1, text="Which are personal data? Select all that apply.", correct=(1, 2))
    imported_course(session, tmp_path, modules={
        "01-reporting.md": lesson(front="title: Reporting\nminutes: 5\n", quiz=several + "\n" + question(2))})
    editor = f"{COURSE}/modules/reporting"
    data = page_form(client, editor)
    page = client.post(editor, data={**data, "preview": "Preview"}).get_data(as_text=True).lower()
    page = page[page.index('id="preview-heading"'):page.index("format reminder")]
    assert page.count("select all that apply") == 1  # the question's own words only
    assert "choose every answer that is right" not in page
    assert "choose one answer." in page  # the single-answer question still says how many


def test_employees_see_progress_in_words_not_0_of_1_modules(session, auth, client):
    enrol(session, kinds=("lesson",))
    auth.login("ada@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "1 module to do" in page and "0 of 1" not in page


def test_the_course_page_shows_the_overdue_badge_the_dashboard_shows(session, auth, client):
    with clock.frozen(D(2026, 1, 1)):
        _, course = enrol(session)  # due 30 days later, on 31 January
    auth.login("ada@example.com")
    with clock.frozen(D(2026, 2, 10)):
        dashboard = client.get("/").get_data(as_text=True)
        page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert '<span class="badge badge-overdue">Overdue by 10 days</span>' in page
    assert "Overdue by 10 days" in dashboard
    with clock.frozen(D(2026, 1, 31)):
        page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "badge-overdue" not in page and "Due today" in page  # the due date itself is not overdue


def test_the_result_page_breadcrumb_leads_back_through_the_module(session, auth, client):
    _, course = enrol(session, kinds=("lesson",))
    auth.login("ada@example.com")
    lesson_module = course.active_modules[0]
    form = open_quiz(client, course, lesson_module)
    response = submit_quiz(client, course, lesson_module, form, right=False)
    page = client.get(response.location).get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    title = lesson_module.current_version.title
    assert f'href="/courses/{course.slug}/{lesson_module.slug}">{title}</a>' in crumbs
    assert '<span aria-current="page">Result</span>' in crumbs


def test_certificate_codes_on_the_hr_employee_page_link_to_verify(session, auth, client):
    ada, course = enrol(session, kinds=("lesson",))
    complete_course(session, ada, course, clock.today())
    make_user(session, email="hr@example.com", roles=("hr",), department="People")
    session.commit()
    code = session.scalar(select(Certificate.code))
    auth.login("hr@example.com")
    page = client.get(f"/hr/employees/{ada.id}").get_data(as_text=True)
    assert f'<a href="/verify/{code}"><code>{code}</code>' in page


SUB_NAVIGATED = ["/hr/", "/hr/employees", "/hr/overdue", "/hr/exports", "/hr/import", "/hr/assignments",
                 "/admin/", "/admin/courses", "/admin/requirements", "/admin/updates", "/admin/tokens",
                 "/admin/audit", "/admin/mail", f"{COURSE}", f"{COURSE}/settings",
                 f"{COURSE}/modules/reporting", f"{COURSE}/modules/reporting/versions"]


def test_sub_navigation_comes_before_the_h1_on_admin_and_hr_pages_alike(session, auth, client, tmp_path):
    admin = sign_in_admin(session, auth)
    imported_course(session, tmp_path)
    for url in [*SUB_NAVIGATED, f"/hr/employees/{admin.id}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        nav, h1 = page.find('<nav class="subnav"'), page.find("<h1")
        assert 0 < nav < h1, f"{url}: the sub-navigation must come before the H1"
