"""Regulation updates and the acknowledgements they ask of people."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.models.base import Base
from trainer.models.course import Module

regulation_update_modules = Table(
    "regulation_update_modules",
    Base.metadata,
    Column(
        "regulation_update_id",
        ForeignKey("regulation_updates.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
)


class RegulationUpdate(Base):
    """A change in the law or guidance that staff must learn about.

    action "retrain": people whose completion of an affected module predates the effective
    date get a new assignment cycle; "acknowledge": they get an acknowledgement task.
    """

    __tablename__ = "regulation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    regulation: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    summary_html: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date]
    action: Mapped[str] = mapped_column(String(12))  # retrain | acknowledge
    due_days: Mapped[int] = mapped_column(default=30)
    published_at: Mapped[dt.datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    modules: Mapped[list[Module]] = relationship(secondary=regulation_update_modules)


class UpdateAcknowledgement(Base):
    """A person's task to read a regulation update, and when they acknowledged it."""

    __tablename__ = "update_acknowledgements"
    __table_args__ = (UniqueConstraint("regulation_update_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regulation_update_id: Mapped[int] = mapped_column(ForeignKey("regulation_updates.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    acknowledged_at: Mapped[dt.datetime | None]

    regulation_update: Mapped[RegulationUpdate] = relationship(lazy="joined")
