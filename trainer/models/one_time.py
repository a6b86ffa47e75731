"""A secret waiting to be shown once, on the page that follows the POST that made it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from trainer import clock
from trainer.models.base import Base


class OneTimeSecret(Base):
    """Half of a secret: the secret XOR a random pad; the pad is in the maker's session cookie.

    Neither half alone tells anything (a one-time pad), and the row is deleted when the page
    shows it, so a refresh or a replayed cookie finds nothing (trainer/one_time.py).
    """

    __tablename__ = "one_time_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))  # e.g. "calendar-feed", "api-token:7"
    masked: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
