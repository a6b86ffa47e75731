"""Content review on the web (issue 16.5): the settings, the "Review due" list, marking a
course reviewed, and regulation updates flagging modules "review needed"."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.content.builders import COURSE_MD
from tests.factories import make_user
from tests.web.authoring import LESSON, imported_course, module_of, page_form, post_confirmed, sign_in_admin
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.regulation_updates import publish_update
from trainer.content import export_courses
from trainer.content.review import review_list
from trainer.models import AuditEvent, Course, ModuleVersion, RegulationUpdate

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def admin(session, auth):
    return sign_in_admin(session, auth)


def course_md(reviewed_on: str | None, owner: str | None = "owner@example.com", months: int = 12) -> str:
    text = COURSE_MD.replace("owner: owner@example.com\n", f"owner: {owner}\n" if owner else "")
    text = text.replace("reviewed_on: 2026-11-01\n", f"reviewed_on: {reviewed_on}\n" if reviewed_on else "")
    return text.replace("---\nWhat", f"review_every_months: {months}\n---\nWhat") if months != 12 else text


def courses(session, tmp_path, **reviewed: str | None) -> None:
    for slug, day in reviewed.items():
        imported_course(session, tmp_path / slug, slug=slug, course_md=course_md(day))


def test_settings_edit_the_owner_and_review_and_export_writes_them(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    url = "/admin/courses/breach-basics/settings"
    data = page_form(client, url)
    assert (data["owner"], data["reviewed_on"], data["review_every_months"]) == (
        "owner@example.com", "2026-11-01", "12")
    data.update(owner="Ingrid.Larsen@Example.com", reviewed_on="2026-11-30", review_every_months="6",
                save="Save")
    assert post_confirmed(client, url, data).status_code == 302
    session.expire_all()
    course = session.scalar(select(Course))
    assert (course.owner, course.reviewed_on, course.review_every_months) == (
        "ingrid.larsen@example.com", dt.date(2026, 11, 30), 6)
    export_courses(session, tmp_path / "out")
    text = (tmp_path / "out" / "breach-basics" / "course.md").read_text()
    assert "owner: ingrid.larsen@example.com\nreviewed_on: 2026-11-30\nreview_every_months: 6\n---" in text


@pytest.mark.parametrize(("field", "value", "message"), [
    ("owner", "privacy team", "is not a valid e-mail address"),
    ("reviewed_on", "2026-02-30", "Not a valid date value"),
    ("reviewed_on", "1999-12-31", "must be between 2000-01-01 and 2099-12-31"),
    ("review_every_months", "0", "Number must be between 1 and 120"),
])
def test_bad_review_settings_are_refused_beside_their_field(session, client, admin, tmp_path, field, value,
                                                            message):
    imported_course(session, tmp_path)
    url = "/admin/courses/breach-basics/settings"
    response = client.post(url, data={**page_form(client, url), field: value, "save": "Save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = page[page.index(f'id="{field}-error"'):]
    assert message in error[:400]
    session.expire_all()
    assert session.scalar(select(Course)).reviewed_on == dt.date(2026, 11, 1)


def test_the_list_shows_overdue_first_then_due_within_60_days(session, client, admin, tmp_path):
    courses(session, tmp_path, **{
        "due-in-60": "2026-01-30",  # due 2027-01-30: 60 days away, listed
        "due-in-61": "2026-01-31",  # due 2027-01-31: 61 days away, not listed
        "due-today": "2025-12-01",  # due today: due, not overdue
        "overdue-1": "2025-11-30",  # due yesterday: overdue
        "overdue-long": "2025-01-01",
        "never": None,
    })
    rows = review_list(session, TODAY)
    assert [(r.course.slug, r.overdue, r.due_soon) for r in rows] == [
        ("never", True, False), ("overdue-long", True, False), ("overdue-1", True, False),
        ("due-today", False, True), ("due-in-60", False, True)]
    page = client.get("/admin/reviews").get_data(as_text=True)
    order = [page.index(slug) for slug in ("overdue-long", "overdue-1", "due-today", "due-in-60")]
    assert order == sorted(order)
    assert "due-in-61" not in page
    assert "Never reviewed" in page and "Due today" in page and "Due in 60 days" in page
    assert "(1 day ago)" in page and "Review due" in client.get("/admin/").get_data(as_text=True)


def test_the_course_list_shows_the_next_review(session, client, admin, tmp_path):
    courses(session, tmp_path, fine="2026-11-30", late="2025-06-01", never=None)
    page = client.get("/admin/courses").get_data(as_text=True)
    rows = {slug: page[page.index(f"<code>{slug}</code>"):].split("</tr>")[0]
            for slug in ("fine", "late", "never")}
    assert "30 Nov 2027" in rows["fine"] and "Overdue" not in rows["fine"]
    assert "Overdue since 1 Jun 2026" in rows["late"]
    assert "Never reviewed" in rows["never"]


def test_the_list_names_the_owner_and_the_last_review(session, client, admin, tmp_path):
    make_user(session, email="owner@example.com", name="Olga Owner")
    courses(session, tmp_path, mine="2025-06-01")
    imported_course(session, tmp_path / "x", slug="outsider",
                    course_md=course_md("2025-06-01", owner="someone@elsewhere.example"))
    page = client.get("/admin/reviews").get_data(as_text=True)
    assert "Olga Owner" in page and "someone@elsewhere.example" in page and "1 Jun 2025" in page


def test_the_list_says_when_the_owner_has_left(session, client, admin, tmp_path):
    owner = make_user(session, email="owner@example.com", name="Olga Owner")
    courses(session, tmp_path, mine="2025-06-01")
    assert "Account deactivated" not in client.get("/admin/reviews").get_data(as_text=True)
    owner.active = False
    session.commit()
    [row] = review_list(session, TODAY)
    assert row.owner_left
    assert "Account deactivated: choose a new owner" in client.get("/admin/reviews").get_data(as_text=True)


def test_marking_a_course_reviewed_sets_today_without_a_new_version_and_is_audited(
        session, client, admin, tmp_path):
    courses(session, tmp_path, late="2025-01-01")
    versions = session.scalar(select(func.count()).select_from(ModuleVersion))
    token = csrf_token(client, "/admin/reviews")
    response = client.post("/admin/reviews/late/reviewed", data={"csrf_token": token})
    assert response.status_code == 302 and response.location == "/admin/reviews"
    session.expire_all()
    course = session.scalar(select(Course).where(Course.slug == "late"))
    assert course.reviewed_on == TODAY
    assert session.scalar(select(func.count()).select_from(ModuleVersion)) == versions
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "course.reviewed"))
    assert event.details == {"course": "late", "reviewed_on": "2026-12-01", "before": "2025-01-01"}
    assert "late" not in client.get("/admin/reviews").get_data(as_text=True).split("<tbody>")[1]
    export_courses(session, tmp_path / "out")
    assert "reviewed_on: 2026-12-01\n" in (tmp_path / "out" / "late" / "course.md").read_text()


def test_marking_reviewed_needs_the_csrf_token(session, client, admin, tmp_path):
    courses(session, tmp_path, late="2025-01-01")
    assert client.post("/admin/reviews/late/reviewed").status_code == 400
    session.expire_all()
    assert session.scalar(select(Course)).reviewed_on == dt.date(2025, 1, 1)


@pytest.mark.parametrize("roles", [(), ("hr",), ("auditor",)])
def test_only_admins_see_the_list_or_mark_reviewed(session, client, auth, tmp_path, roles):
    courses(session, tmp_path, late="2025-01-01")
    make_user(session, email="someone@example.com", roles=roles)
    session.commit()
    auth.login("someone@example.com")
    assert client.get("/admin/reviews").status_code == 403
    token = csrf_token(client, "/")
    assert client.post("/admin/reviews/late/reviewed", data={"csrf_token": token}).status_code == 403
    session.expire_all()
    assert session.scalar(select(Course)).reviewed_on == dt.date(2025, 1, 1)


def publish_update_on(session, modules, moment: dt.datetime) -> RegulationUpdate:
    update = RegulationUpdate(
        title="Breach notices within 30 days", regulation="SB 446", summary="s", summary_html="<p>s</p>",
        effective_on=moment.date(), action="acknowledge", due_days=30, modules=list(modules))
    session.add(update)
    session.flush()
    with clock.frozen(moment):
        publish_update(session, Actor.cli(), update, moment.date())
    session.commit()
    return update


def test_a_regulation_update_flags_its_modules_until_a_new_version_is_published(
        session, client, admin, tmp_path):
    course = imported_course(session, tmp_path, course_md=course_md("2026-11-30"))  # not due for a year
    module = module_of(session, course.slug, "reporting")
    assert review_list(session, TODAY) == []
    publish_update_on(session, [module], dt.datetime(2026, 12, 1, 12, 5, tzinfo=dt.UTC))
    [row] = review_list(session, TODAY)
    assert (row.overdue, row.due_soon) == (False, False)
    assert [(n.module_title, n.regulation) for n in row.needed] == [("Reporting a breach", "SB 446")]
    editor = f"/admin/courses/{course.slug}/modules/reporting"
    assert "Review needed" in client.get("/admin/reviews").get_data(as_text=True)
    assert "Review needed" in client.get(editor).get_data(as_text=True)
    # Marking the course reviewed does not clear it: only a new version of the module does.
    client.post(f"/admin/reviews/{course.slug}/reviewed", data={"csrf_token": csrf_token(client, editor)})
    assert review_list(session, TODAY)[0].needed
    with clock.frozen(dt.datetime(2026, 12, 1, 12, 10, tzinfo=dt.UTC)):  # within the idle limit
        data = {**page_form(client, editor), "source": LESSON.replace("at once", "within the hour"),
                "change": "minor", "publish": "Publish"}
        assert post_confirmed(client, editor, data).status_code == 302
    session.expire_all()
    assert review_list(session, TODAY) == []
    assert "Review needed" not in client.get(editor).get_data(as_text=True)


def test_a_version_published_before_the_update_does_not_clear_the_flag(session, admin, tmp_path):
    course = imported_course(session, tmp_path, course_md=course_md("2026-11-30"))
    module = module_of(session, course.slug, "reporting")
    published = module.current_version.published_at
    publish_update_on(session, [module], published)  # the same instant: the version is not after it
    assert [n.module_title for n in review_list(session, TODAY)[0].needed] == ["Reporting a breach"]


def test_a_draft_update_flags_nothing(session, admin, tmp_path):
    course = imported_course(session, tmp_path, course_md=course_md("2026-11-30"))
    session.add(RegulationUpdate(title="t", regulation="r", summary="s", summary_html="s",
                                 effective_on=TODAY, action="retrain", due_days=30,
                                 modules=[module_of(session, course.slug, "reporting")]))
    session.commit()
    assert review_list(session, TODAY) == []
