"""Job locks on SQLite: one row per scheduled job while a run of it is in progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from trainer.models.base import Base


class JobLock(Base):
    """Who runs a scheduled job now (SQLite only; PostgreSQL uses advisory locks).

    `trainer.jobs` takes the row in an immediate transaction and deletes it when the run ends.
    A row left by a run that died (its process is gone, or it is older than the stale age)
    is taken over by the next run.
    """

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    taken_at: Mapped[dt.datetime]
