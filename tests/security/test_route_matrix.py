"""Every endpoint by every persona, against the hand-written table in access_table.py.

Anonymous visitors are sent to sign in (401 for the API and SCIM); signed-in people the
table does not list get 403; those it lists get the page (or a form's own answer). A route
missing from the table, or from world.URLS, fails here until someone decides who may use it.
"""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.security.access_table import ACCESS, ANONYMOUS, BEARER_TOKEN, PERSONAS
from tests.security.world import URLS
from trainer.models import ROLES

# 404/410: a public route given an unknown token; 400/422: a form re-rendered with messages.
PERMITTED = {200, 302, 400, 404, 410, 422}
CSRF_REFUSED = "expired or was sent from elsewhere"


def endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule


def test_every_endpoint_is_in_the_access_table(app):
    routed = {rule.endpoint for rule in endpoints(app)}
    assert sorted(routed - set(ACCESS)) == [], "add these endpoints to tests/security/access_table.py"
    assert sorted(set(ACCESS) - routed) == [], "these table entries name no endpoint"


def test_every_endpoint_has_a_url_in_the_world(app):
    missing = sorted({rule.endpoint for rule in endpoints(app)} - set(URLS))
    assert missing == [], "add these endpoints to tests/security/world.py URLS"


def sign_in(auth, world, persona):
    person = {"employee": world.a, "manager": world.manager, "hr": world.hr_all,
              "scoped_hr": world.hr, "admin": world.admin, "auditor": world.auditor}[persona]
    assert auth.login(person.email).status_code == 302


def expected(endpoint: str, persona: str) -> str:
    allowed = ACCESS[endpoint]
    if allowed == BEARER_TOKEN:
        return "401"
    if persona in allowed:
        return "ok"
    return "login" if persona == ANONYMOUS else "403"


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_matrix(app, world, client, auth, persona):
    if persona == "auditor" and "auditor" not in ROLES:
        pytest.skip("no auditor role yet: see tests/security/access_table.py")
    if persona != ANONYMOUS:
        sign_in(auth, world, persona)
    token = csrf_token(client, "/login" if persona == ANONYMOUS else "/")
    for rule in endpoints(app):
        url = URLS[rule.endpoint](world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.endpoint == "auth.logout" and persona != ANONYMOUS:
                continue  # would end the session the rest of the walk needs
            response = client.open(url, method=method, data={"csrf_token": token})
            response.get_data()
            response.close()  # streamed exports hold their request open until closed
            want = expected(rule.endpoint, persona)
            got = response.status_code
            where = f"{method} {url} as {persona}"
            if want == "login":
                assert got == 302 and "/login" in response.location, where
            elif want in ("401", "403"):
                assert got == int(want), f"{where}: {got}, the table says {want}"
            else:
                assert got in PERMITTED, f"{where}: {got}"
                if response.mimetype == "text/html":
                    assert CSRF_REFUSED not in response.get_data(as_text=True), where
            if persona != ANONYMOUS and got == 302 and "/login" in (response.location or ""):
                raise AssertionError(f"{where} signed the user out")
