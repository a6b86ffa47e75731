"""A session ends for good: sign-out, the absolute lifetime and the idle limit, each proved
by replaying a cookie copied from the browser before it ended."""

from __future__ import annotations

import datetime as dt

from tests.factories import PASSWORD, make_user
from trainer import clock

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def copy_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(client, value: str):
    client.set_cookie("session", value)
    return client.get("/")


def signed_in(session, auth, client) -> None:
    make_user(session, email="ada@example.com")
    session.commit()
    clock.freeze(START)
    auth.login("ada@example.com")
    assert client.get("/").status_code == 200


def test_a_cookie_copied_before_sign_out_is_dead_after_it(session, auth, client):
    signed_in(session, auth, client)
    stolen = copy_cookie(client)
    auth.logout()
    response = replay(client, stolen)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_sign_out_ends_the_sessions_on_other_devices_too(app, session, auth, client):
    signed_in(session, auth, client)
    other = app.test_client()
    other.set_cookie("session", copy_cookie(client))
    assert other.get("/").status_code == 200
    auth.logout()
    assert other.get("/").status_code == 302


def test_the_absolute_lifetime_is_not_stretched_by_use(app, session, auth, client):
    signed_in(session, auth, client)
    lifetime = dt.timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    step = dt.timedelta(minutes=30)  # well inside the idle limit, so only the lifetime ends it
    at = START
    while at + step < START + lifetime:
        at += step
        clock.freeze(at)
        assert client.get("/").status_code == 200, at  # each request re-signs the cookie
    clock.freeze(START + lifetime)
    assert client.get("/").status_code == 200  # exactly the lifetime: still in
    used_cookie = copy_cookie(client)
    clock.freeze(START + lifetime + dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert "sessions last" in client.get("/login").get_data(as_text=True)
    assert replay(client, used_cookie).status_code == 302  # the freshest cookie is as dead


def test_a_cookie_replayed_after_the_idle_limit_is_dead(app, session, auth, client):
    signed_in(session, auth, client)
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    copied = copy_cookie(client)
    clock.freeze(START + idle)
    assert replay(client, copied).status_code == 200  # exactly the idle limit: still in
    clock.freeze(START + idle + dt.timedelta(seconds=1))
    assert replay(client, copied).status_code == 302


def test_a_session_without_a_sign_in_time_has_ended(session, auth, client):
    signed_in(session, auth, client)
    with client.session_transaction() as browser_session:
        del browser_session["signed_in_at"]
    assert client.get("/").status_code == 302


def test_changing_the_password_keeps_this_session_and_kills_copies(session, auth, client):
    from tests.conftest import csrf_token

    signed_in(session, auth, client)
    copied = copy_cookie(client)
    response = client.post("/me/password", data={
        "csrf_token": csrf_token(client, "/me/password"), "current": PASSWORD,
        "password": "a brand new long passphrase", "confirm": "a brand new long passphrase"})
    assert response.status_code == 302, response.get_data(as_text=True)
    kept = copy_cookie(client)
    assert client.get("/").status_code == 200
    assert replay(client, copied).status_code == 302
    assert replay(client, kept).status_code == 200
