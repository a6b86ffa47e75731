"""A personal calendar feed of due dates behind a secret URL.

Turning the feed on creates a random token that is shown once (as a URL); only its sha256
is stored in User.calendar_token_hash. Regenerating replaces it, revoking clears it. The
feed has one all-day event per open assignment, on its due date.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.models import Assignment, User
from trainer.security import hash_token, new_token


def enable_feed(session: Session, actor: Actor, user: User) -> str:
    """Turn the feed on (or give it a new secret); returns the token, which is not kept."""
    token = new_token()
    regenerated = user.calendar_token_hash is not None
    user.calendar_token_hash = hash_token(token)
    session.flush()
    audit.record(session, actor, "calendar_feed.regenerated" if regenerated else "calendar_feed.enabled",
                 user)
    return token


def revoke_feed(session: Session, actor: Actor, user: User) -> None:
    """Turn the feed off: the old URL stops working at once."""
    if user.calendar_token_hash is None:
        return
    user.calendar_token_hash = None
    session.flush()
    audit.record(session, actor, "calendar_feed.revoked", user)


def user_for_token(session: Session, token: str) -> User | None:
    """The active person whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).where(User.calendar_token_hash == hash_token(token)))
    if user is None or not user.active:
        return None
    return user


def feed_ics(session: Session, user: User, base_url: str, now: dt.datetime) -> bytes:
    """iCalendar with one all-day event per open assignment's due date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Trainer//Training due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Training due dates")
    base = base_url.rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0] or "trainer"
    for assignment in _open_assignments(session, user.id):
        calendar.add_component(_event(assignment, base, host, now))
    return calendar.to_ical()


def _open_assignments(session: Session, user_id: int) -> list[Assignment]:
    return list(session.scalars(
        select(Assignment)
        .where(Assignment.user_id == user_id, Assignment.current.is_(True),
               Assignment.completed_on.is_(None), Assignment.closed_on.is_(None))
        .order_by(Assignment.due_on)
    ))


def _event(assignment: Assignment, base: str, host: str, now: dt.datetime) -> Event:
    url = f"{base}/courses/{assignment.course.slug}"
    event = Event()
    event.add("uid", f"assignment-{assignment.id}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", assignment.due_on)
    event.add("dtend", assignment.due_on + dt.timedelta(days=1))
    event.add("summary", f"Training due: {assignment.course.title}")
    event.add("description", f"Complete {assignment.course.title} by this date: {url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event
