"""The outbox: reminders planned once (unique dedupe key), delivered and marked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trainer.models.base import Base

NOTIFICATION_KINDS = (
    "assigned",
    "due_soon",
    "due_today",
    "overdue",
    "escalation",
    "regulation_update",
    "refresher",
    "password_reset",
    "invitation",
    "review_due",
    "review_overdue",
)


class Notification(Base):
    """One thing to tell one person. Planning inserts; delivery claims, sends, marks.

    `dedupe_key` (e.g. "assignment:17:due_soon:3") is unique, so planning the same reminder
    twice -- two cron hosts, a re-run -- cannot create a second row.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_pending", "sent_at", "failed_at", "next_attempt_at"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recipient: a person, or (content-review reminders, whose owner need not be a
    # user) only an address in `email`.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str | None] = mapped_column(String(254))
    # Content-review reminders: the course to review.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    # For escalations: whose training this is about (the recipient is their manager or HR).
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    regulation_update_id: Mapped[int | None] = mapped_column(ForeignKey("regulation_updates.id"))
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10), default="email")
    created_at: Mapped[dt.datetime]
    # Weekly-digest recipients: not before this time.
    send_after: Mapped[dt.datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None]
    read_at: Mapped[dt.datetime | None]
