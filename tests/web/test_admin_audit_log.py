"""The audit log viewer: filters, pagination, names resolved, details escaped, chain verification."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.web.authoring import sign_in_admin
from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import AuditEvent
from trainer.people.retention import pseudonymise


@pytest.fixture
def trail(session, auth):
    """Events by two people, the CLI and the system on three days (plus the admin's sign-in)."""
    admin = sign_in_admin(session, auth)
    ann = make_user(session, email="ann@example.com", name="Ann Author")
    bob = make_user(session, email="bob@example.com", name="Bob Builder")
    with clock.frozen(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)):
        audit.record(session, Actor.user(ann.id, "203.0.113.7"), "course.created", ann, course="alpha")
        audit.record(session, Actor.cli(), "course.imported", ann, course="beta")
    with clock.frozen(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)):
        audit.record(session, Actor.user(bob.id), "module.published", bob, version=2)
        audit.record(session, Actor.system(), "assignments.synced", None, created=3)
    with clock.frozen(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)):
        audit.record(session, Actor.user(ann.id), "module.draft_saved", bob, note="<script>alert(1)</script>")
    session.commit()
    return admin, ann, bob


def actions_on(page: str) -> list[str]:
    return re.findall(r"<td><code>([a-z_.]+)</code></td>", page)


def test_newest_first_with_names_ips_and_details(client, trail):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert actions_on(page)[:5] == ["module.draft_saved", "assignments.synced", "module.published",
                                    "course.imported", "course.created"]
    assert ">Ann Author</a>" in page and "203.0.113.7" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "{\n  &#34;version&#34;: 2\n}" in page  # pretty JSON


@pytest.mark.parametrize(("query", "expected"), [
    ("actor=ann@example.com", ["module.draft_saved", "course.created"]),
    ("actor=ANN@example.com", ["module.draft_saved", "course.created"]),
    ("actor=cli", ["course.imported"]),
    ("action=module.", ["module.draft_saved", "module.published"]),
    ("action=course.imp", ["course.imported"]),
    ("target_type=User&target_id={bob}", ["module.draft_saved", "module.published"]),
    ("since=2026-03-02&until=2026-03-02", ["assignments.synced", "module.published"]),
    ("actor=ann@example.com&since=2026-03-02", ["module.draft_saved"]),
    ("action=%25", []),  # a literal %, not a wildcard
])
def test_filters(client, trail, query, expected):
    _admin, ann, bob = trail
    page = client.get("/admin/audit?" + query.format(ann=ann.id, bob=bob.id)).get_data(as_text=True)
    assert actions_on(page) == expected


def test_filter_by_actor_id(client, trail):
    _admin, _ann, bob = trail
    page = client.get(f"/admin/audit?actor={bob.id}").get_data(as_text=True)
    assert actions_on(page) == ["module.published"]


def test_an_unknown_actor_says_so_and_shows_nothing(client, trail):
    page = client.get("/admin/audit?actor=ghost@example.com").get_data(as_text=True)
    assert "No account for ghost@example.com." in page
    assert actions_on(page) == []


def test_a_bad_date_is_ignored_with_a_message(client, trail):
    response = client.get("/admin/audit?since=yesterday")
    assert response.status_code == 200
    assert "Not a valid date value." in response.get_data(as_text=True)


def test_pseudonymised_people_show_under_their_pseudonym(session, client, trail):
    _admin, ann, _bob = trail
    ann.active = False
    pseudonymise(session, Actor.cli(), ann)
    session.commit()
    page = client.get("/admin/audit?action=course.created").get_data(as_text=True)
    assert "Ann Author" not in page and "Former employee" in page


def test_pages_of_fifty(session, client, trail):
    for n in range(60):
        audit.record(session, Actor.cli(), "bulk.event", None, n=n)
    session.commit()
    first = client.get("/admin/audit?action=bulk.").get_data(as_text=True)
    assert len(actions_on(first)) == 50 and "Page 1 of 2 (60 in all)" in first
    second = client.get("/admin/audit?action=bulk.&page=2").get_data(as_text=True)
    assert len(actions_on(second)) == 10


def test_verify_chain_on_request_intact_then_broken(session, client, trail):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "The audit trail is intact" not in page  # not computed on every view
    token = csrf_token(client, "/admin/audit")
    response = client.post("/admin/audit/verify?action=module.", data={"csrf_token": token})
    page = response.get_data(as_text=True)
    assert "The audit trail is intact: all" in page
    assert actions_on(page) == ["module.draft_saved", "module.published"]  # the filters stay
    victim = session.scalar(select(AuditEvent).where(AuditEvent.action == "module.published"))
    session.execute(update(AuditEvent).where(AuditEvent.id == victim.id).values(details={"version": 1}))
    session.commit()
    page = client.post("/admin/audit/verify", data={"csrf_token": token}).get_data(as_text=True)
    assert f"The audit trail is broken at event #{victim.id} (module.published" in page


def test_verify_needs_csrf_and_admin(session, client, auth, trail):
    assert client.post("/admin/audit/verify").status_code == 400
    auth.logout()
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    assert client.get("/admin/audit").status_code == 403
