"""Password reset by e-mail (real SMTP server) and changing one's password."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from trainer import clock
from trainer.models import AuditEvent, PasswordResetToken

NEW = "a completely new passphrase 7"


def use_smtp(app, smtp_server):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
                      MAIL_FROM="training@shop.example", BASE_URL="https://training.shop.example")


def ask_for_link(client, email):
    response = client.post("/password/forgot", data={"email": email,
                                                     "csrf_token": csrf_token(client, "/password/forgot")})
    response.close()  # as a WSGI server does once the response is sent: the e-mail goes then
    return response


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://training\.shop\.example(/password/reset/\S+)", text).group(1)


def test_reset_link_by_email_sets_a_new_password_once(app, session, client, auth, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="ada@example.com", name="Ada Lovelace")
    session.commit()
    response = ask_for_link(client, "ADA@example.com")
    assert response.status_code == 302
    assert "If an account exists for that address" in client.get("/login").get_data(as_text=True)
    [received] = smtp_server.messages
    assert received.recipients == ["ada@example.com"]
    assert received.message["Subject"] == "Reset your Trainer training password"
    path = link_in(received.message)
    token = path.rsplit("/", 1)[1]
    stored = session.scalar(select(PasswordResetToken))
    assert token not in stored.token_hash  # only the hash is kept

    page = client.get(path)
    assert page.status_code == 200 and "ada@example.com" in page.get_data(as_text=True)
    done = client.post(path, data={"password": NEW, "confirm": NEW, "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302
    assert auth.login("ada@example.com", PASSWORD).status_code == 200  # old password refused
    assert auth.login("ada@example.com", NEW).status_code == 302
    auth.logout()
    again = client.get(path)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(app, session, client, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="gone@example.com", active=False)
    session.commit()
    for email in ("nobody@example.com", "gone@example.com"):
        ask_for_link(client, email)
        assert "If an account exists for that address" in client.get("/login").get_data(as_text=True)
    assert smtp_server.messages == []


def test_link_expires_after_an_hour(app, session, client, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="ada@example.com")
    session.commit()
    start = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    clock.freeze(start)
    ask_for_link(client, "ada@example.com")
    path = link_in(smtp_server.messages[0].message)
    clock.freeze(start + dt.timedelta(minutes=61))
    response = client.get(path)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_a_new_request_replaces_the_old_link(app, session, client, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="ada@example.com")
    session.commit()
    ask_for_link(client, "ada@example.com")
    ask_for_link(client, "ada@example.com")
    first, second = (link_in(m.message) for m in smtp_server.messages)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_weak_new_password_is_refused_and_the_link_still_works(app, session, client, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="ada@example.com")
    session.commit()
    ask_for_link(client, "ada@example.com")
    path = link_in(smtp_server.messages[0].message)
    token = csrf_token(client, path)
    weak = client.post(path, data={"password": "password1234", "confirm": "password1234",
                                   "csrf_token": token})
    assert "commonly used" in weak.get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_mail_server_down_still_answers_the_same(app, session, client, smtp_server):
    use_smtp(app, smtp_server)
    smtp_server.stop()
    make_user(session, email="ada@example.com")
    session.commit()
    assert ask_for_link(client, "ada@example.com").status_code == 302
    assert "If an account exists" in client.get("/login").get_data(as_text=True)


def test_changing_password_keeps_this_session_and_ends_others(session, client, auth, app):
    make_user(session, email="ada@example.com")
    session.commit()
    other_device = app.test_client()
    token = csrf_token(other_device, "/login")
    other_device.post("/login", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": token})
    auth.login("ada@example.com")
    wrong = client.post("/me/password", data={"current": "not it at all", "password": NEW, "confirm": NEW,
                                              "csrf_token": csrf_token(client, "/me/password")})
    assert "not your current password" in wrong.get_data(as_text=True)
    done = client.post("/me/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW,
                                             "csrf_token": csrf_token(client, "/me/password")})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "user.password_changed" in actions


def test_admin_sends_a_reset_link_without_seeing_the_password(app, session, client, auth, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="admin@example.com", roles=("admin",))
    ada = make_user(session, email="ada@example.com", name="Ada Lovelace")
    session.commit()
    auth.login("admin@example.com")
    page = f"/admin/users/{ada.id}"
    response = client.post(f"{page}/password-reset", data={"csrf_token": csrf_token(client, page)})
    response.close()
    assert response.status_code == 302
    assert "on its way to ada@example.com" in client.get(page).get_data(as_text=True)
    [received] = smtp_server.messages
    assert received.recipients == ["ada@example.com"]
    assert link_in(received.message).startswith("/password/reset/")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset_requested"))
    assert event.target_id == str(ada.id) and event.actor_id != ada.id
