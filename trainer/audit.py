"""The audit trail: who did what to which record, when and from where.

Each event stores the hash of the one before it, so editing or deleting a past event breaks
the chain, and `verify_chain` names the first broken link. The hashes are HMACs keyed with
TRAINER_AUDIT_KEY, which is not in the database: someone who can write to the database
cannot recompute the chain after rewriting it. Deleting the newest events leaves a valid
shorter chain; an anchor (the head's id and hash, kept elsewhere by the operator) catches
that, and any rewrite before it (`check_anchor`). The full IP is kept only for a
configurable time; the hash covers its network prefix, which survives that truncation.

Events name people by id only (never by e-mail or name), so pseudonymising a leaver
needs no change to the trail; a typed-in e-mail address of a failed sign-in is kept as a
keyed digest (HMAC with the server secret) that correlates attempts without storing the
address.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from trainer import clock
from trainer.bulk import insert_rows
from trainer.models import AuditEvent

GENESIS = "0" * 64


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who is acting: a user (by id), the CLI, the system, an API token or anonymous."""

    label: str
    user_id: int | None = None
    ip: str | None = None

    @classmethod
    def user(cls, user_id: int, ip: str | None = None) -> Actor:
        return cls(label="user", user_id=user_id, ip=ip)

    @classmethod
    def anonymous(cls, ip: str | None = None) -> Actor:
        return cls(label="anonymous", ip=ip)

    @classmethod
    def cli(cls) -> Actor:
        return cls(label="cli")

    @classmethod
    def system(cls) -> Actor:
        return cls(label="system")


def record(
    session: Session,
    actor: Actor,
    action: str,
    target: Any = None,
    /,
    **details: Any,
) -> AuditEvent:
    """Append an event; `target` is a model instance (type and id are taken from it).

    The first four parameters are positional-only, so details may use any name.
    """
    _lock_chain(session)
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=clock.now().replace(microsecond=0),
        actor_id=actor.user_id,
        actor_label=actor.label,
        ip=actor.ip,
        action=action,
        # __class__, not type(): a proxy such as Flask-Login's current_user reports the class
        # of the object it stands for, so the row says "User", not "LocalProxy".
        target_type=target.__class__.__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        details=_jsonable(details),
        prev_hash=last or GENESIS,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def record_many(session: Session, actor: Actor, events: list[tuple[str, Any, dict[str, Any]]]) -> int:
    """Append one event per (action, target, details) in bulk, chained as `record` would:
    a 50,000-row import writes 50,000 events with a few statements, not 50,000 flushes.
    `target` is a (type name, id) pair or a model instance."""
    if not events:
        return 0
    _lock_chain(session)
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    at = clock.now().replace(microsecond=0)
    rows = []
    for action, target, details in events:
        kind, id_ = target if isinstance(target, tuple) else (target.__class__.__name__, target.id)
        # A plain namespace, not an AuditEvent: building 50,000 ORM objects cost more than hashing.
        event = SimpleNamespace(at=at, actor_id=actor.user_id, actor_label=actor.label, ip=actor.ip,
                                action=action, target_type=kind, target_id=str(id_),
                                details=_jsonable(details), prev_hash=previous)
        event.hash = previous = event_hash(cast(AuditEvent, event))
        rows.append(vars(event))
    for start in range(0, len(rows), 5000):
        insert_rows(session.connection(), AuditEvent.__table__, rows[start:start + 5000])
    return len(rows)


def email_digest(email: str) -> str:
    """A digest of a typed-in e-mail address: the same address gives the same digest, so
    attempts can be correlated. It is an HMAC keyed with the server's secret key: without
    the key, nobody holding a list of addresses can tell which of them a digest is."""
    from flask import current_app  # the key is the app's; every caller runs inside it

    key = str(current_app.config["SECRET_KEY"]).encode()
    normalised = email.strip().lower().encode()
    return hmac.new(key, b"email-digest:" + normalised, hashlib.sha256).hexdigest()[:32]


def chain_key() -> bytes:
    """The HMAC key of the chain (TRAINER_AUDIT_KEY): never stored in the database."""
    from flask import current_app  # the key is the app's; every caller runs inside it

    return str(current_app.config["AUDIT_KEY"]).encode()


def event_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """HMAC-SHA256 over the event and its predecessor's hash, keyed with the audit key."""
    key = key if key is not None else chain_key()
    return hmac.new(key, canonical_payload(event), hashlib.sha256).hexdigest()


def canonical_payload(event: Any) -> bytes:
    """What an event's hash covers (also used by the migration that keyed the chain)."""
    payload = {
        "prev": event.prev_hash,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "net": ip_prefix(event.ip),
        "action": event.action,
        "target": [event.target_type, event.target_id],
        "details": event.details,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def ip_prefix(ip: str | None) -> str | None:
    """The network an address belongs to (/24 for IPv4, /48 for IPv6): what retention keeps."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.split("/")[0])
    except ValueError:
        return ip
    bits = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


def verify_chain(session: Session) -> AuditEvent | None:
    """The first event whose hash or link is wrong, or None when the chain is intact."""
    key = chain_key()
    previous = GENESIS
    for event in _events_in_order(session):
        if event.prev_hash != previous or not hmac.compare_digest(event.hash, event_hash(event, key)):
            return event
        previous = event.hash
    return None


@dataclasses.dataclass(frozen=True)
class Anchor:
    """The head of the chain at one moment, kept outside the database by the operator."""

    sequence: int  # the newest event's id
    hash: str
    at: str  # that event's time, ISO 8601

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Anchor:
        data = json.loads(line)
        return cls(sequence=int(data["sequence"]), hash=str(data["hash"]), at=str(data["at"]))


def head(session: Session) -> Anchor | None:
    """The newest event as an anchor; None for an empty trail."""
    event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    if event is None:
        return None
    return Anchor(sequence=event.id, hash=event.hash, at=event.at.isoformat())


def check_anchor(session: Session, anchor: Anchor) -> str | None:
    """Why the trail no longer matches a head recorded earlier, or None when it does.

    The anchored event must still be there with the same hash: events deleted from the end
    (truncation) or rewritten with the chain recomputed both change that."""
    event = session.get(AuditEvent, anchor.sequence)
    if event is None:
        newest = head(session)
        ends = f"event #{newest.sequence}" if newest else "no event"
        return (f"the anchor names event #{anchor.sequence} ({anchor.at}) but the trail has "
                f"{ends} in its place: events were removed")
    if not hmac.compare_digest(event.hash, anchor.hash):
        return (f"event #{anchor.sequence} no longer has the anchored hash: the trail up to it "
                "was rewritten")
    return None


def _events_in_order(session: Session) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(1000)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _lock_chain(session: Session) -> None:
    """Serialise appends, so two writers never link to the same predecessor."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    else:
        # SQLite: a (matching-nothing) write takes the database's write lock now, before
        # the last hash is read, instead of at the INSERT.
        session.execute(text("UPDATE audit_events SET id = id WHERE id < 0"))


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(details, default=str))
