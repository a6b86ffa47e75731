"""SCIM as Microsoft Entra ID and Okta speak it: creation, lookup, PATCH shapes, PUT, paging."""

from __future__ import annotations

from sqlalchemy import select

from tests.compliance.helpers import current, cycles, require
from tests.factories import make_course, make_user
from tests.identity.scim import ENTERPRISE, entra_user, okta_user, person, scim_client
from trainer.models import AuditEvent


def test_entra_creation_lookup_and_patches(session, client):
    course = make_course(session)
    require(session, course)
    scim = scim_client(session, client)
    created = scim.post("/Users", entra_user("ada@contoso.onmicrosoft.com", "Ada@Contoso.com", **{
        ENTERPRISE: {"employeeNumber": "E-1", "department": "Research"}}))
    assert created.status_code == 201, created.json
    assert created.headers["Content-Type"].startswith("application/scim+json")
    scim_id = created.json["id"]
    assert created.headers["Location"].endswith(f"/scim/v2/Users/{scim_id}")
    ada = person(session, "ada@contoso.com")
    assert (ada.name, ada.employee_id, ada.department.name, ada.password_hash) == (
        "Ada Lovelace", "E-1", "Research", None)
    assert current(session, ada, course) is not None  # the compliance follow-up ran

    found = scim.get('/Users?filter=userName eq "ADA@contoso.onmicrosoft.com"')
    assert found.json["totalResults"] == 1 and found.json["Resources"][0]["id"] == scim_id
    assert scim.get('/Users?filter=userName eq "nobody@contoso.com"').json["totalResults"] == 0

    # Entra's documented PATCH: a filtered path, a capitalised op, and name parts Trainer keeps not.
    changed = scim.patch(f"/Users/{scim_id}",
                         {"op": "Replace", "path": 'emails[type eq "work"].value',
                          "value": "ada.l@contoso.com"},
                         {"op": "Replace", "path": "name.familyName", "value": "King"},
                         {"op": "Add", "path": "title", "value": "Analyst"})
    assert changed.status_code == 200, changed.json
    ada = person(session, "ada.l@contoso.com")
    assert (ada.name, ada.job_role) == ("Ada Lovelace", "Analyst")
    assert changed.json["emails"] == [{"value": "ada.l@contoso.com", "type": "work"}]

    # Entra before its 2020 fix sends booleans as strings.
    disabled = scim.patch(f"/Users/{scim_id}", {"op": "Replace", "path": "active", "value": "False"})
    assert disabled.status_code == 200
    ada = person(session, "ada.l@contoso.com")
    assert not ada.active and ada.deactivated_at is not None
    assert current(session, ada, course) is None
    assert cycles(session, ada, course)[-1].closed_reason == "deactivated"
    assert scim.get(f"/Users/{scim_id}").json["active"] is False


def test_entra_sets_and_removes_the_manager_by_id(session, client):
    scim = scim_client(session, client)
    boss = scim.post("/Users", entra_user("boss@contoso.com", "boss@contoso.com")).json["id"]
    ada = scim.post("/Users", entra_user("ada@contoso.com", "ada@contoso.com")).json["id"]
    manager_path = f"{ENTERPRISE}:manager"
    response = scim.patch(f"/Users/{ada}", {"op": "Add", "path": manager_path, "value": boss})
    assert response.status_code == 200, response.json
    assert response.json[ENTERPRISE]["manager"]["value"] == boss
    assert person(session, "ada@contoso.com").manager.email == "boss@contoso.com"
    # A loop is refused, an unknown id too.
    loop = scim.patch(f"/Users/{boss}", {"op": "Add", "path": manager_path, "value": ada})
    assert loop.status_code == 400 and loop.json["scimType"] == "invalidValue"
    assert scim.patch(f"/Users/{ada}", {"op": "Replace", "path": manager_path,
                                        "value": {"value": "no-such-id"}}).status_code == 400
    assert scim.patch(f"/Users/{ada}", {"op": "Remove", "path": manager_path}).status_code == 200
    assert person(session, "ada@contoso.com").manager is None


def test_a_manager_set_in_trainer_is_kept_when_scim_cannot_name_them(session, client):
    scim = scim_client(session, client)
    boss = make_user(session, email="boss@contoso.com")
    session.commit()
    ada = scim.post("/Users", entra_user("ada@contoso.com", "ada@contoso.com")).json["id"]
    person(session, "ada@contoso.com").manager_id = boss.id
    session.commit()
    title = {"op": "Replace", "path": "title", "value": "Clerk"}
    assert scim.patch(f"/Users/{ada}", title).status_code == 200
    assert person(session, "ada@contoso.com").manager_id == boss.id


