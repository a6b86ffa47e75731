"""Oversized request bodies get a clear 413 page and change nothing."""

from __future__ import annotations

import io

from tests.conftest import csrf_token
from tests.security.conftest import fingerprint


def test_a_body_over_the_limit_gets_a_413_page(app, world, client, auth):
    auth.login(world.hr.email)
    token = csrf_token(client, "/hr/import")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before = fingerprint()
    big = io.BytesIO(b"email,name\n" + b"x@example.com,X\n" * 10_000)
    response = client.post("/hr/import", data={"csrf_token": token, "file": (big, "staff.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than this server accepts (64 KB)" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_the_default_limit_comes_from_the_setting(make_app):
    assert make_app(MAX_UPLOAD_MB=3).config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024
