"""Templates' url_for is remembered per process (trainer.web.templating.remembered_url_for):
the same links as Flask builds, wherever the app is mounted."""

from __future__ import annotations

import pytest
from flask import url_for

from trainer.web.templating import remembered_url_for


@pytest.mark.parametrize("mounted_at", ["", "/training"])
def test_remembered_links_are_flasks_links_under_each_mount_point(app, mounted_at):
    cases = [("learn.dashboard", {}), ("static", {"filename": "trainer.css"}),
             ("learn.module", {"course_slug": "gdpr-basics", "module_slug": "what is personal data"}),
             ("hr.employees", {"page": 2, "q": "Ada & Bob"})]
    for _ in range(2):  # built, then remembered
        with app.test_request_context("/", base_url=f"http://localhost{mounted_at}"):
            for endpoint, values in cases:
                assert remembered_url_for(endpoint, **values) == url_for(endpoint, **values)
                assert remembered_url_for(endpoint, **values).startswith(f"{mounted_at}/")


def test_other_arguments_are_built_as_usual(app):
    with app.test_request_context("/"):
        assert remembered_url_for("learn.dashboard", _external=True) == "http://localhost/"
        assert remembered_url_for("learn.course", slug="a", _anchor="modules") == "/courses/a#modules"
        long = "x" * 101
        assert remembered_url_for("hr.employees", q=long) == url_for("hr.employees", q=long)


def test_true_is_not_taken_for_one(app):
    with app.test_request_context("/"):
        assert remembered_url_for("hr.employees", page=1) == url_for("hr.employees", page=1)
        assert remembered_url_for("hr.employees", page=True) == url_for("hr.employees", page=True)


def test_values_given_in_another_order_give_the_same_link(app):
    with app.test_request_context("/"):
        one = remembered_url_for("learn.module", course_slug="a", module_slug="b")
        assert remembered_url_for("learn.module", module_slug="b", course_slug="a") == one == "/courses/a/b"


def test_header_links_follow_the_mount_point_and_the_roles(app):
    """The header's entries are worked out once per roles, page and mount point
    (templating.navigation_for): each of those still gets its own."""
    from trainer.people.signed_in import SignedIn
    from trainer.web.templating import navigation_for

    employee = SignedIn(1, "Ada", 1, False, False, False, False, None)
    admin = SignedIn(2, "Bob", 1, False, False, True, False, None)
    for _ in range(2):  # worked out, then remembered
        for mounted_at in ("", "/training"):
            with app.test_request_context("/", base_url=f"http://localhost{mounted_at}"):
                links = {item.label: item.url for item in navigation_for(employee)}
                assert links["My training"] == f"{mounted_at}/" and "Admin" not in links
                admin_links = {item.label: item.url for item in navigation_for(admin)}
                assert admin_links["Admin"] == f"{mounted_at}/admin/"
