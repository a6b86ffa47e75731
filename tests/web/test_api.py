"""The JSON API: bearer tokens with scopes and expiry, cursor pagination, department scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, require, sync
from tests.factories import make_course, make_user
from tests.reports.dataset import TODAY, build_org
from trainer import clock
from trainer.audit import Actor
from trainer.models import ApiToken, AuditEvent, User, hr_scope
from trainer.people.api_tokens import create_token, revoke_token

D = dt.date


def bearer(session, *scopes, owner=None, days=90):
    created = create_token(session, Actor.cli(), name="HRIS", scopes=list(scopes or ("read",)),
                           expires_in_days=days, owner=owner)
    session.commit()
    return {"Authorization": f"Bearer {created.plain}"}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_missing_or_unknown_tokens_are_refused_with_401_json(client, header):
    response = client.get("/api/v1/employees", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.is_json and response.json["error"] == "Unauthorized" and response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_stop_working(session, client):
    with clock.frozen(D(2026, 1, 1)):
        headers = bearer(session, days=30)
    with clock.frozen(D(2026, 1, 30)):
        assert client.get("/api/v1/employees", headers=headers).status_code == 200
    with clock.frozen(D(2026, 2, 1)):
        expired = client.get("/api/v1/employees", headers=headers)
    assert (expired.status_code, expired.json["message"]) == (401, "The token has expired.")
    token = session.scalar(select(ApiToken))
    assert token.last_used_at is not None
    revoked_headers = bearer(session, days=None)
    revoke_token(session, Actor.cli(), session.scalar(select(func.max(ApiToken.id))))
    session.commit()
    revoked = client.get("/api/v1/employees", headers=revoked_headers)
    assert (revoked.status_code, revoked.json["message"]) == (401, "The token has been revoked.")


def test_a_token_without_the_scope_is_refused_with_403(session, client):
    read_only = bearer(session, "read")
    response = client.post("/api/v1/employees/sync", json={"employees": []}, headers=read_only)
    assert response.status_code == 403
    assert response.json["message"] == "This token does not have the 'sync' scope."
    sync_only = bearer(session, "sync")
    assert client.get("/api/v1/employees", headers=sync_only).status_code == 403


def test_tokens_are_stored_hashed_and_shown_once(session):
    created = create_token(session, Actor.cli(), name="HRIS", scopes=["read", "sync"])
    assert created.plain.startswith("trn_") and created.token.prefix == created.plain[:12]
    assert created.plain not in (created.token.token_hash, created.token.prefix)
    assert created.token.scopes == ["read", "sync"]


def test_employees_are_listed_by_cursor(session, client):
    for n in range(5):
        make_user(session, email=f"p{n}@example.com")
    make_user(session, email="gone@example.com", active=False)
    headers = bearer(session)
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/employees", query_string=query, headers=headers).json
        seen += [e["email"] for e in body["data"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            break
    assert seen == [f"p{n}@example.com" for n in range(5)] and pages == 3
    everyone = client.get("/api/v1/employees?include_inactive=true", headers=headers).json["data"]
    assert len(everyone) == 6 and everyone[0]["department"] == "Customer Service"


@pytest.mark.parametrize(("query", "message"), [
    ("cursor=garbage", "The cursor is not one this API gave out."),
    ("limit=0", "limit must be a whole number from 1 to 500."),
    ("limit=many", "limit must be a whole number from 1 to 500."),
])
def test_bad_parameters_are_400_json(session, client, query, message):
    response = client.get(f"/api/v1/employees?{query}", headers=bearer(session))
    assert (response.status_code, response.json["message"]) == (400, message)


def test_unknown_api_paths_answer_json(session, client):
    response = client.get("/api/v1/nothing", headers=bearer(session))
    assert response.status_code == 404 and response.is_json


def test_completion_status_per_employee_and_per_course(session, client):
    org = build_org(session)
    headers = bearer(session)
    with clock.frozen(TODAY):
        sara = client.get(f"/api/v1/employees/{org.sara.id}/completion", headers=headers).json
        uma = client.get("/api/v1/employees/UMA@example.com/completion", headers=headers).json
        course = client.get("/api/v1/courses/course-a/completion?status=overdue", headers=headers).json
        courses = client.get("/api/v1/courses", headers=headers).json
    assert sara["compliant"] is False and sara["as_of"] == "2026-06-15"
    assert [(c["course"], c["status"], c["due_on"]) for c in sara["courses"]] == [
        ("course-a", "overdue", "2026-06-01"), ("course-b", "due_soon", "2026-06-20")]
    assert uma["compliant"] is True
    # Uma's refresher of course B is open: pending, and an open cycle has no expiry date.
    assert [(c["course"], c["status"], c["pending"], c["expires_on"]) for c in uma["courses"]] == [
        ("course-a", "completed", None, "2027-03-01"), ("course-b", "expiring", "refresher", None)]
    assert [r["email"] for r in course["data"]] == ["sara@example.com", "ugo@example.com"]
    assert [r["pending"] for r in course["data"]] == [None, None]
    assert [(c["course"], c["assigned"], c["compliant"], c["percent"]) for c in courses["data"]] == [
        ("course-a", 5, 2, 40), ("course-b", 5, 2, 40)]
    assert client.get("/api/v1/courses/nope/completion", headers=headers).status_code == 404
    assert client.get("/api/v1/employees/nobody@example.com/completion", headers=headers).status_code == 404


def test_a_token_owned_by_sales_hr_sees_only_sales(session, client):
    org = build_org(session)
    hr = make_user(session, email="hr@example.com", department="Sales", roles=("hr",), hr_departments=[])
    session.execute(hr_scope.insert().values(user_id=hr.id, department_id=org.sales_id))
    headers = bearer(session, owner=hr)
    with clock.frozen(TODAY):
        people = client.get("/api/v1/employees", headers=headers).json["data"]
        support_person = client.get(f"/api/v1/employees/{org.uma.id}/completion", headers=headers)
        course = client.get("/api/v1/courses/course-a/completion", headers=headers).json["data"]
        changes = client.get("/api/v1/changes/assignments?since=2020-01-01T00:00:00Z", headers=headers).json
    assert {p["email"] for p in people} == {"sam@example.com", "sara@example.com", "sid@example.com",
                                            "hr@example.com"}
    assert support_person.status_code == 404
    assert {r["email"] for r in course} == {"sam@example.com", "sara@example.com", "sid@example.com"}
    assert {r["email"] for r in changes["data"]} <= {"sam@example.com", "sara@example.com", "sid@example.com"}
    hr.is_hr = False  # losing the role ends the token's access
    session.commit()
    assert client.get("/api/v1/employees", headers=headers).status_code == 401


def test_changes_since_a_time(session, client):
    course = make_course(session, slug="essentials", modules=1)
    ada = make_user(session, email="ada@example.com")
    make_user(session, email="bob@example.com")
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 3, 2))
    headers = bearer(session)
    with clock.frozen(D(2026, 3, 10)):
        assignments = client.get("/api/v1/changes/assignments?since=2026-03-01T00:00:00Z",
                                 headers=headers).json
        everything = client.get("/api/v1/changes/assignments?since=2026-01-01T00:00:00%2B00:00",
                                headers=headers).json
        completions = client.get("/api/v1/changes/completions?since=2026-03-02T00:00:00Z",
                                 headers=headers).json
        later = client.get("/api/v1/changes/completions?since=2026-03-02T12:00:01Z", headers=headers).json
        missing = client.get("/api/v1/changes/completions", headers=headers)
    assert [(a["email"], a["status"], a["completed_on"]) for a in assignments["data"]] == [
        ("ada@example.com", "completed", "2026-03-02")]
    assert {a["email"] for a in everything["data"]} == {"ada@example.com", "bob@example.com"}
    assert [(c["email"], c["module"], c["version"]) for c in completions["data"]] == [
        ("ada@example.com", "module-1", 1)]
    assert later["data"] == []
    assert missing.status_code == 400


def test_employees_sync_previews_applies_and_refuses_bad_rows(session, client):
    make_user(session, email="old@example.com", name="Old")
    headers = bearer(session, "sync")
    employees = [{"email": "new@example.com", "name": "New", "department": "Sales", "hired_on": "2026-06-01"},
                 {"email": "old@example.com", "name": "Old Name"}]
    preview = client.post("/api/v1/employees/sync", headers=headers,
                          json={"employees": employees, "dry_run": True})
    assert preview.status_code == 200 and preview.json["applied"] is False
    assert preview.json["created"] == ["new@example.com"]
    assert preview.json["updated"] == [
        {"email": "old@example.com", "changes": {"name": {"from": "Old", "to": "Old Name"}}}]
    assert session.scalar(select(func.count()).select_from(User)) == 1
    bad = client.post("/api/v1/employees/sync", headers=headers,
                      json={"employees": [*employees, {"email": "x@example.com", "name": "X",
                                                       "hired_on": "soon"}]})
    assert bad.status_code == 422 and bad.json["applied"] is False
    assert bad.json["errors"] == [{"row": 3, "message": "bad date 'soon' in hired_on: use YYYY-MM-DD."}]
    applied = client.post("/api/v1/employees/sync", headers=headers, json={"employees": employees})
    assert applied.status_code == 200 and applied.json["applied"] is True
    session.expire_all()
    assert session.scalar(select(User.name).where(User.email == "old@example.com")) == "Old Name"
    assert client.post("/api/v1/employees/sync", headers=headers, data="nope").status_code == 400


def test_openapi_describes_every_api_route(app):
    import re
    from pathlib import Path

    import yaml

    spec = yaml.safe_load((Path(__file__).parents[2] / "docs" / "openapi.yaml").read_text())
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method)
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_an_hr_owned_sync_token_cannot_deactivate_or_reactivate_an_admin(session, client):
    hr = make_user(session, email="hr@example.com", name="Hr", roles=("hr",), department=None, job_role=None)
    make_user(session, email="admin@example.com", name="Admin", roles=("admin",), department=None,
              job_role=None)
    make_user(session, email="old-admin@example.com", name="Old", roles=("admin",), department=None,
              job_role=None, active=False)
    headers = bearer(session, "sync", owner=hr)
    employees = [{"email": "admin@example.com", "name": "Admin", "active": False},
                 {"email": "old-admin@example.com", "name": "Old", "active": True},
                 {"email": "new@example.com", "name": "New"}]
    response = client.post("/api/v1/employees/sync", headers=headers, json={"employees": employees})
    assert response.status_code == 200 and response.json["applied"] is True
    assert [(r["row"], r["email"]) for r in response.json["refused"]] == [
        (1, "admin@example.com"), (2, "old-admin@example.com")]
    reason = response.json["refused"][0]["reason"]
    assert "only an administrator may change such an account by API sync" in reason
    assert response.json["created"] == ["new@example.com"] and response.json["updated"] == []
    session.expire_all()
    states = dict(session.execute(select(User.email, User.active)).all())
    assert (states["admin@example.com"], states["old-admin@example.com"]) == (True, False)
    events = session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "User")).all()
    assert events == ["user.created"]


def test_an_admin_owned_sync_token_may_change_hr_accounts(session, client):
    admin = make_user(session, email="admin@example.com", roles=("admin",))
    make_user(session, email="hr@example.com", name="Hr", roles=("hr",), department=None, job_role=None)
    headers = bearer(session, "sync", owner=admin)
    response = client.post("/api/v1/employees/sync", headers=headers,
                           json={"employees": [{"email": "hr@example.com", "name": "Hr Renamed"}]})
    assert response.json["refused"] == [] and response.json["summary"]["updated"] == 1


def test_sync_refuses_too_many_rows_with_413(session, client, app):
    headers = bearer(session, "sync")
    app.config["API_SYNC_MAX_ROWS"] = 2
    rows = [{"email": f"p{i}@example.com", "name": f"P {i}"} for i in range(3)]
    too_many = client.post("/api/v1/employees/sync", headers=headers, json={"employees": rows})
    assert too_many.status_code == 413
    assert too_many.json["message"].startswith("At most 2 employees per request; this one has 3.")
    assert client.post("/api/v1/employees/sync", headers=headers,
                       json={"employees": rows[:2], "dry_run": True}).status_code == 200


def test_sync_guards_mass_deactivation_and_never_empties_the_company(session, client):
    for i in range(4):
        make_user(session, email=f"p{i}@example.com", name=f"P {i}", password=None)
    headers = bearer(session, "sync")
    empty = client.post("/api/v1/employees/sync", headers=headers,
                        json={"employees": [], "deactivate_missing": True})
    assert empty.status_code == 200 and empty.json["deactivated"] == []
    assert empty.json["notes"] == ["The list names nobody, so nobody is deactivated."]
    keep = [{"email": "p0@example.com", "name": "P 0"}]
    held = client.post("/api/v1/employees/sync", headers=headers,
                       json={"employees": keep, "deactivate_missing": True})
    assert held.status_code == 422 and held.json["applied"] is False
    assert held.json["deactivation_blocked"] == (
        "This import would deactivate 3 of 4 active people, more than 10 %. Check that the file is the full "
        'staff list. To confirm, send "allow_mass_deactivation": 3.')
    bad = client.post("/api/v1/employees/sync", headers=headers,
                      json={"employees": keep, "deactivate_missing": True, "allow_mass_deactivation": "3"})
    assert bad.status_code == 400
    done = client.post("/api/v1/employees/sync", headers=headers,
                       json={"employees": keep, "deactivate_missing": True, "allow_mass_deactivation": 3})
    assert done.status_code == 200 and done.json["applied"] is True
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))) == 1


def test_sync_matches_by_employee_id_and_keeps_fields_unless_cleared(session, client):
    ann = make_user(session, email="ann@example.com", name="Ann", department="Sales", job_role="Agent")
    ann.employee_id = "E-1"
    headers = bearer(session, "sync")
    moved = client.post("/api/v1/employees/sync", headers=headers, json={"employees": [
        {"employee_id": "E-1", "email": "ann.b@example.com", "name": "Ann", "job_role": None,
         "department": "Logistics"}], "dry_run": True})
    assert moved.json["updated"] == [{"email": "ann.b@example.com", "changes": {
        "email": {"from": "ann@example.com", "to": "ann.b@example.com"},
        "department": {"from": "Sales", "to": "Logistics"}}}]
    assert moved.json["new_departments"] == ["Logistics"]
    cleared = client.post("/api/v1/employees/sync", headers=headers, json={"employees": [
        {"employee_id": "E-1", "email": "ann@example.com", "name": "Ann", "job_role": None}],
        "clear_fields": ["job_role"], "dry_run": True})
    assert cleared.json["updated"][0]["changes"] == {"job_role": {"from": "Agent", "to": None}}
    bad = client.post("/api/v1/employees/sync", headers=headers,
                      json={"employees": [], "clear_fields": ["name"]})
    assert bad.status_code == 400
