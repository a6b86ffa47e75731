"""Invitations: people who never signed in get one e-mail through the outbox (real SMTP
server), set a password with its link once, and sign in; HR sees where each person stands
and sends it again; `trainer users invite`; passwords off: the e-mail points to single sign-on."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from tests.notify.helpers import run, settings
from trainer import clock
from trainer.identity.invitations import plan_invitations, states
from trainer.identity.policy import PasswordPolicy
from trainer.models import AuditEvent, Notification, User

NEW = "a brand new passphrase 42"
BASE = "https://training.shop.example"
DAY = dt.date(2026, 3, 2)


def use_smtp(app, smtp_server, **extra):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, SMTP_TIMEOUT=5,
                      MAIL_FROM="training@shop.example", BASE_URL=BASE, **extra)


def invitations_to(smtp_server, email):
    return [m.message for m in smtp_server.messages
            if m.recipients == [email] and m.message["Subject"] == "Your Trainer training account"]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message) -> str:
    return re.search(re.escape(BASE) + r"(/welcome/\S+)", text_of(message)).group(1)


def import_staff(runner, tmp_path, rows: str):
    path = tmp_path / "staff.csv"
    path.write_text("email,name,department,job_role,manager_email,hired_on,active\n" + rows)
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_imported_person_is_invited_once_sets_a_password_once_and_signs_in(
        app, session, client, auth, runner, smtp_server, tmp_path):
    use_smtp(app, smtp_server)
    make_user(session, email="hr@shop.example", roles=("hr",))
    session.commit()
    import_staff(runner, tmp_path, "nina@shop.example,Nina New,Sales,Agent,,,\n")

    first = runner.invoke(args=["reminders", "send", "--as-of", "2026-03-02"])
    assert first.exit_code == 0, first.output
    assert "1 invitation queued" in first.output
    [invitation] = invitations_to(smtp_server, "nina@shop.example")
    body = text_of(invitation)
    assert "Hello Nina New" in body and "until 16 March 2026 (14 days)" in body
    assert BASE + "/login" in body
    again = runner.invoke(args=["reminders", "send", "--as-of", "2026-03-03"])
    assert again.exit_code == 0, again.output
    assert len(invitations_to(smtp_server, "nina@shop.example")) == 1  # exactly once

    nina = session.scalar(select(User).where(User.email == "nina@shop.example"))
    assert states(session, [nina])[nina.id].label == "Invited on 2 Mar 2026, never signed in"
    path = link_in(invitation)
    page = client.get(path)
    assert page.status_code == 200 and "Welcome, Nina New" in page.get_data(as_text=True)
    done = client.post(path, data={"password": NEW, "confirm": NEW, "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302 and done.location.startswith("/login")
    second = client.get(path)
    assert second.status_code == 410 and "already been used" in second.get_data(as_text=True)
    reused = client.post(path, data={"password": "another passphrase 99", "confirm": "another passphrase 99",
                                     "csrf_token": csrf_token(client, "/login")})
    assert reused.status_code == 410

    assert auth.login("nina@shop.example", NEW).status_code == 302
    session.expire_all()
    assert nina.last_signed_in_at is not None
    assert states(session, [nina])[nina.id].state == "active"
    auth.logout()
    auth.login("hr@shop.example")
    assert "Active (last signed in" in client.get(f"/hr/employees/{nina.id}").get_data(as_text=True)


def test_a_refused_invitation_is_retried_and_then_sent_once(session, smtp_server):
    nina = make_user(session, email="nina@shop.example", name="Nina", password=None)
    session.commit()
    smtp_server.handler.reject.add("nina@shop.example")
    first = run(session, DAY, settings(smtp_server))
    assert (first.delivery.sent, first.delivery.retrying) == (0, 1)
    [row] = session.scalars(select(Notification).where(Notification.kind == "invitation"))
    assert row.sent_at is None and row.attempts == 1 and "550" in row.last_error
    assert states(session, [nina])[nina.id].state == "queued"

    smtp_server.handler.reject.clear()
    too_soon = run(session, dt.datetime(2026, 3, 2, 12, 10, tzinfo=dt.UTC), settings(smtp_server))
    assert too_soon.delivery.sent == 0  # waits for its retry slot (30 minutes)
    later = run(session, dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC), settings(smtp_server))
    assert later.delivery.sent == 1
    assert len(invitations_to(smtp_server, "nina@shop.example")) == 1
    assert session.scalar(select(func.count()).select_from(Notification)) == 1


def test_who_gets_the_automatic_invitation(session, smtp_server):
    new = make_user(session, email="new@shop.example", password=None)
    with_password = make_user(session, email="pw@shop.example")  # e.g. given one by the CLI
    signed_in = make_user(session, email="in@shop.example", password=None)
    signed_in.last_signed_in_at = clock.now()
    make_user(session, email="gone@shop.example", password=None, active=False)
    session.commit()
    with clock.frozen(DAY):
        assert plan_invitations(session, PasswordPolicy()) == 1
        assert plan_invitations(session, PasswordPolicy()) == 0  # once per person, ever
    assert [r.user_id for r in session.scalars(select(Notification))] == [new.id]
    assert states(session, [with_password])[with_password.id].label == "Never signed in, not invited"
    # With passwords off everyone who never signed in is told how to use single sign-on.
    with clock.frozen(DAY):
        assert plan_invitations(session, PasswordPolicy(enabled=False)) == 1
    assert {r.user_id for r in session.scalars(select(Notification))} == {new.id, with_password.id}


def test_someone_who_signs_in_before_delivery_is_not_invited(session, smtp_server):
    person = make_user(session, email="early@shop.example", password=None)
    session.commit()
    with clock.frozen(DAY):
        plan_invitations(session, PasswordPolicy())
    person.last_signed_in_at = clock.now()  # e.g. through single sign-on
    session.commit()
    summary = run(session, DAY, settings(smtp_server))
    assert (summary.delivery.sent, summary.delivery.skipped) == (0, 1)
    assert smtp_server.messages == []
    assert session.scalar(select(Notification.last_error)) == "skipped: already signed in"


def test_with_passwords_off_the_invitation_points_to_single_sign_on(session, smtp_server):
    make_user(session, email="sso@shop.example", password=None)
    make_user(session, email="root@shop.example", password=None, roles=("admin",))
    session.commit()
    off = settings(smtp_server, password_policy=PasswordPolicy(enabled=False,
                                                               break_glass_admins=frozenset({"root@shop.example"})),
                   sso_names=("Contoso ID",))
    run(session, DAY, off)
    [sso] = invitations_to(smtp_server, "sso@shop.example")
    assert 'press "Sign in with Contoso ID"' in " ".join(text_of(sso).split())
    assert "/welcome/" not in text_of(sso) and "password" not in text_of(sso).lower().replace(
        "there is no password to choose", "")
    [break_glass] = invitations_to(smtp_server, "root@shop.example")
    assert "/welcome/" in text_of(break_glass)  # a break-glass administrator chooses a password


def test_the_link_works_for_invitation_days_and_not_after(app, session, client, smtp_server):
    person = make_user(session, email="late@shop.example", password=None)
    session.commit()
    run(session, DAY, dataclasses.replace(settings(smtp_server), base_url=BASE, invitation_days=3))
    path = link_in(invitations_to(smtp_server, "late@shop.example")[0])
    sent_at = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    with clock.frozen(sent_at + dt.timedelta(days=3)):
        assert client.get(path).status_code == 200  # exactly at the end: still valid
    with clock.frozen(sent_at + dt.timedelta(days=3, seconds=1)):
        expired = client.get(path)
        assert expired.status_code == 410 and "invitation has expired" in expired.get_data(as_text=True)
    assert person.password_hash is None


def test_invitation_days_is_configurable_and_checked(make_app):
    from trainer.notify.settings import ReminderSettings

    app = make_app(INVITATION_DAYS="30")
    assert ReminderSettings.from_config(app.config).invitation_days == 30
    from trainer.config import ConfigError
    with pytest.raises(ConfigError, match="TRAINER_INVITATION_DAYS"):
        ReminderSettings.from_config({**app.config, "INVITATION_DAYS": "0"})


def test_hr_sees_states_and_resends_within_scope(app, session, client, auth, smtp_server):
    use_smtp(app, smtp_server)
    sales = make_user(session, email="s@shop.example", name="Sam Sales", department="Sales", password=None)
    other = make_user(session, email="o@shop.example", department="Legal", password=None)
    active = make_user(session, email="a@shop.example", department="Sales")
    active.last_signed_in_at = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    make_user(session, email="employee@shop.example", department="Sales")
    with_password = make_user(session, email="pw@shop.example", department="Sales")
    make_user(session, email="hr@shop.example", roles=("hr",), hr_departments=["Sales"])
    session.commit()

    auth.login("employee@shop.example")
    token = csrf_token(client, "/")
    assert client.post(f"/hr/employees/{sales.id}/invite", data={"csrf_token": token}).status_code == 403
    assert client.post("/hr/employees/invite", data={"csrf_token": token}).status_code == 403
    auth.logout()

    auth.login("hr@shop.example")
    listing = client.get("/hr/employees").get_data(as_text=True)
    assert "Never signed in, not invited" in listing and "Active (last signed in 1 Feb 2026)" in listing
    token = csrf_token(client, f"/hr/employees/{sales.id}")
    refused = client.post(f"/hr/employees/{other.id}/invite", data={"csrf_token": token})
    assert refused.status_code == 404, refused.location
    sent = client.post(f"/hr/employees/{sales.id}/invite", data={"csrf_token": token}, follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "Invitation sent to s@shop.example" in page and "Invited on" in page
    assert len(invitations_to(smtp_server, "s@shop.example")) == 1
    assert invitations_to(smtp_server, "o@shop.example") == []
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.invited")) == 1

    # Everyone in scope who never signed in: queued for the next run (the hourly cron).
    assert "2 people have never signed in" in client.get("/hr/employees").get_data(as_text=True)
    bulk = client.post("/hr/employees/invite", data={"csrf_token": token}, follow_redirects=True)
    assert "2 invitations queued" in bulk.get_data(as_text=True)  # Sam again, and pw@
    queued = session.scalars(select(Notification.user_id).where(Notification.sent_at.is_(None))).all()
    assert sorted(queued) == sorted([sales.id, with_password.id])  # not Legal, not who signed in
    again = client.post("/hr/employees/invite", data={"csrf_token": token}, follow_redirects=True)
    assert "Nobody to invite" in again.get_data(as_text=True)  # still waiting: not twice


def test_cli_invites_one_person_or_everyone_pending(app, session, runner, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="one@shop.example", password=None)
    make_user(session, email="two@shop.example")
    signed_in = make_user(session, email="in@shop.example")
    signed_in.last_signed_in_at = clock.now()
    session.commit()

    assert runner.invoke(args=["users", "invite"]).exit_code == 2
    assert runner.invoke(args=["users", "invite", "--email", "x@y.z", "--all-pending"]).exit_code == 2
    unknown = runner.invoke(args=["users", "invite", "--email", "nobody@shop.example"])
    assert unknown.exit_code == 1 and "No account has the address" in unknown.output
    before = runner.invoke(args=["users", "invite", "--email", "in@shop.example"])
    assert before.exit_code == 1 and "has signed in before" in before.output

    dry = runner.invoke(args=["users", "invite", "--all-pending", "--dry-run"])
    assert dry.output.strip() == "Dry run: 2 people would be invited. Nothing was sent."
    assert smtp_server.messages == []
    one = runner.invoke(args=["users", "invite", "--email", "ONE@shop.example"])
    assert one.exit_code == 0 and "Invited 1 person: 1 sent" in one.output, one.output
    everyone = runner.invoke(args=["users", "invite", "--all-pending"])
    assert everyone.exit_code == 0 and "Invited 2 people: 2 sent" in everyone.output, everyone.output
    assert sorted(m.recipients[0] for m in smtp_server.messages) == [
        "one@shop.example", "one@shop.example", "two@shop.example"]
    # A second invitation replaces the first one's link.
    links = [link_in(m) for m in invitations_to(smtp_server, "one@shop.example")]
    assert links[0] != links[1]


def test_cli_invite_exits_1_when_the_mail_server_refuses(app, session, runner, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="bounce@shop.example", password=None)
    session.commit()
    smtp_server.handler.reject.add("bounce@shop.example")
    result = runner.invoke(args=["users", "invite", "--all-pending"])
    assert result.exit_code == 1 and "1 to retry" in result.output


def test_admin_created_account_gets_an_invitation_not_a_password(app, session, client, auth, smtp_server):
    """Issue 19.4: no generated password to hand over; the person chooses one."""
    use_smtp(app, smtp_server)
    make_user(session, email="admin@shop.example", roles=("admin",))
    session.commit()
    auth.login("admin@shop.example")
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert "Generate a password" not in form and "invitation" in form
    created = client.post("/admin/users/new", data={
        "csrf_token": csrf_token(client, "/admin/users/new"), "email": "fresh@shop.example",
        "name": "Fresh Person", "department": "Sales"})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and "Invitation sent to fresh@shop.example" in page
    assert "shown only now" not in page.lower()
    fresh = session.scalar(select(User).where(User.email == "fresh@shop.example"))
    assert fresh.password_hash is None
    [invitation] = invitations_to(smtp_server, "fresh@shop.example")
    auth.logout()
    path = link_in(invitation)
    client.post(path, data={"password": NEW, "confirm": NEW, "csrf_token": csrf_token(client, path)})
    assert auth.login("fresh@shop.example", PASSWORD).status_code == 200
    assert auth.login("fresh@shop.example", NEW).status_code == 302
