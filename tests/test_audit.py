"""The audit trail is hash-chained: any edit to a past event is detected."""

from __future__ import annotations

from sqlalchemy import select, update
from werkzeug.local import LocalProxy

from tests.conftest import csrf_token
from tests.factories import make_user
from trainer import audit
from trainer.audit import Actor, ip_prefix
from trainer.models import AuditEvent


def test_intact_chain_verifies(session):
    for n in range(5):
        audit.record(session, Actor(label="admin@example.com", ip="192.0.2.7"), "test.event", n=n)
    session.commit()
    assert audit.verify_chain(session) is None


def test_edited_event_is_named_as_first_broken_link(session):
    events = [audit.record(session, Actor.cli(), "test.event", n=n) for n in range(5)]
    session.commit()
    session.execute(update(AuditEvent).where(AuditEvent.id == events[2].id)
                    .values(details={"n": 99}))
    session.commit()
    session.expire_all()
    broken = audit.verify_chain(session)
    assert broken is not None and broken.id == events[2].id


def test_deleted_event_breaks_the_chain(session):
    events = [audit.record(session, Actor.cli(), "test.event", n=n) for n in range(3)]
    session.commit()
    session.delete(events[1])
    session.commit()
    broken = audit.verify_chain(session)
    assert broken is not None and broken.id == events[2].id


def test_truncating_an_ip_to_its_network_keeps_the_chain_valid(session):
    event = audit.record(session, Actor(label="x", ip="198.51.100.23"), "auth.signed_in")
    session.commit()
    event.ip = ip_prefix(event.ip)
    session.commit()
    assert event.ip == "198.51.100.0/24"
    assert audit.verify_chain(session) is None


def test_a_proxied_target_is_labelled_by_the_class_it_stands_for(session, client, auth):
    """Turning on one's calendar feed records the signed-in user (a proxy) as the target."""
    user = make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    client.post("/me/calendar", data={"csrf_token": csrf_token(client, "/me/data"), "action": "on"})
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar_feed.enabled")).one()
    assert (event.target_type, event.target_id) == ("User", str(user.id))
    labels = set(session.scalars(select(AuditEvent.target_type).where(AuditEvent.target_type.is_not(None))))
    assert "LocalProxy" not in labels and labels <= {"User"}


def test_the_audit_log_page_names_the_target_type(session, client, auth):
    admin = make_user(session, email="root@example.com", roles=("admin",))
    audit.record(session, Actor.user(admin.id), "test.proxied", LocalProxy(lambda: admin))
    session.commit()
    auth.login("root@example.com")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f"User #{admin.id}" in page and "LocalProxy" not in page
