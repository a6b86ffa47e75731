"""The audit trail is hash-chained: any edit to a past event is detected."""

from __future__ import annotations

from sqlalchemy import update

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
