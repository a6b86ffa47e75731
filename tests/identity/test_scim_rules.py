"""SCIM's rules: deleting keeps the evidence, taking over known people, privileged accounts,
uniqueness, bad input, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, cycles, require, sync
from tests.conftest import csrf_token
from tests.factories import make_course, make_user
from tests.identity.scim import (
    ENTERPRISE,
    PATCH_OP,
    SCIM_JSON,
    USER,
    Scim,
    entra_user,
    okta_user,
    person,
    scim_client,
)
from tests.web.test_admin_tokens import shown_token
from trainer import clock
from trainer.audit import Actor
from trainer.models import AuditEvent, Certificate, ModuleCompletion, ScimLink, User
from trainer.people.api_tokens import TokenError, create_token
from trainer.people.retention import apply_retention


def test_delete_deactivates_keeps_every_record_and_answers_404_after(session, client):
    course = make_course(session)
    require(session, course)
    scim = scim_client(session, client)
    scim_id = scim.post("/Users", okta_user("grace@example.com")).json["id"]
    grace = person(session, "grace@example.com")
    complete_course(session, grace, course, clock.today())
    session.commit()
    evidence = (session.scalar(select(func.count()).select_from(ModuleCompletion)),
                session.scalar(select(func.count()).select_from(Certificate)))
    assert evidence[0] == 2 and evidence[1] == 1

    assert scim.delete(f"/Users/{scim_id}").status_code == 204
    bodies = {"PUT": okta_user("grace@example.com"),
              "PATCH": {"schemas": [PATCH_OP],
                        "Operations": [{"op": "replace", "path": "title", "value": "x"}]}}
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        body = bodies.get(method)
        answer = scim.request(method, f"/Users/{scim_id}", body)
        assert answer.status_code == 404 and answer.json["status"] == "404", method
    assert scim.get('/Users?filter=userName eq "grace@example.com"').json["totalResults"] == 0

    grace = person(session, "grace@example.com")
    assert not grace.active and grace.deactivated_at is not None
    assert (session.scalar(select(func.count()).select_from(ModuleCompletion)),
            session.scalar(select(func.count()).select_from(Certificate))) == evidence
    assert cycles(session, grace, course)[-1].completed_on == clock.today()
    deleted = session.scalar(select(AuditEvent).where(AuditEvent.action == "scim.user_deleted"))
    assert deleted.target_id == str(grace.id)

    # Provisioned again (rehired): a new resource for the same person and history.
    again = scim.post("/Users", okta_user("grace@example.com"))
    assert again.status_code == 201 and again.json["id"] != scim_id
    grace = person(session, "grace@example.com")
    assert grace.active and session.scalar(select(func.count()).select_from(User)) == 1


def test_creation_takes_over_a_person_from_the_staff_import(session, client):
    course = make_course(session)
    require(session, course)
    imported = make_user(session, email="ada@contoso.com", name="Ada L.")
    numbered = make_user(session, email="old.address@contoso.com", name="Bob")
    numbered.employee_id = "E-7"
    sync(session, clock.today())
    session.commit()
    scim = scim_client(session, client)
    taken = scim.post("/Users", entra_user("ada@contoso.onmicrosoft.com", "ADA@contoso.com"))
    assert taken.status_code == 201
    assert person(session, "ada@contoso.com").id == imported.id
    # The employee number finds the person whose address changed.
    renamed = scim.post("/Users", okta_user("bob@contoso.com", **{"schemas": [USER, ENTERPRISE],
                                                                   ENTERPRISE: {"employeeNumber": "E-7"}}))
    assert renamed.status_code == 201, renamed.json
    assert person(session, "bob@contoso.com").id == numbered.id
    assert session.scalar(select(func.count()).select_from(User)) == 2
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "scim.user_provisioned"))
    assert event.details["taken_over"] is True
    # Taken over once: a second resource for the same person is a conflict.
    twice = scim.post("/Users", entra_user("other@contoso.com", "ada@contoso.com"))
    assert twice.status_code == 409 and twice.json["scimType"] == "uniqueness"


@pytest.mark.parametrize("role", ["hr", "admin", "auditor"])
def test_scim_never_creates_or_changes_hr_or_admin_accounts(session, client, role):
    boss = make_user(session, email="boss@example.com", roles=(role,))
    session.commit()
    scim = scim_client(session, client)
    refused = scim.post("/Users", okta_user("boss@example.com", displayName="Renamed"))
    assert refused.status_code == 403 and "SCIM never changes such accounts" in refused.json["detail"]
    assert person(session, "boss@example.com").name == boss.name
    assert session.scalar(select(func.count()).select_from(ScimLink)) == 0

    # Someone provisioned and later given the role in Trainer: SCIM may read, not write.
    scim_id = scim.post("/Users", okta_user("ann@example.com")).json["id"]
    ann = person(session, "ann@example.com")
    setattr(ann, f"is_{role}", True)
    session.commit()
    assert scim.get(f"/Users/{scim_id}").status_code == 200
    assert scim.patch(f"/Users/{scim_id}", {"op": "replace", "value": {"active": False}}).status_code == 403
    assert scim.put(f"/Users/{scim_id}", okta_user("ann@example.com", active=False)).status_code == 403
    assert scim.delete(f"/Users/{scim_id}").status_code == 403
    assert person(session, "ann@example.com").active


def test_taken_names_addresses_and_numbers_are_conflicts(session, client):
    scim = scim_client(session, client)
    make_user(session, email="taken@example.com")
    session.commit()
    first = scim.post("/Users", okta_user("grace@example.com", **{"schemas": [USER, ENTERPRISE],
                                                                   ENTERPRISE: {"employeeNumber": "E-1"}}))
    second = scim.post("/Users", okta_user("ann@example.com")).json["id"]
    assert first.status_code == 201
    duplicate = scim.post("/Users", okta_user("GRACE@example.com"))
    assert duplicate.status_code == 409 and duplicate.json["scimType"] == "uniqueness"
    for operation in ({"op": "replace", "path": "emails", "value": [{"value": "taken@example.com"}]},
                      {"op": "replace", "path": "userName", "value": "grace@example.com"},
                      {"op": "replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "E-1"}):
        answer = scim.patch(f"/Users/{second}", operation)
        assert answer.status_code == 409, operation
    assert person(session, "ann@example.com").employee_id is None


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"schemas": [USER], "userName": "x@example.com", "displayName": "x" * 201}, 400, "displayName"),
    ({"schemas": [USER], "userName": "x", "emails": [{"value": "not an address"}]}, 400, "not a valid"),
    ({"schemas": [USER], "userName": "   ", "emails": [{"value": "x@example.com"}]}, 400, "userName"),
    ({"schemas": [USER], "userName": "x" * 256, "emails": [{"value": "x@example.com"}]}, 400, "userName"),
    (["a list"], 400, ""),
])
def test_bad_input_is_a_clear_400_and_changes_nothing(session, client, body, status, words):
    answer = scim_client(session, client).post("/Users", body)
    assert answer.status_code == status and words in answer.json["detail"]
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_bodies_that_are_not_json(session, client):
    scim = scim_client(session, client)
    broken = client.post("/scim/v2/Users", data=b"{not json",
                         headers={**scim.headers, "Content-Type": SCIM_JSON})
    assert broken.status_code == 400 and broken.json["scimType"] == "invalidSyntax"
    form = client.post("/scim/v2/Users", data={"userName": "x"}, headers=scim.headers)
    assert form.status_code == 415


def test_tokens_need_the_scim_scope_and_must_see_everyone(session, client):
    assert client.get("/scim/v2/Users").status_code == 401
    assert client.get("/scim/v2/ServiceProviderConfig").status_code == 200  # public (RFC 7643 §5)
    read = create_token(session, Actor.cli(), name="HRIS", scopes=["read"]).plain
    session.commit()
    assert Scim(client, read).get("/Users").status_code == 403
    hr = make_user(session, email="hr@example.com", roles=("hr",))
    with pytest.raises(TokenError, match="administrator"):
        create_token(session, Actor.cli(), name="IdP", scopes=["scim"], owner=hr)
    admin = make_user(session, email="admin@example.com", roles=("admin",))
    owned = create_token(session, Actor.cli(), name="IdP", scopes=["scim"], owner=admin).plain
    session.commit()
    assert Scim(client, owned).get("/Users").status_code == 200
    admin.is_admin, admin.is_hr = False, True  # demoted to an HR user: the token dies with the role
    session.commit()
    refused = Scim(client, owned).get("/Users")
    assert refused.status_code == 403 and "administrator" in refused.json["detail"]


def test_created_people_get_their_assignments_dated_today(session, client):
    course = make_course(session)
    require(session, course)
    session.commit()
    with clock.frozen(dt.date(2026, 3, 2)):
        scim_client(session, client).post("/Users", okta_user("grace@example.com"))
    assignment = cycles(session, person(session, "grace@example.com"), course)[0]
    assert assignment.assigned_on == dt.date(2026, 3, 2)


def test_pseudonymising_a_leaver_removes_what_the_identity_provider_called_them(session, client):
    scim = scim_client(session, client)
    with clock.frozen(dt.date(2024, 1, 1)):
        scim_id = scim.post("/Users", okta_user("grace@example.com")).json["id"]
        scim.patch(f"/Users/{scim_id}", {"op": "replace", "value": {"active": False}})
    apply_retention(session, Actor.cli(), dt.date(2026, 6, 1), retention_days=365, ip_days=90)
    session.commit()
    assert session.scalar(select(func.count()).select_from(ScimLink)) == 0
    assert scim.get(f"/Users/{scim_id}").status_code == 404


def test_an_administrator_makes_a_scim_token_on_the_tokens_page(session, client, auth, app):
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    auth.login("admin@example.com")
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "http://trainer.test/scim/v2" in page and 'value="scim"' in page
    created = client.post("/admin/tokens", data={"name": "Entra ID", "scopes": ["scim"], "expires_days": 365,
                                                 "csrf_token": csrf_token(client, "/admin/tokens")},
                          follow_redirects=True)
    plain = shown_token(created.get_data(as_text=True))
    provider = Scim(app.test_client(), plain)
    assert provider.post("/Users", okta_user("grace@example.com")).status_code == 201
    assert provider.request("GET", "/Users", None).json["totalResults"] == 1
