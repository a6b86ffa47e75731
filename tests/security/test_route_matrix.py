"""Every endpoint by anonymous, employee, HR and admin: the declared rule holds.

Anonymous visitors are sent to sign in (401 JSON for the API); signed-in people without the
role get 403; with it, the page answers. A route nobody has thought about fails here.
"""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.security.world import URLS
from trainer.web.access import declared_access

ROLES = [None, "employee", "hr", "admin"]
# 404/410: a public route given an unknown token; 400/422: a form re-rendered with messages.
PERMITTED = {200, 302, 400, 404, 410, 422}
CSRF_REFUSED = "expired or was sent from elsewhere"


def endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule


def test_every_endpoint_has_a_url_in_the_world(app):
    missing = sorted({rule.endpoint for rule in endpoints(app)} - set(URLS))
    assert missing == [], "add these endpoints to tests/security/world.py URLS"


def sign_in(auth, world, role):
    email = {"employee": world.a.email, "hr": world.hr.email, "admin": world.admin.email}[role]
    assert auth.login(email).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, world, client, auth, role):
    if role:
        sign_in(auth, world, role)
    token = csrf_token(client, "/login" if role is None else "/")
    for rule in endpoints(app):
        access = declared_access(app.view_functions[rule.endpoint])
        url = URLS[rule.endpoint](world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.endpoint == "auth.logout" and role:
                continue  # would end the session the rest of the walk needs
            response = client.open(url, method=method, data={"csrf_token": token})
            response.get_data()
            response.close()  # streamed exports hold their request open until closed
            expected = _expected(access, role)
            got = response.status_code
            where = f"{method} {url} as {role or 'anonymous'}"
            if expected == "login":
                assert got == 302 and "/login" in response.location, where
            elif expected == 401:
                assert got == 401, where
            elif expected == 403:
                assert got == 403, where
            else:
                assert got in PERMITTED, f"{where}: {got}"
                if response.mimetype == "text/html":
                    assert CSRF_REFUSED not in response.get_data(as_text=True), where
            if role and got == 302 and "/login" in (response.location or ""):
                raise AssertionError(f"{where} signed the user out")


def _expected(access, role):
    if access.public:
        return "ok"
    if access.api_scope:
        return 401
    if role is None:
        return "login"
    roles = {"employee"} | ({role} if role else set())
    return "ok" if roles & access.roles else 403
