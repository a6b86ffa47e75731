"""Single sign-on: which identity-provider subject belongs to whom, and what was used once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer import clock
from trainer.models.base import Base


class SsoIdentity(Base):
    """A person's account at an identity provider: OIDC issuer + `sub`, or SAML issuer + NameID.

    Matched before e-mail at every sign-in, so a changed address still finds the person.
    """

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    protocol: Mapped[str] = mapped_column(String(8))  # oidc | saml
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    last_sign_in_at: Mapped[dt.datetime | None]


class UsedSsoToken(Base):
    """An ID token nonce or SAML assertion id that was accepted once, kept until it expires.

    In the database, not in memory, so every worker refuses a replay the others accepted.
    """

    __tablename__ = "sso_used_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of "<protocol>:<issuer>:<id>": the ids themselves are of no use to anyone later.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
