"""The dashboard: assignments by urgency with status, progress and the next step; updates to acknowledge."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tests.compliance.helpers import complete_course, complete_module, require, sync
from tests.conftest import csrf_token
from tests.factories import make_course, make_user, publish_version
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.content_changes import reopen_after_major_change
from trainer.compliance.regulation_updates import publish_update
from trainer.models import RegulationUpdate, UpdateAcknowledgement

D = dt.date


def test_assignments_sorted_by_urgency_with_status_progress_and_next_step(session, client, auth):
    ada = make_user(session, email="ada@example.com")
    late = make_course(session, title="Late course", due_days=10)
    soon = make_course(session, title="Soon course", due_days=40)
    done = make_course(session, title="Done course", refresher_months=12)
    for course in (late, soon, done):
        require(session, course, user_ids=[ada.id], due_days=course.due_days)
    sync(session, D(2026, 1, 1))
    complete_course(session, ada, done, D(2026, 1, 5))
    complete_module(session, ada, soon.active_modules[0], D(2026, 1, 6))
    session.commit()
    auth.login("ada@example.com")
    with clock.frozen(D(2026, 1, 31)):
        page = client.get("/").get_data(as_text=True)
    titles = re.findall(r'<h3><a href="/courses/[^"]+">([^<]+)</a></h3>', page)
    assert titles == ["Late course", "Soon course", "Done course"]
    assert "Overdue by 20 days" in page
    assert "Due in 10 days" in page
    assert "Completed until 5 Jan 2027" in page
    # A due date on each open card; none on the completed one.
    assert re.findall(r'<p class="due">Due ([^<]+)</p>', page) == ["11 Jan 2026", "10 Feb 2026"]
    assert "1 of 2 modules done" in page and "2 modules to do" in page
    next_module = soon.active_modules[1]
    assert f'href="/courses/{soon.slug}/{next_module.slug}">Continue' in page
    assert f'href="/courses/{late.slug}/{late.active_modules[0].slug}">Start' in page


def trained(session):
    """Ada, who completed a two-module course on 2 January 2026."""
    ada = make_user(session, email="ada@example.com")
    course = make_course(session)
    require(session, course)
    sync(session, D(2026, 1, 1))
    complete_course(session, ada, course, D(2026, 1, 2))
    return ada, course


def test_delta_cycle_shows_what_changed(session, client, auth):
    _, course = trained(session)
    with clock.frozen(D(2026, 2, 1)):
        version = publish_version(session, course.active_modules[0], change="major",
                                  change_note="Breach reports now go to the new hotline.")
        reopen_after_major_change(session, Actor.cli(), version, D(2026, 2, 1))
    session.commit()
    auth.login("ada@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "What changed:" in page and "Breach reports now go to the new hotline." in page
    assert "1 of 2 modules done" in page


def published_update(session, course) -> RegulationUpdate:
    update = RegulationUpdate(title="New EDPB guidance on breach notification", regulation="GDPR Art. 33",
                              summary="x", summary_html="<p>Notify <strong>sooner</strong>.</p>",
                              effective_on=D(2026, 3, 1), action="acknowledge", due_days=14,
                              modules=[course.active_modules[0]])
    session.add(update)
    session.flush()
    with clock.frozen(D(2026, 3, 1)):
        publish_update(session, Actor.cli(), update, D(2026, 3, 1))
    session.commit()
    return update


def test_open_regulation_updates_are_shown_and_acknowledged(session, client, auth):
    _, course = trained(session)
    update = published_update(session, course)
    auth.login("ada@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "New EDPB guidance on breach notification" in page
    assert "<p>Notify <strong>sooner</strong>.</p>" in page
    response = client.post(f"/updates/{update.id}/acknowledge", data={"csrf_token": csrf_token(client, "/")})
    page = client.get(response.location).get_data(as_text=True)
    assert "you acknowledged" in page
    assert "Regulation updates to acknowledge" not in page
    session.expire_all()
    assert session.scalar(select(UpdateAcknowledgement)).acknowledged_at is not None


def test_acknowledging_an_update_that_is_not_yours_is_not_found(session, client, auth):
    _, course = trained(session)
    make_user(session, email="eve@example.com")
    update = published_update(session, course)
    auth.login("eve@example.com")
    token = csrf_token(client, "/")
    assert client.post(f"/updates/{update.id}/acknowledge", data={"csrf_token": token}).status_code == 404
    assert client.post("/updates/9999/acknowledge", data={"csrf_token": token}).status_code == 404
