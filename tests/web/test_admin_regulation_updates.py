"""Regulation updates, admin side: drafts with a preview, publishing to the right people, read-only after."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course, current, sync
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.web.authoring import imported_course, module_of, page_form, post_confirmed, sign_in_admin
from trainer.models import AuditEvent, RegulationUpdate, UpdateAcknowledgement


@pytest.fixture
def setup(session, auth, tmp_path):
    admin = sign_in_admin(session, auth)
    course = imported_course(session, tmp_path)
    return admin, course, module_of(session, "breach-basics", "reporting")


def update_data(client, module, **changes):
    data = {"csrf_token": csrf_token(client, "/admin/updates/new"), "title": "Reports must name the DPO",
            "regulation": "GDPR Art. 33(3)(b)", "summary": "Breach reports must **name** the DPO.",
            "effective_on": "2026-01-01", "due_days": "21", "action": "retrain",
            "module_ids": [str(module.id)]}
    data.update(changes)
    return data


def test_preview_renders_the_summary_through_the_sanitiser_and_saves_nothing(session, client, setup):
    _admin, _course, module = setup
    page = client.post("/admin/updates/new", data=update_data(
        client, module, summary="**Bold** <script>alert(1)</script> [x](javascript:alert(2))",
        preview="Preview")).get_data(as_text=True)
    preview = page[page.index('<article class="prose update-preview">'):page.index("</article>")]
    assert "<strong>Bold</strong>" in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert "[x](javascript:alert(2))</textarea>" in page  # the text typed is kept as typed
    assert session.scalars(select(RegulationUpdate)).all() == []


def test_modules_are_offered_grouped_by_course(client, setup):
    page = client.get("/admin/updates/new").get_data(as_text=True)
    assert "<legend>Test course</legend>" in page
    assert '<label for="module-1">Reporting a breach</label>' in page


def test_a_draft_reaches_nobody_and_can_be_edited_and_deleted(session, client, setup):
    _admin, _course, module = setup
    response = client.post("/admin/updates/new", data=update_data(client, module, save="Save draft"))
    update = session.scalar(select(RegulationUpdate))
    assert response.location == f"/admin/updates/{update.id}"
    assert update.published_at is None
    assert update.summary_html == "<p>Breach reports must <strong>name</strong> the DPO.</p>"
    url = f"/admin/updates/{update.id}"
    client.post(url, data={**page_form(client, url), "title": "Reports name the DPO", "save": "Save draft"})
    session.expire_all()
    assert session.get(RegulationUpdate, update.id).title == "Reports name the DPO"
    client.post(f"{url}/delete", data={"csrf_token": csrf_token(client, url)})
    session.expire_all()
    assert session.scalars(select(RegulationUpdate)).all() == []


def test_publishing_retrain_reaches_people_whose_completion_predates_it(session, client, setup):
    admin, course, module = setup
    done, fresh = make_user(session), make_user(session)
    sync(session, dt.date(2025, 12, 1))
    complete_course(session, done, course, dt.date(2025, 12, 2))
    session.commit()
    data = update_data(client, module, publish="Save and publish")
    first = client.post("/admin/updates/new", data=data).get_data(as_text=True)
    assert "Assigns 0 people, reopens 1 people&#39;s training" in first and "It would reach 1 people" in first
    session.expire_all()
    assert session.scalars(select(RegulationUpdate)).all() == []  # nothing saved before confirming
    response = post_confirmed(client, "/admin/updates/new", data)
    page = client.get(response.location).get_data(as_text=True)
    assert "Published. It reached 1 people: 1 retrain" in page
    assert "It reached 1 person." in page  # the read-only page
    session.expire_all()
    assignment = current(session, done, course)
    assert (assignment.reason, assignment.change_note) == ("regulation_update",
                                                           "GDPR Art. 33(3)(b): Reports must name the DPO")
    assert current(session, fresh, course).reason != "regulation_update"
    update = session.scalar(select(RegulationUpdate))
    assert update.published_by_id == admin.id
    list_page = client.get("/admin/updates").get_data(as_text=True)
    assert "1 person" in list_page


def test_publishing_acknowledge_creates_tasks(session, client, setup):
    _admin, course, module = setup
    done = make_user(session)
    sync(session, dt.date(2025, 12, 1))
    complete_course(session, done, course, dt.date(2025, 12, 2))
    session.commit()
    post_confirmed(client, "/admin/updates/new", update_data(client, module, action="acknowledge",
                                                             publish="Save and publish"))
    session.expire_all()
    assert [t.user_id for t in session.scalars(select(UpdateAcknowledgement))] == [done.id]


def test_publishing_needs_a_module_and_loses_nothing(session, client, setup):
    _admin, _course, module = setup
    data = update_data(client, module, publish="Save and publish", title="Keep this title")
    data.pop("module_ids")
    page = client.post("/admin/updates/new", data=data).get_data(as_text=True)
    assert "Choose at least one affected module." in page and 'value="Keep this title"' in page
    assert session.scalars(select(RegulationUpdate)).all() == []


def test_a_published_update_is_read_only(session, client, setup):
    _admin, _course, module = setup
    post_confirmed(client, "/admin/updates/new", update_data(client, module, publish="Save and publish"))
    update = session.scalar(select(RegulationUpdate))
    url = f"/admin/updates/{update.id}"
    page = client.get(url).get_data(as_text=True)
    assert "cannot be changed" in page and "<form method=\"post\" class=\"card\"" not in page
    client.post(url, data={"csrf_token": csrf_token(client, "/admin/updates/new"), "title": "Changed",
                           "save": "Save draft"})
    client.post(f"{url}/delete", data={"csrf_token": csrf_token(client, "/admin/updates/new")})
    session.expire_all()
    assert session.get(RegulationUpdate, update.id).title == "Reports must name the DPO"
    assert [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.action.startswith("regulation_update.")).order_by(AuditEvent.id))] == [
        "regulation_update.created", "regulation_update.published"]
