"""The auditor role: reads HR figures, lists, exports and the audit log; changes nothing;
ends by itself after its last day. (Every route as an auditor: tests/security/test_route_matrix.py.)"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.reports.dataset import build_org
from tests.web.authoring import page_form, sign_in_admin
from trainer import clock
from trainer.models import AuditEvent, User, hr_scope

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def org(session):
    return build_org(session)


def sign_in_auditor(session, auth, until=None):
    auditor = make_user(session, email="audrey@example.com", name="Audrey Auditor", department=None,
                        roles=("auditor",))
    auditor.auditor_until = until
    session.commit()
    assert auth.login("audrey@example.com").status_code == 302
    return auditor


def test_an_auditor_sees_every_department_and_the_audit_log_but_no_import_or_admin(
        session, client, auth, org):
    sign_in_auditor(session, auth)
    with clock.frozen(TODAY):
        employees = client.get("/hr/employees").get_data(as_text=True)
        dashboard = client.get("/hr/").get_data(as_text=True)
    for name in ("Sam Sales", "Uma Support"):
        assert name in employees
    assert 'href="/admin/audit"' in dashboard and ">HR<" in dashboard
    assert "/hr/import" not in dashboard and 'href="/admin/"' not in dashboard
    audit_page = client.get("/admin/audit")
    assert audit_page.status_code == 200 and 'href="/admin/courses"' not in audit_page.get_data(as_text=True)
    assert client.get("/hr/import").status_code == 403
    assert client.get("/admin/").status_code == 403
    token = csrf_token(client, "/hr/")
    assert client.post("/hr/import", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/admin/users/{org.sam.id}/deactivate", data={"csrf_token": token}).status_code == 403


def test_the_role_holds_on_its_last_day_and_is_gone_the_day_after(session, client, auth, org):
    sign_in_auditor(session, auth, until=TODAY)
    with clock.frozen(TODAY):
        assert client.get("/hr/").status_code == 200
    with clock.frozen(TODAY + dt.timedelta(days=1)):
        assert client.get("/hr/").status_code == 403
        assert client.get("/admin/audit").status_code == 403
        assert ">HR<" not in client.get("/").get_data(as_text=True)


def test_an_auditor_downloads_the_pack_from_the_exports_page(session, client, auth, org):
    sign_in_auditor(session, auth)
    with clock.frozen(TODAY):
        assert "Download the pack" in client.get("/hr/exports").get_data(as_text=True)
        response = client.get("/hr/exports/auditor-pack?from=2026-01-01&to=2026-06-15")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    name = "auditor-pack-2026-01-01-to-2026-06-15-as-of-2026-06-15.zip"
    assert name in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as pack:
        manifest = json.loads(pack.read("manifest.json"))
        matrix = pack.read("completion-matrix.csv").decode()
    assert manifest["scope"] == "all departments" and "Uma Support" in matrix
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.exported"))
    assert event.details["report"] == "auditor-pack" and event.details["as_of"] == "2026-06-15"


def test_a_scoped_hr_users_pack_holds_only_their_departments(session, client, auth, org):
    hr = make_user(session, email="hr@example.com", department="People", roles=("hr",), hr_departments=[])
    session.execute(hr_scope.insert().values(user_id=hr.id, department_id=org.sales_id))
    session.commit()
    auth.login("hr@example.com")
    with clock.frozen(TODAY):
        response = client.get("/hr/exports/auditor-pack?from=2026-01-01&to=2026-06-15")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as pack:
        manifest = json.loads(pack.read("manifest.json"))
        matrix = pack.read("completion-matrix.csv").decode()
    assert manifest["scope"] == "Sales" and "Sam Sales" in matrix and "Uma Support" not in matrix


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-03-01&to=2026-02-01", "The period starts after it ends."),
    ("from=2026-01-01&to=2026-06-30", "The period ends after the as-of date 2026-06-15"),
    ("from=yesterday&to=2026-06-01", "&#39;yesterday&#39; is not a date"),
])
def test_a_bad_period_goes_back_to_the_exports_page_with_the_reason(
        session, client, auth, org, query, message):
    sign_in_auditor(session, auth)
    with clock.frozen(TODAY):
        response = client.get(f"/hr/exports/auditor-pack?{query}", follow_redirects=True)
    assert response.request.path == "/hr/exports" and message in response.get_data(as_text=True)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "report.exported")) is None


def test_an_admin_makes_someone_an_auditor_until_a_date(session, client, auth):
    sign_in_admin(session, auth)
    person = make_user(session, name="Ext Auditor", email="ext@example.com")
    session.commit()
    url = f"/admin/users/{person.id}"
    data = {**page_form(client, url), "is_auditor": "y", "auditor_until": "2026-12-31", "save": "Save"}
    assert client.post(url, data=data).status_code == 302
    session.expire_all()
    person = session.get(User, person.id)
    assert (person.is_auditor, person.auditor_until) == (True, dt.date(2026, 12, 31))
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.updated"))
    assert event.details["after"] == {"roles": ["auditor", "employee"], "auditor_until": "2026-12-31"}
    data = {**page_form(client, url), "save": "Save"}
    data.pop("is_auditor", None)
    client.post(url, data=data)
    session.expire_all()
    person = session.get(User, person.id)
    assert (person.is_auditor, person.auditor_until) == (False, None)


def test_the_cli_creates_an_auditor_with_an_end_date(runner, session):
    result = runner.invoke(args=["users", "create", "--email", "aud@example.com", "--name", "Aud It",
                                 "--role", "auditor", "--auditor-until", "2026-12-31", "--generate-password"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "aud@example.com"))
    assert (user.is_auditor, user.auditor_until) == (True, dt.date(2026, 12, 31))
    refused = runner.invoke(args=["users", "create", "--email", "x@example.com", "--name", "X",
                                  "--auditor-until", "2026-12-31", "--generate-password"])
    assert refused.exit_code == 2 and "only with --role auditor" in refused.output
