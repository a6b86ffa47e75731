"""Accounts in the browser: list filters, create, edit roles and scope, deactivate, last-admin rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.compliance.helpers import current, sync
from tests.conftest import csrf_token
from tests.factories import make_course, make_user
from tests.web.authoring import page_form, post_confirmed, sign_in_admin
from trainer.audit import Actor
from trainer.compliance.requirements import RequirementSpec, create_requirement
from trainer.models import Assignment, AuditEvent, Department, User
from trainer.people.account_changes import AccountDetails, deactivate_account, update_account
from trainer.people.accounts import AccountError, get_or_create_department
from trainer.people.retention import pseudonymise
from trainer.people.scope import visible_department_ids


@pytest.fixture
def admin(session, auth):
    return sign_in_admin(session, auth)


def names_on(page: str) -> list[str]:
    return re.findall(r'<td><a href="/admin/users/\d+">([^<]+)</a></td>', page)


def test_the_list_filters_by_text_role_department_and_status(session, client, admin):
    sales = get_or_create_department(session, "Sales")
    make_user(session, name="Ann Sales", department="Sales")
    make_user(session, name="Hal HR", department="Sales", roles=("hr",))
    make_user(session, name="Gone Person", department="Sales", active=False)
    leaver = make_user(session, name="Old Leaver", active=False)
    pseudonymise(session, Actor.cli(), leaver)
    session.commit()
    assert names_on(client.get("/admin/?q=ann").get_data(as_text=True)) == ["Ann Sales"]
    assert names_on(client.get("/admin/?role=hr").get_data(as_text=True)) == ["Hal HR"]
    assert names_on(client.get(f"/admin/?department={sales.id}&status=active").get_data(as_text=True)) == [
        "Ann Sales", "Hal HR"]
    assert names_on(client.get("/admin/?status=deactivated").get_data(as_text=True)) == ["Gone Person"]
    page = client.get("/admin/?status=pseudonymised").get_data(as_text=True)
    assert len(names_on(page)) == 1 and "Former employee" in page
    assert client.get("/admin/?role=wizard&department=x").status_code == 200  # ignored, not an error


def test_the_list_shows_roles_department_job_role_and_hr_scope(session, client, admin):
    hr = make_user(session, name="Hal HR", department="Sales", job_role="Recruiter", roles=("hr",))
    hr.hr_departments, hr.hr_all_departments = [get_or_create_department(session, "Sales")], False
    session.commit()
    page = client.get("/admin/?q=hal").get_data(as_text=True)
    assert "<td>Sales</td>" in page and "<td>Recruiter</td>" in page and "employee, hr" in page


def new_user_data(client, **changes):
    data = {"csrf_token": csrf_token(client, "/admin/users/new"), "email": "New.Person@Example.com",
            "name": "New Person", "department": "Warehouse", "job_role": "Picker",
            "save": "Create account"}
    data.update(changes)
    return data


def test_creating_an_account_assigns_training_and_sends_an_invitation(session, app, client, admin):
    """No generated password (issue 19.4): the invitation lets the person choose one
    (tests/identity/test_invitations.py follows it to the first sign-in)."""
    make_course(session)
    session.commit()
    create_requirement(session, Actor.cli(), RequirementSpec(course_id=1, name="All", everyone=True))
    session.commit()
    page = client.post("/admin/users/new", data=new_user_data(client)).get_data(as_text=True)
    assert "1 assigned" in page and "Invitation sent to new.person@example.com" in page
    assert 'class="secret"' not in page
    session.expire_all()
    user = session.scalar(select(User).where(User.email == "new.person@example.com"))
    assert (user.department.name, user.job_role, user.roles) == ("Warehouse", "Picker", {"employee"})
    assert user.password_hash is None
    assert session.scalar(select(Assignment).where(Assignment.user_id == user.id)) is not None


def test_a_taken_address_re_renders_the_form_with_everything_typed(session, client, admin):
    make_user(session, email="new.person@example.com")
    session.commit()
    page = client.post("/admin/users/new", data=new_user_data(client)).get_data(as_text=True)
    assert "There is already an account for new.person@example.com." in page
    assert 'value="New Person"' in page and 'value="Picker"' in page


def test_editing_roles_and_scope_is_audited_by_id_only(session, client, admin):
    person = make_user(session, name="Pat Secret", email="pat@example.com", department="Sales",
                       job_role="Agent")
    boss = make_user(session, email="boss@example.com")
    finance = get_or_create_department(session, "Finance")
    session.commit()
    url = f"/admin/users/{person.id}"
    data = page_form(client, url)
    data.update(name="Pat Renamed", job_role="Lead", manager_email="boss@example.com", is_hr="y",
                hr_sees="some", hr_department_ids=str(finance.id), department="Finance", save="Save")
    assert client.post(url, data=data).status_code == 302
    session.expire_all()
    person = session.get(User, person.id)
    assert (person.name, person.job_role, person.manager_id, person.is_hr) == ("Pat Renamed", "Lead", boss.id,
                                                                               True)
    assert [d.name for d in person.hr_departments] == ["Finance"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.updated"))
    assert event.target_id == str(person.id)
    assert set(event.details["changed"]) == {"name", "job_role", "department_id", "manager_id", "roles",
                                             "hr_scope"}
    assert event.details["after"] == {"department_id": finance.id, "manager_id": boss.id,
                                      "roles": ["employee", "hr"], "hr_scope": [finance.id]}
    written = str(event.details)
    for personal in ("Pat", "Renamed", "Lead", "Agent", "example.com", "Finance"):
        assert personal not in written


def test_a_manager_loop_is_refused(session, client, admin):
    a = make_user(session, email="a@example.com")
    b = make_user(session, email="b@example.com", manager=a)
    session.commit()
    url = f"/admin/users/{a.id}"
    page = client.post(url, data={**page_form(client, url), "manager_email": "b@example.com",
                                  "save": "Save"}).get_data(as_text=True)
    assert "cannot be their own manager" in page
    session.expire_all()
    assert session.get(User, a.id).manager_id is None and session.get(User, b.id).manager_id == a.id


def test_an_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(session, client, admin):
    url = f"/admin/users/{admin.id}"
    data = page_form(client, url)
    data.pop("is_admin")
    page = client.post(url, data={**data, "save": "Save"}).get_data(as_text=True)
    assert "You cannot remove your own admin role" in page
    token = csrf_token(client, url)
    post_confirmed(client, f"{url}/deactivate", {"csrf_token": token})
    assert "You cannot deactivate your own account." in client.get(url).get_data(as_text=True)
    session.expire_all()
    me = session.get(User, admin.id)
    assert me.is_admin and me.active


def test_the_last_active_admin_keeps_the_role(session, admin):
    with pytest.raises(AccountError, match="last active administrator"):
        update_account(session, Actor.cli(), admin, AccountDetails(name=admin.name, is_admin=False))
    with pytest.raises(AccountError, match="last active administrator"):
        deactivate_account(session, Actor.cli(), admin)
    other = make_user(session, roles=("admin",), active=False)  # an inactive admin does not count
    with pytest.raises(AccountError, match="last active administrator"):
        deactivate_account(session, Actor.cli(), admin)
    other.active = True
    deactivate_account(session, Actor.cli(), admin)
    assert not admin.active


def test_an_admin_can_demote_another_admin(session, client, admin):
    other = make_user(session, email="other@example.com", roles=("admin",))
    session.commit()
    url = f"/admin/users/{other.id}"
    data = page_form(client, url)
    data.pop("is_admin")
    assert client.post(url, data={**data, "save": "Save"}).status_code == 302
    session.expire_all()
    assert not session.get(User, other.id).is_admin


def test_deactivating_closes_assignments_and_reactivating_brings_them_back(session, client, admin):
    course = make_course(session)
    person = make_user(session)
    session.commit()
    create_requirement(session, Actor.cli(), RequirementSpec(course_id=course.id, name="All", everyone=True))
    sync(session, dt.date.today())
    session.commit()
    url = f"/admin/users/{person.id}"
    token = csrf_token(client, url)
    asked = client.post(f"{url}/deactivate", data={"csrf_token": token}).get_data(as_text=True)
    assert "What happens" in asked and "can no longer sign in" in asked
    session.expire_all()
    assert session.get(User, person.id).active  # not before confirming
    post_confirmed(client, f"{url}/deactivate", {"csrf_token": token})
    session.expire_all()
    assert not session.get(User, person.id).active
    assert current(session, person, course) is None
    closed = session.scalar(select(Assignment).where(Assignment.user_id == person.id))
    assert closed.closed_reason == "deactivated"
    client.post(f"{url}/reactivate", data={"csrf_token": token})
    session.expire_all()
    assert session.get(User, person.id).active
    assert current(session, person, course) is not None


def test_departments_typed_in_are_created(session, client, admin):
    person = make_user(session, department=None)
    session.commit()
    url = f"/admin/users/{person.id}"
    client.post(url, data={**page_form(client, url), "department": "  New   Team ", "save": "Save"})
    session.expire_all()
    assert session.scalar(select(Department).where(Department.name == "New Team")) is not None


def test_hr_scope_is_an_explicit_choice_and_fails_closed(session, client, admin):
    person = make_user(session, name="Pat", email="pat@example.com", department="Sales")
    sales = person.department_id
    session.commit()
    url = f"/admin/users/{person.id}"
    unchosen = {**page_form(client, url), "is_hr": "y", "save": "Save"}
    unchosen.pop("hr_sees", None)
    refused = client.post(url, data=unchosen)
    assert refused.status_code == 200
    assert "Choose which departments this HR user sees" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, person.id).is_hr is False
    for choice, ticked, expected in (("all", [], None), ("some", [str(sales)], {sales}), ("some", [], set())):
        data = {**page_form(client, url), "is_hr": "y", "hr_sees": choice, "hr_department_ids": ticked,
                "save": "Save"}
        assert client.post(url, data=data).status_code == 302
        session.expire_all()
        person = session.get(User, person.id)
        assert visible_department_ids(session, person) == expected, choice
    page = client.get(url).get_data(as_text=True)
    chosen = re.findall(r'<input checked[^>]*name="hr_sees"[^>]*value="(\w+)"', page)
    assert chosen == ["some"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.updated")
                            .order_by(AuditEvent.id.desc())).first()
    assert (event.details["before"]["hr_scope"], event.details["after"]["hr_scope"]) == ([sales], [])
