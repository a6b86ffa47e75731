"""Signing in and out, sessions, and the sign-in rate limit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.models import AuditEvent
from trainer.people.accounts import set_password

FAILED = "The e-mail address or password is not right"


def test_employee_signs_in_and_sees_their_dashboard(session, client, auth):
    make_user(session, email="ada@example.com", name="Ada Lovelace")
    session.commit()
    response = auth.login("ada@example.com")
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "My training" in page
    assert "Ada Lovelace" in page


def test_email_is_case_insensitive(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    assert auth.login("ADA@Example.com").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    unknown = auth.login("nobody@example.com").get_data(as_text=True)
    wrong = auth.login("ada@example.com", "not the password at all").get_data(as_text=True)
    assert FAILED in unknown
    assert FAILED in wrong
    assert client.get("/").status_code == 302  # still signed out


def test_deactivated_people_cannot_sign_in(session, client, auth):
    make_user(session, email="gone@example.com", active=False)
    session.commit()
    assert FAILED in auth.login("gone@example.com").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_in_and_failures_are_audited(session, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com", "wrong password here")
    auth.login("ada@example.com")
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["auth.failed", "auth.signed_in"]


def test_next_goes_to_local_paths_only(session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    for target, expected in [
        ("/hr/", "/hr/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ]:
        token = csrf_token(client, "/login")
        response = client.post(f"/login?next={target}",
                               data={"email": "ada@example.com", "password": PASSWORD,
                                     "csrf_token": token})
        assert response.location == expected, target
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_sign_out_needs_post_with_csrf(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    auth.logout()
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app, session, auth, client):
    user = make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    set_password(session, Actor.cli(), user, "a brand new long passphrase")
    session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_idle_session_expires(app, session, auth, client):
    make_user(session, email="ada@example.com")
    session.commit()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    clock.freeze(start)
    auth.login("ada@example.com")
    clock.freeze(start + dt.timedelta(minutes=30))
    assert client.get("/").status_code == 200
    clock.freeze(start + dt.timedelta(minutes=30 + app.config["SESSION_IDLE_MINUTES"] + 1))
    response = client.get("/")
    assert response.status_code == 302
    assert "inactivity" in client.get("/login").get_data(as_text=True)


def test_a_session_in_use_outlives_the_idle_limit(app, session, auth, client):
    make_user(session, email="ada@example.com")
    session.commit()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    clock.freeze(start)
    auth.login("ada@example.com")
    clock.freeze(start + idle - dt.timedelta(minutes=10))
    assert client.get("/").status_code == 200
    clock.freeze(start + 2 * idle - dt.timedelta(minutes=20))
    assert client.get("/").status_code == 200


def test_the_session_cookie_is_sent_again_at_most_once_a_minute(session, auth, client):
    make_user(session, email="ada@example.com")
    session.commit()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    clock.freeze(start)
    auth.login("ada@example.com")
    client.get("/")  # the first page may add the CSRF token to the session
    clock.freeze(start + dt.timedelta(seconds=50))
    assert "Set-Cookie" not in client.get("/").headers
    clock.freeze(start + dt.timedelta(seconds=70))
    assert "Set-Cookie" in client.get("/").headers


def test_repeated_failures_on_one_account_are_refused_with_a_wait_time(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    for _ in range(5):
        assert auth.login("ada@example.com", "wrong password here").status_code == 200
    response = auth.login("ada@example.com")  # even the right password waits now
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Try again in" in page and "minute" in page
    lockouts = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.lockout")).all()
    assert len(lockouts) == 1
    # Another account from the same address is not locked by the per-account limit.
    make_user(session, email="bob@example.com")
    session.commit()
    assert auth.login("bob@example.com").status_code == 302


def test_session_cookie_is_httponly_and_samesite(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    response = auth.login("ada@example.com")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_audit_trail_names_people_by_id_not_by_address(session, auth):
    ada = make_user(session, email="ada@example.com")
    session.commit()
    auth.login("nobody@example.com", "some wrong password")
    auth.login("ada@example.com", "some wrong password")
    auth.login("ada@example.com")
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["auth.failed", "auth.failed", "auth.signed_in"]
    for event in events:
        assert "@" not in event.actor_label and "@" not in str(event.details)
    assert events[1].target_id == str(ada.id)
    assert events[2].actor_id == ada.id
    # The same typed address gives the same digest, so repeated attempts can be correlated.
    auth.logout()
    auth.login("nobody@example.com", "another wrong password")
    digests = [e.details.get("email_digest") for e in
               session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.failed"))]
    assert digests[0] == digests[-1] != digests[1]
