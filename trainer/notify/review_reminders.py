"""Content-review reminders: a course's owner hears before its review falls due.

For each active course with an owner, per review cycle (named by its due date, or "never"
for a course never reviewed) there are two milestones:

    review_due        from REMIND_DAYS_BEFORE days before the due date to the due date itself
    review_overdue    from the day after the due date

A run plans the milestone reached today, once: the outbox's unique dedupe key
"review:<course id>:<due date|never>:<kind>" makes a second run (or a second host) add
nothing. As with training reminders, a run after days without cron plans only the current
milestone, so a course found overdue gets the overdue e-mail only. Marking the course
reviewed starts a new cycle (a new due date, new keys).

The row is addressed to the owner's address (`Notification.email`, `user_id` NULL), whether
or not a Trainer user has it: the owner is an explicit setting. Delivery (notify/delivery.py)
sends each row as an e-mail of its own, built here just before sending; a row whose cycle
has passed meanwhile (reviewed, owner changed, course retired) is skipped, not sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.content.review import REMIND_DAYS_BEFORE, ReviewNeeded, due_on, is_overdue, reviews_needed
from trainer.models import Course, Notification
from trainer.notify.compose import message_id, template_environment
from trainer.notify.items import SKIPPED
from trainer.notify.links import absolute
from trainer.notify.planning import insert_values
from trainer.notify.settings import ReminderSettings

DUE, OVERDUE = "review_due", "review_overdue"
KINDS = (DUE, OVERDUE)
REVIEWS_PATH = "/admin/reviews"  # the admin "Review due" list (web/admin/reviews.py)


def milestone(due: dt.date | None, today: dt.date) -> str | None:
    """The reminder reached today: overdue after the due date (or never reviewed), due from
    REMIND_DAYS_BEFORE days before it, else none yet."""
    if is_overdue(due, today):
        return OVERDUE
    assert due is not None
    return DUE if (due - today).days <= REMIND_DAYS_BEFORE else None


def review_key(course_id: int, due: dt.date | None, kind: str) -> str:
    return f"review:{course_id}:{due.isoformat() if due else 'never'}:{kind}"


def current_key(course: Course, today: dt.date) -> str | None:
    """The key of the reminder this course needs today, or None (no owner, retired, not yet)."""
    if course.owner is None or course.retired_at is not None:
        return None
    due = due_on(course.reviewed_on, course.review_every_months)
    kind = milestone(due, today)
    return review_key(course.id, due, kind) if kind else None


def plan_review_reminders(session: Session, today: dt.date, *, actor: Actor | None = None) -> int:
    """Queue today's review reminders that are not in the outbox yet; flushes, no commit.
    Returns how many were new."""
    now = clock.now()
    rows = []
    for course in session.scalars(select(Course).where(Course.retired_at.is_(None), Course.owner.is_not(None))
                                  .order_by(Course.id)):
        key = current_key(course, today)
        if key is not None:
            rows.append({"user_id": None, "email": course.owner, "course_id": course.id,
                         "kind": key.rsplit(":", 1)[1], "dedupe_key": key, "channel": "email",
                         "created_at": now, "attempts": 0})
    added = insert_values(session, rows)
    session.flush()
    if added:
        audit.record(session, actor or Actor.system(), "reviews.planned", on=today.isoformat(),
                     reminders=added)
    return added


@dataclasses.dataclass(frozen=True)
class _Context:
    course: Course
    due: dt.date | None
    needed: list[ReviewNeeded]


def review_email(session: Session, settings: ReminderSettings, notification_id: int) -> EmailMessage | str:
    """The e-mail for one queued review reminder, or (as text) why it no longer needs sending."""
    row = session.get(Notification, notification_id)
    course = session.get(Course, row.course_id) if row is not None and row.course_id else None
    if row is None or course is None or course.retired_at is not None:
        return SKIPPED + "course retired"
    today = clock.today()
    if course.owner is None or (row.email or "").lower() != course.owner.lower():
        return SKIPPED + "owner changed"
    # A later milestone of the same cycle is the current key; an earlier row still goes out
    # unless the cycle itself moved on (reviewed meanwhile).
    due = due_on(course.reviewed_on, course.review_every_months)
    now_reached = milestone(due, today)
    if not row.dedupe_key.startswith(review_key(course.id, due, "")) or now_reached is None:
        return SKIPPED + "reviewed meanwhile"
    if row.kind == DUE and now_reached == OVERDUE:
        return SKIPPED + "superseded by the overdue reminder"
    return _message(settings, row, _Context(course, due, reviews_needed(session, course_ids=[course.id])),
                    today)


def _message(settings: ReminderSettings, row: Notification, context: _Context,
             today: dt.date) -> EmailMessage:
    course, due = context.course, context.due
    overdue = is_overdue(due, today)
    values = {
        "organisation": settings.organisation_name, "title": course.title, "slug": course.slug,
        "reviewed_on": f"{course.reviewed_on:%-d %B %Y}" if course.reviewed_on else None,
        "every_months": course.review_every_months,
        "due_on": f"{due:%-d %B %Y}" if due else None, "overdue": overdue,
        "days": abs((due - today).days) if due else None,
        "needed": context.needed, "reviews_url": absolute(settings.base_url, REVIEWS_PATH),
        "settings_url": absolute(settings.base_url, f"/admin/courses/{course.slug}/settings"),
    }
    if due is None:
        subject = f"Content review needed: “{course.title}” was never reviewed"
    elif overdue:
        subject = f"Content review overdue: “{course.title}” was due on {due:%-d %B %Y}"
    else:
        subject = f"Content review due: “{course.title}” by {due:%-d %B %Y}"
    environment = template_environment()
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(f"{settings.organisation_name} training", addr_spec=settings.mail_from)
    message["To"] = Address(addr_spec=row.email or "")
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id([row.id], settings)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Trainer-Reminders"] = row.kind
    message.set_content(environment.get_template("review.txt").render(values))
    message.add_alternative(environment.get_template("review.html").render(values), subtype="html")
    return message

