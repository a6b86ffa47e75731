"""Every route declares who may use it, and roles see only their own pages.

Who may use which route is checked against a hand-written table, persona by persona, in
tests/security/test_route_matrix.py (tests/security/access_table.py).
"""

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


def test_navigation_marks_the_page_shown_and_follows_the_roles(session, client, auth):
    """The header's entries are worked out once per roles and page (web/templating.py): each
    page still marks itself, and a change of roles shows at once."""
    user = make_user(session, email="someone@example.com")
    session.commit()
    auth.login("someone@example.com")
    for _ in range(2):
        assert '<a href="/" aria-current="page">My training</a>' in client.get("/").get_data(as_text=True)
        transcript = client.get("/me/transcript").get_data(as_text=True)
        assert '<a href="/me/transcript" aria-current="page">Transcript</a>' in transcript
        assert '<a href="/" aria-current="page">' not in transcript
    assert 'href="/hr/"' not in client.get("/").get_data(as_text=True)
    user.is_hr, user.hr_all_departments = True, True
    session.commit()
    assert 'href="/hr/"' in client.get("/").get_data(as_text=True)
