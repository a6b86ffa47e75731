"""Admins create API tokens (shown once), see when they were used, and revoke them."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.web.authoring import post_confirmed
from trainer.models import ApiToken


def shown_token(html: str) -> str:
    """The new token on the page the tokens form redirects to."""
    return re.search(r'id="new-token" type="text" class="secret" readonly autofocus spellcheck="false" '
                     r'value="(trn_\S{40,})"', html).group(1)


def test_create_use_and_revoke_a_token(session, client, auth, app):
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    auth.login("admin@example.com")
    posted = client.post("/admin/tokens", data={"name": "HRIS nightly sync", "scopes": ["read", "sync"],
                                                "expires_days": 30,
                                                "csrf_token": csrf_token(client, "/admin/tokens")})
    token = session.scalar(select(ApiToken))
    assert posted.status_code == 302 and posted.location == f"/admin/tokens?created={token.id}"
    html = client.get(posted.location).get_data(as_text=True)  # the browser follows the redirect
    assert "shown only this once" in html
    plain = shown_token(html)
    assert html.index(plain) < html.index("<table")  # at the top, before the list
    assert plain not in token.token_hash and token.scopes == ["read", "sync"]
    again = client.get(posted.location).get_data(as_text=True)  # a refresh
    assert plain not in again and "was shown once, when it was made" in again
    assert plain not in client.get("/admin/tokens").get_data(as_text=True)  # never again
    assert len(session.scalars(select(ApiToken)).all()) == 1  # refreshing made no new token

    api = app.test_client()
    assert api.get("/api/v1/employees", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "HRIS nightly sync" in listing
    assert " UTC</td>" in listing  # "last used" now shows when
    session.expire_all()
    assert token.last_used_at is not None

    revoke = f"/admin/tokens/{token.id}/revoke"
    token_field = {"csrf_token": csrf_token(client, "/admin/tokens")}
    asked = client.post(revoke, data=token_field).get_data(as_text=True)
    assert "Revoke the token “HRIS nightly sync”?" in asked and "gets 401 at once" in asked
    assert api.get("/api/v1/employees", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    post_confirmed(client, revoke, {"csrf_token": csrf_token(client, "/admin/tokens")})
    assert "revoked" in client.get("/admin/tokens").get_data(as_text=True)
    assert api.get("/api/v1/employees", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_a_token_needs_a_name_and_a_scope(session, client, auth):
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    auth.login("admin@example.com")
    html = client.post("/admin/tokens", data={"name": "", "csrf_token": csrf_token(client, "/admin/tokens")}
                       ).get_data(as_text=True)
    assert "This field is required." in html and "Choose at least one scope." in html
    assert session.scalars(select(ApiToken)).all() == []
