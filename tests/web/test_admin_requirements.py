"""Admins create, preview, edit, pause and retire requirements in the browser's forms."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_course, make_user
from tests.web.authoring import post_confirmed
from trainer.models import Assignment, AuditEvent, Requirement, User
from trainer.people.accounts import get_or_create_department


def sign_in_admin(session, auth):
    make_user(session, email="admin@example.com", roles=("admin",), department="IT")
    session.commit()
    auth.login("admin@example.com")


def form_data(client, course, **fields):
    data = {"csrf_token": csrf_token(client, "/admin/requirements/new"), "course_id": course.id,
            "name": "Sales must know GDPR", "due_days": 30, "renew_month": 0,
            "renew_grace_days": 0}
    data.update(fields)
    return data


def test_preview_says_how_many_people_and_saves_nothing(session, client, auth):
    sign_in_admin(session, auth)
    course = make_course(session)
    sales = get_or_create_department(session, "Sales")
    for _ in range(3):
        make_user(session, department="Sales")
    session.commit()
    response = client.post("/admin/requirements/new",
                           data=form_data(client, course, department_ids=[sales.id], preview="Preview"))
    assert response.status_code == 200
    assert "This rule assigns 3 people, 3 of them new." in response.get_data(as_text=True)
    assert session.scalars(select(Requirement)).all() == []


def test_saving_assigns_matching_people_and_is_audited(session, client, auth):
    sign_in_admin(session, auth)
    course = make_course(session)
    sales = get_or_create_department(session, "Sales")
    make_user(session, department="Sales")
    make_user(session, department="Sales", job_role="Developer")
    make_user(session, department="Warehouse", job_role="developer")
    session.commit()
    data = form_data(client, course, department_ids=[sales.id], job_roles="Developer", save="Save")
    first = client.post("/admin/requirements/new", data=data).get_data(as_text=True)
    assert "Assigns 3 people, reopens 0 people&#39;s training" in first  # the impact, nothing saved yet
    assert session.scalars(select(Requirement)).all() == []
    response = post_confirmed(client, "/admin/requirements/new", data)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "3 assigned" in page
    session.expire_all()
    assert len(session.scalars(select(Assignment)).all()) == 3
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "requirement.created"))
    admin = session.scalar(select(User).where(User.email == "admin@example.com"))
    assert (event.actor_label, event.actor_id) == ("user", admin.id)
    assert event.details["after"]["departments"] == ["Sales"]


def test_invalid_form_re_renders_with_messages_and_keeps_input(session, client, auth):
    sign_in_admin(session, auth)
    course = make_course(session)
    session.commit()
    response = client.post("/admin/requirements/new", data=form_data(
        client, course, name="Keep this name", people="ghost@example.com", due_days=0, save="Save"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No account for ghost@example.com" in page
    assert "Number must be between 1 and 3650" in page
    assert 'value="Keep this name"' in page
    assert session.scalars(select(Requirement)).all() == []


def test_a_requirement_needs_an_audience(session, client, auth):
    sign_in_admin(session, auth)
    course = make_course(session)
    session.commit()
    page = client.post("/admin/requirements/new", data=form_data(client, course, save="Save"))
    assert "Choose who the requirement applies to." in page.get_data(as_text=True)


def test_pause_and_retire(session, client, auth):
    sign_in_admin(session, auth)
    course = make_course(session)
    make_user(session)
    session.commit()
    post_confirmed(client, "/admin/requirements/new", form_data(client, course, everyone="y", save="Save"))
    requirement = session.scalar(select(Requirement))
    token = csrf_token(client, "/admin/requirements")
    url = f"/admin/requirements/{requirement.id}/status"
    client.post(url, data={"csrf_token": token, "status": "paused"})
    session.expire_all()
    assert requirement.status == "paused"
    asked = client.post(url, data={"csrf_token": token, "status": "retired"}).get_data(as_text=True)
    assert "Retire the requirement “Sales must know GDPR”?" in asked
    session.expire_all()
    assert requirement.status == "paused"
    post_confirmed(client, url, {"csrf_token": token, "status": "retired"})
    session.expire_all()
    assert requirement.status == "retired"
    assert all(not a.current for a in session.scalars(select(Assignment)))
    page = client.get("/admin/requirements").get_data(as_text=True)
    assert "Retired" in page


def test_editing_shows_current_values_and_records_before_and_after(session, client, auth):
    sign_in_admin(session, auth)
    course = make_course(session)
    session.commit()
    post_confirmed(client, "/admin/requirements/new", form_data(client, course, everyone="y", save="Save"))
    requirement = session.scalar(select(Requirement))
    page = client.get(f"/admin/requirements/{requirement.id}").get_data(as_text=True)
    assert 'value="Sales must know GDPR"' in page
    post_confirmed(client, f"/admin/requirements/{requirement.id}", form_data(
        client, course, everyone="y", due_days=14, save="Save"))
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "requirement.updated"))
    assert event.details["before"]["due_days"] == 30
    assert event.details["after"]["due_days"] == 14


def test_employees_and_hr_cannot_reach_requirement_pages(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    assert client.get("/admin/requirements").status_code == 403
    assert client.get("/admin/requirements/new").status_code == 403
