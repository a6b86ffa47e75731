"""The outbox as administrators see it: deliveries that failed for good, and retrying them."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.bulk import rowcount
from trainer.models import Notification, User
from trainer.reports.pagination import Page, paginate


@dataclasses.dataclass(frozen=True)
class FailedDelivery:
    id: int
    recipient_name: str
    recipient_email: str
    kind: str
    attempts: int
    last_error: str
    failed_at: dt.datetime


def failed_deliveries(session: Session, page: int = 1) -> Page[FailedDelivery]:
    """E-mails given up on after MAIL_MAX_ATTEMPTS, most recent first."""
    query = (select(Notification).where(Notification.failed_at.is_not(None))
             .order_by(Notification.failed_at.desc(), Notification.id.desc()))
    rows = paginate(session, query, page)
    people = dict(
        (id_, (name, email)) for id_, name, email in session.execute(
            select(User.id, User.name, User.email).where(User.id.in_({r.user_id for r in rows.items
                                                                      if r.user_id})))
    )
    items = [
        FailedDelivery(r.id, *_recipient(r, people), r.kind, r.attempts, r.last_error or "", r.failed_at)
        for r in rows.items if r.failed_at is not None
    ]
    return dataclasses.replace(rows, items=items)


def _recipient(row: Notification, people: dict[int, tuple[str, str]]) -> tuple[str, str]:
    """(name, address); a review reminder goes to an address that need not be a user's."""
    if row.user_id is not None and row.user_id in people:
        return people[row.user_id]
    return row.email or "", row.email or ""


def retrying_count(session: Session) -> int:
    """Unsent e-mails that were refused at least once and wait for another attempt."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.sent_at.is_(None), Notification.failed_at.is_(None),
        Notification.attempts > 0)) or 0


def retry_delivery(session: Session, actor: Actor, notification_id: int) -> bool:
    """Give a failed e-mail a fresh set of attempts with the next run; False if not failed."""
    row = session.get(Notification, notification_id)
    if row is None or row.failed_at is None:
        return False
    # The last error stays visible until a later attempt succeeds.
    row.failed_at = row.next_attempt_at = row.claimed_by = row.claimed_at = None
    row.attempts = 0
    session.flush()
    audit.record(session, actor, "notification.retried", row, recipient_id=row.user_id,
                 kind=row.kind, last_error=row.last_error)
    return True


def retry_all_failed(session: Session, actor: Actor) -> int:
    """Retry every failed e-mail; returns how many."""
    result = session.execute(
        update(Notification).where(Notification.failed_at.is_not(None))
        .values(failed_at=None, attempts=0, next_attempt_at=None, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    count = rowcount(result) or 0
    if count:
        audit.record(session, actor, "notification.retried_all", count=count)
    return count
