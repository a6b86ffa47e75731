"""How often a person gets reminder e-mails. Reminders themselves cannot be switched off."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import Notification, User
from trainer.notify.schedule import next_weekly_slot
from trainer.notify.settings import ReminderSettings

DIGEST_FREQUENCIES = {
    "immediate": "As reminders fall due (at most one e-mail per reminder run)",
    "weekly": "One weekly digest",
}


class PreferenceError(ValueError):
    """The choice is not one Trainer offers."""


def set_digest_frequency(
    session: Session, actor: Actor, user: User, frequency: str, settings: ReminderSettings
) -> bool:
    """Change the person's digest frequency and reschedule their unsent e-mails to match.

    Weekly: unsent reminders wait for the next weekly slot. Immediate: they go with the next
    run. Returns False when nothing changed.
    """
    if frequency not in DIGEST_FREQUENCIES:
        raise PreferenceError("Choose how often you want reminder e-mails.")
    if user.digest_frequency == frequency:
        return False
    before, user.digest_frequency = user.digest_frequency, frequency
    slot = None
    if frequency == "weekly":
        slot = next_weekly_slot(clock.now(), settings.digest_weekday, settings.digest_hour)
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.sent_at.is_(None),
               Notification.failed_at.is_(None), Notification.claimed_by.is_(None))
        .values(send_after=slot)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    audit.record(session, actor, "user.digest_frequency_changed", user, before=before, after=frequency)
    return True
