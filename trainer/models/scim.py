"""SCIM provisioning: which Trainer person an identity provider's SCIM resource stands for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.models.base import Base
from trainer.models.user import User


class ScimLink(Base):
    """A person as an identity provider provisions them over SCIM (RFC 7643 "User").

    The row is the SCIM resource: its random `id` is the resource id the provider stores,
    `user_name` and `external_id` are the provider's names for the person. Deleting the
    resource deletes this row only (RFC 7644 §3.6: the id answers 404 from then on); the
    person is deactivated and keeps every training record. A person provisioned again gets
    a new row with a new id.
    """

    __tablename__ = "scim_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    user_name: Mapped[str] = mapped_column(String(255))
    # userName as compared (case-insensitively, NFC): unique among the live resources.
    user_name_key: Mapped[str] = mapped_column(String(255), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
