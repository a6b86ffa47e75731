"""One-time use of ID token nonces and SAML assertion ids, agreed by every worker.

An id is remembered until the token it came from expires (after that the token is refused
as expired anyway), so the table stays small: expired rows go as new ones arrive.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trainer import clock
from trainer.models import UsedSsoToken


def use_once(session: Session, protocol: str, issuer: str, token_id: str, expires_at: dt.datetime) -> bool:
    """Record the id as used; False if it had been used before (a replay).

    INSERT … ON CONFLICT DO NOTHING RETURNING id on both databases: of two workers given the
    same assertion at once, exactly one inserts the row (and gets its id back) and the other
    is told it is a replay. (RETURNING, not rowcount: drivers report -1 for such an INSERT.)
    """
    now = clock.now()
    session.execute(delete(UsedSsoToken).where(UsedSsoToken.expires_at < now))
    digest = hashlib.sha256(f"{protocol}:{issuer}:{token_id}".encode()).hexdigest()
    values = {"digest": digest, "expires_at": max(expires_at, now)}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(UsedSsoToken).values(values).on_conflict_do_nothing().returning(UsedSsoToken.id)
    return session.execute(statement).scalar() is not None
