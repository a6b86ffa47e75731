"""The chain is keyed (TRAINER_AUDIT_KEY) and anchored: rewriting events and recomputing the
hashes, or deleting the newest events, is caught."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import delete, select, update

from trainer import audit
from trainer.audit import Actor, canonical_payload
from trainer.models import AuditEvent


def events(session, count=5):
    made = [audit.record(session, Actor.cli(), "test.event", n=n) for n in range(count)]
    session.commit()
    return made


def rechain(session, digest) -> None:
    """What a forger with database access does: rewrite, then recompute every hash after."""
    previous = audit.GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        event.prev_hash = previous
        event.hash = digest(canonical_payload(event))
        previous = event.hash
    session.commit()


def forge(session, target_id, digest) -> None:
    session.execute(update(AuditEvent).where(AuditEvent.id == target_id).values(details={"n": 99}))
    session.commit()
    session.expire_all()
    rechain(session, digest)


def test_hashes_are_hmacs_with_the_audit_key(app, session):
    [event] = events(session, 1)
    key = str(app.config["AUDIT_KEY"]).encode()
    assert event.hash == hmac.new(key, canonical_payload(event), hashlib.sha256).hexdigest()


def test_a_rewrite_with_the_chain_recomputed_without_the_key_is_caught(session):
    made = events(session)
    forge(session, made[2].id, lambda payload: hashlib.sha256(payload).hexdigest())
    broken = audit.verify_chain(session)
    assert broken is not None and broken.id == made[0].id  # nothing verifies without the key


def test_a_rewrite_with_another_key_is_caught(session):
    made = events(session)
    forge(session, made[2].id, lambda payload: hmac.new(b"guess", payload, hashlib.sha256).hexdigest())
    assert audit.verify_chain(session) is not None


def test_anchor_prints_the_head_and_appends_it_to_a_file(session, runner, tmp_path):
    made = events(session, 3)
    anchors = tmp_path / "anchors.jsonl"
    result = runner.invoke(args=["audit", "anchor", "--output", str(anchors)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == {"sequence": made[-1].id, "hash": made[-1].hash, "at": made[-1].at.isoformat()}
    events(session, 1)
    runner.invoke(args=["audit", "anchor", "--output", str(anchors)])
    assert len(anchors.read_text().splitlines()) == 2
    verified = runner.invoke(args=["audit", "verify", "--anchor", str(anchors)])
    assert verified.exit_code == 0 and "matches 2 anchor(s)" in verified.output


def test_deleting_the_newest_events_passes_the_chain_but_not_the_anchor(session, runner, tmp_path):
    made = events(session)
    anchors = tmp_path / "anchors.jsonl"
    runner.invoke(args=["audit", "anchor", "--output", str(anchors)])
    session.execute(delete(AuditEvent).where(AuditEvent.id >= made[3].id))
    session.commit()
    assert audit.verify_chain(session) is None  # a shorter chain is still a valid chain
    result = runner.invoke(args=["audit", "verify", "--anchor", str(anchors)])
    assert result.exit_code == 1
    assert f"names event #{made[-1].id}" in result.output and "events were removed" in result.output


def test_a_rewrite_by_someone_holding_the_key_is_caught_by_the_anchor(app, session, runner, tmp_path):
    made = events(session)
    anchors = tmp_path / "anchors.jsonl"
    runner.invoke(args=["audit", "anchor", "--output", str(anchors)])
    key = str(app.config["AUDIT_KEY"]).encode()
    forge(session, made[1].id, lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest())
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the chain itself is consistent
    result = runner.invoke(args=["audit", "verify", "--anchor", str(anchors)])
    assert result.exit_code == 1 and "was rewritten" in result.output


def test_events_after_the_anchor_are_fine(session, runner, tmp_path):
    events(session, 2)
    anchors = tmp_path / "anchors.jsonl"
    runner.invoke(args=["audit", "anchor", "--output", str(anchors)])
    events(session, 2)
    assert runner.invoke(args=["audit", "verify", "--anchor", str(anchors)]).exit_code == 0


def test_an_unreadable_anchor_file_is_a_clear_error(session, runner, tmp_path):
    events(session, 1)
    bad = tmp_path / "anchors.jsonl"
    bad.write_text("not json\n")
    result = runner.invoke(args=["audit", "verify", "--anchor", str(bad)])
    assert result.exit_code == 1 and "line 1: not an anchor" in result.output
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0

