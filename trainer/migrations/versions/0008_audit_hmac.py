"""Audit trail: key the hash chain with TRAINER_AUDIT_KEY (HMAC-SHA256) instead of plain SHA-256.

The existing chain is verified under the old, unkeyed scheme first; a broken chain stops the
upgrade (re-keying it would hide the break). Then every event's prev_hash and hash are
recomputed in order with the key. The downgrade recomputes the unkeyed chain.

Revision ID: 0008_audit_hmac
Revises: 0007_auditor_role
"""
import hashlib
import hmac
import os
import types

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0008_audit_hmac"
down_revision = "0007_auditor_role"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _key() -> bytes:
    from flask import current_app, has_app_context

    key = current_app.config.get("AUDIT_KEY") if has_app_context() else os.environ.get("TRAINER_AUDIT_KEY")
    if not key:
        raise RuntimeError("TRAINER_AUDIT_KEY is needed to key the audit trail: run `trainer db upgrade` "
                           "with it set (production) or from the instance folder (development)")
    return str(key).encode()


def _unkeyed(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _rechain(old_hash, new_hash) -> None:
    from trainer.audit import canonical_payload
    from trainer.models import AuditEvent

    session = Session(bind=op.get_bind())
    columns = [AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.actor_label, AuditEvent.ip,
               AuditEvent.action, AuditEvent.target_type, AuditEvent.target_id, AuditEvent.details,
               AuditEvent.prev_hash, AuditEvent.hash]
    table = sa.table("audit_events", sa.column("id"), sa.column("prev_hash"), sa.column("hash"))
    rows = [types.SimpleNamespace(**row._asdict())
            for row in session.execute(sa.select(*columns).order_by(AuditEvent.id))]
    previous = GENESIS
    for row in rows:  # the old chain must hold before it is re-keyed
        if row.prev_hash != previous or row.hash != old_hash(canonical_payload(row)):
            raise RuntimeError(f"audit trail broken at event #{row.id} before re-keying: run "
                               "`trainer audit verify` on the previous version and investigate first")
        previous = row.hash
    previous = GENESIS
    for row in rows:
        row.prev_hash = previous
        row.hash = new_hash(canonical_payload(row))
        # Unique hashes: park each on a placeholder first would not help; new HMACs never
        # equal old SHA-256 values in practice, so update in place.
        session.execute(table.update().where(table.c.id == row.id)
                        .values(prev_hash=row.prev_hash, hash=row.hash))
        previous = row.hash
    session.flush()


def upgrade():
    key = _key()
    _rechain(_unkeyed, lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest())


def downgrade():
    key = _key()
    _rechain(lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest(), _unkeyed)
