"""The session cookie is verified once per process (trainer/web/session_cookie.py): a repeat
of the same cookie is not verified again, but a changed cookie still is, and the age limit
still applies to a cookie verified before."""

from __future__ import annotations

import datetime as dt

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.factories import make_user


@pytest.fixture
def ada_client(app, session, client, auth):  # type: ignore[no-untyped-def]
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    return client


@pytest.fixture
def verifications(monkeypatch):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    original = URLSafeTimedSerializer.loads

    def counting(self, s, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(s)
        return original(self, s, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counting)
    return seen


def session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("session").value


def test_a_repeated_cookie_is_verified_once(ada_client, verifications):
    for _ in range(3):
        assert ada_client.get("/").status_code == 200
    cookie = session_cookie(ada_client)
    assert verifications.count(cookie) <= 1


def test_a_changed_cookie_is_still_refused(ada_client):
    assert ada_client.get("/").status_code == 200  # the genuine cookie is now remembered
    cookie = session_cookie(ada_client)
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    ada_client.set_cookie("session", forged)
    assert ada_client.get("/").status_code == 302  # to sign-in: no session
    ada_client.set_cookie("session", cookie)
    assert ada_client.get("/").status_code == 200


def test_the_age_limit_applies_to_a_remembered_cookie(app, ada_client, monkeypatch):
    assert ada_client.get("/").status_code == 200
    assert ada_client.get("/").status_code == 200  # answered from memory
    monkeypatch.setattr(app, "permanent_session_lifetime", dt.timedelta(seconds=-1))
    assert ada_client.get("/").status_code == 302  # older than the limit: no session
