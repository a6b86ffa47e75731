"""Pages reuse a session's signed CSRF token for a minute (trainer/web/csrf_reuse.py): the
same session gets the same token, another session never does, and sign-out still refuses a
request without a valid token."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import make_user
from trainer.web import csrf_reuse


@pytest.fixture
def people(session):
    make_user(session, email="ada@example.com")
    make_user(session, email="bob@example.com")
    session.commit()


def signed_in(app, auth_class, email):  # type: ignore[no-untyped-def]
    client = app.test_client()
    auth_class(client).login(email)
    return client


def header_token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client, "/")


def test_a_session_gets_the_same_token_within_a_minute_and_it_signs_out(app, people):
    from tests.conftest import Auth

    client = signed_in(app, Auth, "ada@example.com")
    first = header_token(client)
    assert header_token(client) == first == header_token(client)
    assert client.post("/logout", data={"csrf_token": first}).status_code == 302
    assert client.get("/").status_code == 302  # signed out


def test_a_new_token_is_signed_after_the_reuse_time(app, people, monkeypatch):
    from tests.conftest import Auth

    signed = []
    original = csrf_reuse.generate_csrf

    def counting():  # type: ignore[no-untyped-def]
        signed.append(1)
        return original()

    monkeypatch.setattr(csrf_reuse, "generate_csrf", counting)
    client = signed_in(app, Auth, "ada@example.com")
    header_token(client)
    header_token(client)
    assert len(signed) == 1
    monkeypatch.setattr(csrf_reuse, "REUSE_SECONDS", 0)
    token = header_token(client)
    assert len(signed) == 2
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_sessions_never_share_a_token(app, people):
    from tests.conftest import Auth

    ada = signed_in(app, Auth, "ada@example.com")
    bob = signed_in(app, Auth, "bob@example.com")
    ada_token, bob_token = header_token(ada), header_token(bob)
    assert ada_token != bob_token
    assert (header_token(ada), header_token(bob)) == (ada_token, bob_token)  # each their own, kept
    # Bob's token in Ada's session is refused, and so is none at all: she stays signed in.
    for data in ({"csrf_token": bob_token}, {}):
        response = ada.post("/logout", data=data)
        assert response.status_code == 400
        assert "expired or was sent from elsewhere" in response.get_data(as_text=True)
    assert ada.get("/").status_code == 200


def test_a_form_and_the_header_in_one_page_carry_one_token(app, people):
    from tests.conftest import Auth

    client = signed_in(app, Auth, "ada@example.com")
    response = client.get("/me/notifications")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert len(tokens) >= 2  # the page's forms and the header's sign-out
    assert len(set(tokens)) == 1