def test_okta_creation_deactivation_reactivation_and_put(session, client):
    scim = scim_client(session, client)
    created = scim.post("/Users", okta_user("grace@example.com"))
    assert created.status_code == 201, created.json
    scim_id = created.json["id"]
    grace = person(session, "grace@example.com")
    assert grace.name == "Grace Hopper" and grace.password_hash is None  # passwords never come from SCIM
    assert created.json["externalId"] == "00ujl29u0le5T6Aj10h7"
    assert grace.employee_id is None  # externalId is the provider's key, not the HR one

    lookup = scim.get('/Users?filter=userName eq "grace@example.com"&startIndex=1&count=100')
    assert lookup.json["Resources"][0]["id"] == scim_id

    # Okta switches people off and on with a PATCH without a path.
    off = {"op": "replace", "value": {"active": False}}
    assert scim.patch(f"/Users/{scim_id}", off).json["active"] is False
    assert not person(session, "grace@example.com").active
    on = {"op": "replace", "value": {"active": True}}
    assert scim.patch(f"/Users/{scim_id}", on).json["active"] is True
    assert person(session, "grace@example.com").active

    # Okta's profile updates are a PUT of the whole user, its own read-only parts included.
    full = scim.get(f"/Users/{scim_id}").json
    full.update(displayName="Grace B. Hopper", title="Rear Admiral", password="ignored")
    full[ENTERPRISE] = {"department": "Navy"}
    replaced = scim.put(f"/Users/{scim_id}", full)
    assert replaced.status_code == 200, replaced.json
    grace = person(session, "grace@example.com")
    assert (grace.name, grace.job_role, grace.department.name) == ("Grace B. Hopper", "Rear Admiral", "Navy")
    del full["title"]
    scim.put(f"/Users/{scim_id}", full)
    assert person(session, "grace@example.com").job_role is None  # PUT replaces: left out is cleared


def test_okta_password_sync_changes_nothing(session, client):
    scim = scim_client(session, client)
    scim_id = scim.post("/Users", okta_user("grace@example.com")).json["id"]
    response = scim.patch(f"/Users/{scim_id}", {"op": "replace", "value": {"password": "n3w-p4ss"}})
    assert response.status_code == 200
    assert person(session, "grace@example.com").password_hash is None


def test_lists_are_paged_and_other_filters_work(session, client):
    scim = scim_client(session, client)
    for name in ("ann", "bob", "cat"):
        created = scim.post("/Users", okta_user(f"{name}@example.com", displayName=name.title()))
        assert created.status_code == 201
    first = scim.get("/Users?count=2").json
    assert (first["totalResults"], first["itemsPerPage"], first["startIndex"]) == (3, 2, 1)
    assert [r["userName"] for r in first["Resources"]] == ["ann@example.com", "bob@example.com"]
    last = scim.get("/Users?count=2&startIndex=3").json
    assert [r["userName"] for r in last["Resources"]] == ["cat@example.com"]
    assert scim.get("/Users?count=0").json["totalResults"] == 3
    starts = scim.get('/Users?filter=displayName sw "B" or emails.value eq "cat@example.com"').json
    assert sorted(r["userName"] for r in starts["Resources"]) == ["bob@example.com", "cat@example.com"]
    assert scim.get('/Users?filter=emails.value eq "ANN@example.com"').json["totalResults"] == 1
    assert scim.get('/Users?filter=userName eq').status_code == 400


def test_creation_defaults_and_what_cannot_be_defaulted(session, client):
    scim = scim_client(session, client)
    minimal = scim.post("/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                   "userName": "Min@Example.com"})
    assert minimal.status_code == 201, minimal.json
    assert (minimal.json["displayName"], minimal.json["active"]) == ("Min@Example.com", True)
    assert person(session, "min@example.com") is not None
    no_address = scim.post("/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                      "userName": "not-an-address"})
    assert no_address.status_code == 400 and "emails" in no_address.json["detail"]


def test_changes_are_audited_by_id_with_the_token(session, client):
    scim = scim_client(session, client)
    scim_id = scim.post("/Users", okta_user("grace@example.com")).json["id"]
    scim.patch(f"/Users/{scim_id}", {"op": "replace", "path": "title", "value": "Engineer"})
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [e.action for e in events]
    assert {"user.created", "scim.user_provisioned", "user.updated"} <= set(actions)
    updated = next(e for e in events if e.action == "user.updated")
    assert updated.actor_label.startswith("api-token:trn_") and updated.details["changed"] == ["job_role"]
    assert "grace" not in str([e.details for e in events]).lower()
