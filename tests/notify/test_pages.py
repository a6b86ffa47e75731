"""In-app notices, the header badge, digest preferences and the admin's undelivered e-mail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, select, update

from tests.compliance.helpers import complete_module, require, sync
from tests.conftest import csrf_token
from tests.factories import make_course, make_user
from tests.notify.helpers import plan, rows
from trainer import clock
from trainer.extensions import db
from trainer.models import AuditEvent, Notification, User

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def ada(session):
    """Ada with two notices (one per course), signed in."""
    person = make_user(session, email="ada@example.com", name="Ada")
    for title in ("Data protection essentials", "Securing customer data"):
        course = make_course(session, title=title, slug=title.split()[0].lower(), modules=2)
        require(session, course, user_ids=[person.id])
    sync(session, DAY)
    complete_module(session, person, course.active_modules[0], DAY)
    plan(session, DAY)
    session.commit()
    clock.freeze(DAY)
    return person


def badge(client) -> str | None:
    match = re.search(r'<span class="count">(\d+)', client.get("/").get_data(as_text=True))
    return match.group(1) if match else None


def test_notices_are_listed_with_a_link_to_the_next_module_and_counted_in_the_header(client, auth, ada):
    auth.login("ada@example.com")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "New training for you: Securing customer data, due in 30 days (1 April 2026)" in page
    assert 'href="/courses/securing/module-2"' in page  # module 1 is done
    assert 'href="/courses/data/module-1"' in page
    assert badge(client) == "2"
    assert 'href="/me/notifications"' in client.get("/").get_data(as_text=True)


def test_marking_read_needs_a_post_with_csrf_and_updates_the_badge(client, auth, session, ada):
    auth.login("ada@example.com")
    first = rows(session)[0].id
    assert client.get(f"/me/notifications/{first}/read").status_code == 405
    assert client.post(f"/me/notifications/{first}/read").status_code == 400  # no CSRF token
    token = csrf_token(client, "/me/notifications")
    response = client.post(f"/me/notifications/{first}/read", data={"csrf_token": token})
    assert response.status_code == 302
    assert badge(client) == "1"
    client.post("/me/notifications/read-all", data={"csrf_token": token})
    assert badge(client) is None
    assert all(n.read_at is not None for n in rows(session))


def test_other_peoples_notices_are_not_found(client, auth, session, ada):
    make_user(session, email="ben@example.com")
    session.commit()
    auth.login("ben@example.com")
    token = csrf_token(client, "/me/notifications")
    response = client.post(f"/me/notifications/{rows(session)[0].id}/read", data={"csrf_token": token})
    assert response.status_code == 404
    assert "Data protection" not in client.get("/me/notifications").get_data(as_text=True)
    assert rows(session)[0].read_at is None


def test_notices_delivery_skipped_are_hidden_and_not_counted(client, auth, session, ada):
    session.execute(update(Notification).where(Notification.id == rows(session)[0].id)
                    .values(last_error="skipped: completed", read_at=clock.now(), sent_at=clock.now()))
    session.commit()
    auth.login("ada@example.com")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert page.count("<li class=\"notice") == 1
    assert badge(client) == "1"


def test_weekly_digests_can_be_chosen_but_reminders_not_turned_off(client, auth, session, ada):
    auth.login("ada@example.com")
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "cannot be turned off" in page and 'value="weekly"' in page and "never" not in page.lower()
    token = csrf_token(client, "/me/notifications")
    response = client.post("/me/notifications/preferences",
                           data={"csrf_token": token, "digest_frequency": "weekly"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, ada.id).digest_frequency == "weekly"
    monday = dt.datetime(2026, 3, 9, 6, 0, tzinfo=dt.UTC)
    assert {n.send_after for n in rows(session)} == {monday}  # unsent e-mails wait for Monday
    client.post("/me/notifications/preferences", data={"csrf_token": token, "digest_frequency": "immediate"})
    assert {n.send_after for n in rows(session)} == {None}
    changes = session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "user.digest_frequency_changed")).all()
    assert [c["after"] for c in changes] == ["weekly", "immediate"]


def test_an_invalid_preference_re_renders_with_a_message(client, auth, session, ada):
    auth.login("ada@example.com")
    token = csrf_token(client, "/me/notifications")
    response = client.post("/me/notifications/preferences",
                           data={"csrf_token": token, "digest_frequency": "never"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, ada.id).digest_frequency == "immediate"


def test_the_header_badge_costs_one_count_query(app, client, auth, ada):
    auth.login("ada@example.com")
    statements = []

    def remember(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    on_notifications = [s for s in statements if "notifications" in s]
    assert len(on_notifications) == 1 and "count(" in on_notifications[0].lower()


def test_admins_see_failed_deliveries_with_the_error_and_can_retry(app, client, auth, session, ada):
    app.config["SMTP_HOST"] = "127.0.0.1"  # a mail server is configured
    make_user(session, email="admin@example.com", roles=("admin",))
    failed = rows(session)[0].id
    session.execute(update(Notification).where(Notification.id == failed).values(
        failed_at=clock.now(), attempts=5, last_error="550 5.1.1 Mailbox unavailable"))
    session.commit()
    auth.login("admin@example.com")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "550 5.1.1 Mailbox unavailable" in page and "ada@example.com" in page
    token = csrf_token(client, "/admin/mail")
    assert client.post(f"/admin/mail/{failed}/retry", data={"csrf_token": token}).status_code == 302
    row = rows(session)[0]
    assert (row.failed_at, row.attempts) == (None, 0)
    assert "Every e-mail has been delivered" in client.get("/admin/mail").get_data(as_text=True)
    assert client.post(f"/admin/mail/{failed}/retry", data={"csrf_token": token}).status_code == 404


def test_the_mail_page_says_plainly_when_e_mail_only_goes_to_the_log(app, client, auth, session):
    app.config["SMTP_HOST"] = None
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    auth.login("admin@example.com")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "E-mail is not being sent." in page and "reaches nobody" in page
    assert "Every e-mail has been delivered" not in page
    assert "none was sent: they were written to the log" in page
    app.config["SMTP_HOST"] = "mail.example.com"
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "E-mail is not being sent." not in page and "Every e-mail has been delivered" in page
    app.config["MAIL_BACKEND"] = "log"  # a mail server is named, but e-mail is only logged
    assert "E-mail is not being sent." in client.get("/admin/mail").get_data(as_text=True)


@pytest.mark.parametrize("roles", [(), ("hr",)])
def test_only_admins_reach_the_mail_page(client, auth, session, roles):
    make_user(session, email="someone@example.com", roles=roles)
    session.commit()
    auth.login("someone@example.com")
    assert client.get("/admin/mail").status_code == 403
    token = csrf_token(client, "/me/notifications")
    assert client.post("/admin/mail/retry-all", data={"csrf_token": token}).status_code == 403
