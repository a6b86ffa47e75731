"""Courses in the browser: create, settings as course.md means them, order, new modules, retire."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course, current, sync
from tests.conftest import csrf_token
from tests.content.builders import lesson
from tests.factories import make_user
from tests.web.authoring import imported_course, module_of, page_form, post_confirmed, sign_in_admin
from trainer.audit import Actor
from trainer.content import export_courses, import_courses
from trainer.content.canonical import course_hash
from trainer.content.course_settings import CourseError, create_course
from trainer.content.meta import CourseMeta
from trainer.models import Assignment, AuditEvent, Course, ModuleDraft, Requirement


@pytest.fixture
def admin(session, auth):
    return sign_in_admin(session, auth)


def settings(**changes):
    data = {"title": "Breach basics", "summary": "What to do.", "pass_mark": 80, "refresher_months": 12,
            "due_days": 30, "show_answers": "after_passing", "attempts_before_cooldown": 3,
            "cooldown_minutes": 60, "save": "Save"}
    data.update(changes)
    return data


def test_creating_a_course_assigns_nobody_until_a_module_is_published(session, client, admin):
    make_user(session)
    session.commit()
    data = settings(slug="breach-basics", audience="everyone",
                    csrf_token=csrf_token(client, "/admin/courses/+new"))
    response = client.post("/admin/courses/+new", data=data)
    assert response.location == "/admin/courses/breach-basics"
    assert "nobody is assigned the course before a module is published" in client.get(
        response.location).get_data(as_text=True)
    session.expire_all()
    course = session.scalar(select(Course))
    assert (course.title, course.pass_mark, course.refresher_months) == ("Breach basics", 80, 12)
    assert session.scalars(select(Requirement)).all() == []
    assert session.scalars(select(Assignment)).all() == []


@pytest.mark.parametrize(("slug", "message"), [
    ("Breach Basics", "lower-case letters, digits and single hyphens"),
    ("new--course", "lower-case letters, digits and single hyphens"),
])
def test_a_bad_slug_is_refused_and_the_form_keeps_the_input(session, client, admin, slug, message):
    data = settings(slug=slug, title="Keep me", audience="everyone",
                    csrf_token=csrf_token(client, "/admin/courses/+new"))
    page = client.post("/admin/courses/+new", data=data).get_data(as_text=True)
    assert message in page and 'value="Keep me"' in page
    assert session.scalars(select(Course)).all() == []


def test_a_new_course_asks_for_its_audience_and_never_assumes_everyone(session, client, admin):
    data = settings(slug="breach-basics", csrf_token=csrf_token(client, "/admin/courses/+new"))
    response = client.post("/admin/courses/+new", data=data)
    assert response.status_code == 200
    assert "Choose who must take this course" in response.get_data(as_text=True)
    some = client.post("/admin/courses/+new", data={**data, "audience": "some"}).get_data(as_text=True)
    assert "Tick at least one department or name a job role" in some
    assert session.scalars(select(Course)).all() == []
    make_user(session, department="Sales")
    session.commit()
    page = client.get("/admin/courses/+new").get_data(as_text=True)
    assert 'value="Sales"' in page and "checked" not in page  # nothing chosen for the admin
    response = client.post("/admin/courses/+new", data={**data, "audience": "some", "departments": ["Sales"],
                                                        "job_roles": "Developer, CRM specialist"})
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(Course)).audience == {"departments": ["Sales"],
                                                       "job_roles": ["Developer", "CRM specialist"]}


def test_a_taken_slug_is_refused(session, admin):
    create_course(session, Actor.cli(), "taken", CourseMeta("A", "B"))
    with pytest.raises(CourseError, match="already a course"):
        create_course(session, Actor.cli(), "taken", CourseMeta("A", "B"))


def test_settings_mean_what_course_md_says_and_export_then_import_changes_nothing(
        session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    url = "/admin/courses/breach-basics/settings"
    data = page_form(client, url)
    data.update(title="Breach basics: the first hour", pass_mark="90", refresher_months="", due_days="14",
                save="Save")
    first = client.post(url, data=data).get_data(as_text=True)
    assert "Before you confirm" in first and "Confirm and save" in first
    session.expire_all()
    assert session.scalar(select(Course)).pass_mark == 80  # not before confirming
    assert post_confirmed(client, url, data).status_code == 302
    session.expire_all()
    course = session.scalar(select(Course))
    assert (course.title, course.pass_mark, course.refresher_months, course.due_days) == (
        "Breach basics: the first hour", 90, None, 14)
    export_courses(session, tmp_path / "out")
    text = (tmp_path / "out" / "breach-basics" / "course.md").read_text()
    assert "title: \"Breach basics: the first hour\"\n" in text and "refresher_months: null\n" in text
    report = import_courses(session, tmp_path / "out", Actor.cli(), dry_run=True)
    assert not report.changed


def test_settings_follow_into_the_default_requirement(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    make_user(session)
    session.commit()
    url = "/admin/courses/breach-basics/settings"
    post_confirmed(client, url, {**page_form(client, url), "due_days": "10", "save": "Save"})
    session.expire_all()
    requirement = session.scalar(select(Requirement).where(Requirement.is_course_default.is_(True)))
    assert requirement.due_days == 10
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "course.updated"))
    assert (event.details["before"]["due_days"], event.details["after"]["due_days"]) == (30, 10)


def test_invalid_settings_re_render_with_messages(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    url = "/admin/courses/breach-basics/settings"
    response = client.post(url, data={**page_form(client, url), "pass_mark": "120", "title": "Kept",
                                      "save": "Save"})
    page = response.get_data(as_text=True)
    assert "Number must be between 0 and 100" in page and 'value="Kept"' in page
    session.expire_all()
    assert session.scalar(select(Course)).pass_mark == 80


def test_course_settings_hash_matches_the_canonical_form(session, admin):
    meta = CourseMeta(title="T", summary="S", pass_mark=70, refresher_months=None, due_days=9)
    course = create_course(session, Actor.cli(), "c", meta)
    assert course.source_hash == course_hash(meta, "")


def test_modules_move_up_and_down_and_keep_their_numbers(session, client, admin, tmp_path):
    imported_course(session, tmp_path, modules={"01-first.md": lesson(), "03-second.md": lesson(),
                                                "07-third.md": lesson()})
    token = csrf_token(client, "/admin/courses/breach-basics")
    client.post("/admin/courses/breach-basics/modules/third/move/up", data={"csrf_token": token})
    session.expire_all()
    course = session.scalar(select(Course))
    assert [(m.slug, m.position) for m in course.active_modules] == [
        ("first", 1), ("third", 3), ("second", 7)]
    client.post("/admin/courses/breach-basics/modules/first/move/up", data={"csrf_token": token})
    session.expire_all()
    assert [m.slug for m in session.scalar(select(Course)).active_modules] == ["first", "third", "second"]
    export_courses(session, tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out" / "breach-basics").iterdir())
    assert names == ["01-first.md", "03-third.md", "07-second.md", "course.md"]


def test_adding_a_module_opens_the_editor_with_a_starting_draft(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    token = csrf_token(client, "/admin/courses/breach-basics")
    response = client.post("/admin/courses/breach-basics/modules",
                           data={"csrf_token": token, "slug": "phishing", "title": "Spotting \"phishing\""})
    assert response.location == "/admin/courses/breach-basics/modules/phishing"
    source = page_form(client, response.location)["source"]
    assert source.startswith('---\ntitle: "Spotting \\"phishing\\""\nminutes: 5\n---\n')
    session.expire_all()
    module = module_of(session, "breach-basics", "phishing")
    assert module.current_version is None and module.position == 2
    assert session.scalar(select(ModuleDraft)).module_id == module.id
    # Never published: exporting leaves it out and importing the export leaves it alone.
    export_courses(session, tmp_path / "out")
    assert not import_courses(session, tmp_path / "out", Actor.cli(), dry_run=True).changed


def test_a_duplicate_module_slug_is_refused(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    token = csrf_token(client, "/admin/courses/breach-basics")
    response = client.post("/admin/courses/breach-basics/modules",
                           data={"csrf_token": token, "slug": "reporting", "title": "Again"})
    assert response.status_code == 400
    assert "already has a module with the slug" in response.get_data(as_text=True)


def test_retiring_closes_open_assignments_and_keeps_completions(session, client, admin, tmp_path):
    course = imported_course(session, tmp_path)
    done, busy = make_user(session), make_user(session)
    day = dt.date.today()
    sync(session, day)
    complete_course(session, done, course, day)
    session.commit()
    token = csrf_token(client, "/admin/courses/breach-basics")
    first = client.post("/admin/courses/breach-basics/retire", data={"csrf_token": token})
    page = first.get_data(as_text=True)  # a confirmation step first: nothing retired yet
    assert "Retire “Test course”?" in page and "2 open assignment(s) are closed." in page  # busy, admin
    session.expire_all()
    assert session.scalar(select(Course)).retired_at is None
    post_confirmed(client, "/admin/courses/breach-basics/retire", {"csrf_token": token})
    session.expire_all()
    assert session.scalar(select(Course)).retired_at is not None
    assert current(session, busy, course) is None
    closed = session.scalar(select(Assignment).where(Assignment.user_id == busy.id))
    assert closed.closed_reason == "no longer in the audience"
    kept = session.scalar(select(Assignment).where(Assignment.user_id == done.id))
    assert kept.completed_on == day
    client.post("/admin/courses/breach-basics/restore", data={"csrf_token": token})
    session.expire_all()
    assert current(session, busy, course) is not None
