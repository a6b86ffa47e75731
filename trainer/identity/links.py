"""The identity-provider accounts linked to a person, and unlinking one (an administrator's
remedy for a recycled address: the next sign-in links again by verified e-mail)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.models import SsoIdentity, User


def linked_identities(session: Session, user: User) -> list[SsoIdentity]:
    return list(session.scalars(select(SsoIdentity).where(SsoIdentity.user_id == user.id)
                                .order_by(SsoIdentity.id)))


def unlink(session: Session, actor: Actor, user: User, identity_id: int) -> bool:
    """Remove one link of `user`; False when it is not theirs (or gone already)."""
    identity = session.scalar(select(SsoIdentity).where(SsoIdentity.id == identity_id,
                                                        SsoIdentity.user_id == user.id))
    if identity is None:
        return False
    session.delete(identity)
    session.flush()
    audit.record(session, actor, "user.sso_unlinked", user, protocol=identity.protocol,
                 identity_provider=identity.issuer)
    return True
