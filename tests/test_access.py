"""Every route declares who may use it, and roles see only their own pages."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from trainer.web.access import declared_access


def test_every_endpoint_declares_its_access_rule(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and declared_access(view) is None
    ]
    assert undeclared == []


def test_an_endpoint_without_a_rule_is_refused(make_app):
    app = make_app()
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert app.test_client().get("/forgotten").status_code == 403


def simple_get_routes(app):
    """Routes without URL parameters that answer GET."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.arguments or "GET" not in rule.methods:
            continue
        yield rule.rule, declared_access(app.view_functions[rule.endpoint])


ROLE_USERS = {"employee": (), "hr": ("hr",), "admin": ("admin",)}


@pytest.mark.parametrize("role", [None, "employee", "hr", "admin"])
def test_role_matrix_for_pages(app, session, client, auth, role):
    if role:
        make_user(session, email=f"{role}@example.com", roles=ROLE_USERS[role])
        session.commit()
        auth.login(f"{role}@example.com")
    for path, access in simple_get_routes(app):
        if path == "/logout":
            continue
        response = client.get(path)
        response.close()  # exports stream: closing ends their request context
        if access.public:
            assert response.status_code in (200, 302), path
        elif access.api_scope:
            assert response.status_code == 401, path
        elif role is None:
            assert response.status_code == 302, path
            assert response.location.startswith("/login"), path
        elif "employee" in access.roles or role in access.roles:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, path


@pytest.mark.parametrize(
    ("roles", "visible", "hidden"),
    [
        ((), ["My training"], ['href="/hr/"', 'href="/admin/"']),
        (("hr",), ['href="/hr/"'], ['href="/admin/"']),
        (("admin",), ['href="/hr/"', 'href="/admin/"'], []),
    ],
)
def test_navigation_shows_only_the_roles_pages(session, client, auth, roles, visible, hidden):
    make_user(session, email="someone@example.com", roles=roles)
    session.commit()
    auth.login("someone@example.com")
    page = client.get("/").get_data(as_text=True)
    for text in visible:
        assert text in page
    for text in hidden:
        assert text not in page
