"""Admins create API tokens (shown once), see when they were used, and revoke them."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.web.authoring import post_confirmed
from trainer.models import ApiToken


def test_create_use_and_revoke_a_token(session, client, auth, app):
    make_user(session, email="admin@example.com", roles=("admin",))
    session.commit()
    auth.login("admin@example.com")
    page = client.post("/admin/tokens", data={"name": "HRIS nightly sync", "scopes": ["read", "sync"],
                                              "expires_days": 30,
                                              "csrf_token": csrf_token(client, "/admin/tokens")})
    html = page.get_data(as_text=True)
    assert "shown only once" in html
    plain = re.search(r"<code>(\S{40,})</code>", html).group(1)
    token = session.scalar(select(ApiToken))
    assert plain not in token.token_hash and token.scopes == ["read", "sync"]
    assert plain not in client.get("/admin/tokens").get_data(as_text=True)  # never again

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
