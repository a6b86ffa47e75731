"""Error pages never show a stack trace; every response carries the security headers."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from tests.factories import make_user
from trainer import create_app


def test_not_found_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_unexpected_error_shows_a_page_without_a_stack_trace(make_app):
    def broken():
        raise RuntimeError("secret internals")

    from trainer.web.access import public

    app = make_app(TESTING=False)
    app.add_url_rule("/broken", "broken", public(broken))
    response = app.test_client().get("/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_broken_database_still_gives_an_error_page(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.db",
                      "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path)})
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = "1:1"  # a signed-in cookie forces a database lookup
    response = client.get("/")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "OperationalError" not in page and "Traceback" not in page
    assert OperationalError.__name__ not in page


def test_security_headers_on_every_response(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    for path in ["/", "/login", "/privacy", "/no-such-page", "/static/trainer.css"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers


def test_a_views_own_headers_give_way_except_its_policy_and_cache_control(make_app):
    """web/headers.py: the fixed headers replace whatever a view set (one of each), a view's
    own Content-Security-Policy and Cache-Control stay."""
    from flask import Response

    from trainer.web.access import public

    def own_headers():
        return Response("<p>x</p>", mimetype="text/html", headers=[
            ("X-Frame-Options", "SAMEORIGIN"), ("x-content-type-options", "sniff"),
            ("Content-Security-Policy", "default-src 'none'"), ("Cache-Control", "private, max-age=5")])

    def plain():
        return Response("<p>x</p>", mimetype="text/html")

    app = make_app()
    app.add_url_rule("/own-headers", "own_headers", public(own_headers))
    app.add_url_rule("/plain", "plain", public(plain))
    headers = app.test_client().get("/own-headers").headers
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert headers.getlist("Cache-Control") == ["private, max-age=5"]
    headers = app.test_client().get("/plain").headers
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert headers.getlist("Cache-Control") == ["no-store"]
    assert headers.getlist("Cross-Origin-Opener-Policy") == ["same-origin"]


def test_hsts_in_production(tmp_path, test_database_url):
    app = create_app({"ENV": "production", "SECRET_KEY": "p" * 40, "AUDIT_KEY": "a" * 40, "WORKERS": 1,
                      "INSTANCE_PATH": str(tmp_path), "BASE_URL": "https://trainer.test",
                      "DATABASE_URL": test_database_url})
    response = app.test_client().get("/login", base_url="https://trainer.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_templates_use_no_inline_script_or_style(app):
    import pathlib
    import re

    root = pathlib.Path(app.root_path) / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\sstyle=|<style", text):
            offenders.append(template.name)
        if re.search(r"\son[a-z]+=", text):
            offenders.append(template.name)
    assert offenders == []
