"""My team: a manager sees their reports' course status and nothing else, nudges once a day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course, require, sync
from tests.conftest import csrf_token
from tests.factories import make_course, make_user
from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.models import AuditEvent, Notification
from trainer.notify.compose import compose
from trainer.notify.digest import Digest
from trainer.notify.items import Item
from trainer.notify.settings import ReminderSettings
from trainer.reports.team import team, team_ids

D = dt.date
TODAY = D(2026, 2, 10)


@pytest.fixture
def org(session):
    """Mo manages Ann and Bob; Bob manages Cy; Dee reports to nobody. Privacy is due 4 Feb;
    Ann completed it on 20 Jan (with a quiz score), the others have not."""
    with clock.frozen(D(2025, 12, 1)):
        course = make_course(session, slug="privacy", title="Privacy", modules=1)
    mo = make_user(session, name="Mo Manager", email="mo@example.com")
    ann = make_user(session, name="Ann Report", email="ann@example.com", manager=mo)
    bob = make_user(session, name="Bob Lead", email="bob@example.com", manager=mo)
    cy = make_user(session, name="Cy Deep", email="cy@example.com", manager=bob)
    dee = make_user(session, name="Dee Else", email="dee@example.com")
    gone = make_user(session, name="Gus Gone", email="gus@example.com", manager=mo, active=False)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ann, course, D(2026, 1, 20))
    session.commit()
    return {"mo": mo, "ann": ann, "bob": bob, "cy": cy, "dee": dee, "gone": gone}


def test_direct_and_indirect_reports(session, org):
    assert team_ids(session, org["mo"].id, indirect=False) == {org["ann"].id: True, org["bob"].id: True}
    assert team_ids(session, org["mo"].id, indirect=True) == {org["ann"].id: True, org["bob"].id: True,
                                                              org["cy"].id: False}
    members = team(session, org["mo"].id, TODAY, Thresholds())
    assert [(m.name, [(c.course, c.status, c.days_overdue) for c in m.courses]) for m in members] == [
        ("Ann Report", [("Privacy", "completed", None)]), ("Bob Lead", [("Privacy", "overdue", 6)])]


def test_a_loop_in_the_manager_data_does_not_hang_or_list_the_manager(session, org):
    org["mo"].manager = org["cy"]
    session.commit()
    assert set(team_ids(session, org["mo"].id, indirect=True)) == {org["ann"].id, org["bob"].id, org["cy"].id}


def test_the_page_shows_status_and_nothing_else(session, client, auth, org):
    auth.login("mo@example.com")
    with clock.frozen(TODAY):
        page = client.get("/team").get_data(as_text=True)
        indirect = client.get("/team?indirect=1").get_data(as_text=True)
        home = client.get("/").get_data(as_text=True)
    assert "Ann Report" in page and "Bob Lead" in page and "Cy Deep" not in page
    assert "Gus Gone" not in page and "Dee Else" not in page
    assert "Cy Deep" in indirect and "(indirect)" in indirect
    for private in ("ann@example.com", "bob@example.com", ">Score<", "Attempts"):
        assert private not in page
    assert ">100<" not in page and "100 %" not in page  # Ann's score
    assert 'href="/team"' in home
    assert client.get("/hr/").status_code == 403


def test_someone_without_reports_sees_an_empty_page_and_no_link(session, client, auth, org):
    auth.login("dee@example.com")
    assert "Nobody reports to you" in client.get("/team").get_data(as_text=True)
    assert 'href="/team"' not in client.get("/").get_data(as_text=True)


def test_a_nudge_reaches_the_outbox_once_a_day_and_is_audited(session, client, auth, org):
    auth.login("mo@example.com")
    token = csrf_token(client, "/team")
    form = {"csrf_token": token}
    with clock.frozen(TODAY):
        first = client.post(f"/team/{org['bob'].id}/nudge", data=form, follow_redirects=True)
        second = client.post(f"/team/{org['bob'].id}/nudge", data=form, follow_redirects=True)
        done = client.post(f"/team/{org['ann'].id}/nudge", data=form, follow_redirects=True)
    assert "Bob Lead gets a reminder" in first.get_data(as_text=True)
    assert "already been reminded today" in second.get_data(as_text=True)
    assert "no open training" in done.get_data(as_text=True)
    [row] = session.scalars(select(Notification)).all()
    assert (row.user_id, row.kind, row.assignment_id is not None) == (org["bob"].id, "overdue", True)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "team.nudged")).all()
    assert [(e.target_id, e.details["reminded"]) for e in events] == [
        (str(org["bob"].id), 1), (str(org["bob"].id), 0), (str(org["ann"].id), 0)]


def test_nobody_outside_the_team_can_be_nudged(session, client, auth, org):
    auth.login("mo@example.com")
    token = csrf_token(client, "/team")
    assert client.post(f"/team/{org['dee'].id}/nudge", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/team/{org['cy'].id}/nudge", data={"csrf_token": token}).status_code == 302
    auth.logout()
    auth.login("ann@example.com")
    token = csrf_token(client, "/team")
    assert client.post(f"/team/{org['bob'].id}/nudge", data={"csrf_token": token}).status_code == 404


def test_an_escalation_e_mail_links_to_my_team():
    escalation = Item(id=1, recipient_id=1, kind="escalation", created_on=TODAY, target="assignment:1",
                      course_title="Privacy", due_on=D(2026, 2, 4), subject_name="Bob Lead")
    own_only = Item(id=2, recipient_id=1, kind="overdue", created_on=TODAY, target="assignment:2",
                    course_title="Privacy", due_on=D(2026, 2, 4), path="/courses/privacy")
    settings = ReminderSettings(base_url="https://trainer.example.com")
    with clock.frozen(TODAY):
        team_digest = Digest(1, "mo@example.com", "Mo", False, [], [escalation], [1])
        manager_mail = compose(team_digest, settings, TODAY)
        own_mail = compose(Digest(1, "mo@example.com", "Mo", False, [own_only], [], [2]), settings, TODAY)
    for part in manager_mail.iter_parts():
        assert "https://trainer.example.com/team" in part.get_content()
    assert all("/team" not in part.get_content() for part in own_mail.iter_parts())
