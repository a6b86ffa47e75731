"""In-app notices: the same outbox rows, listed for their recipient and marked read.

A notice is visible from the moment it is planned (weekly-digest readers see it before the
e-mail). Rows delivery skipped (the training was done meanwhile) are hidden and were marked
read when skipped, so the unread count is one indexed COUNT on (user_id, read_at).
Marking read is not audited: it changes nobody's obligations.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import SQLColumnExpression, and_, bindparam, func, literal, not_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from trainer import clock
from trainer.bulk import rowcount
from trainer.models import Notification
from trainer.notify.items import SKIPPED, load_items
from trainer.notify.planning import REMINDER_KINDS
from trainer.notify.wording import headline
from trainer.reports.pagination import Page, paginate

PER_PAGE = 20


@dataclasses.dataclass(frozen=True)
class Notice:
    id: int
    headline: str
    path: str | None  # None: nothing to do on a page (an escalation about someone else)
    next_title: str | None
    created_at: dt.datetime
    read: bool


# The kinds as one bound value each, not a list SQLAlchemy expands into the statement's text
# on every execution (a third of the signed-in person's statement, which every page runs).
_REMINDER_KINDS = [literal(kind) for kind in REMINDER_KINDS]


def unread_count_of(user_id: SQLColumnExpression[int]) -> ScalarSelect[int]:
    """The unread count as a scalar subquery, to be asked along with another query
    (the web layer asks it with the signed-in user, once per request)."""
    return select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None),
        Notification.kind.in_(_REMINDER_KINDS)).scalar_subquery()


# Built once, not per call: building and keying the statement took twice as long as
# SQLite took to answer it.
_UNREAD_COUNT = select(unread_count_of(bindparam("user_id")))


def unread_count(session: Session, user_id: int) -> int:
    """Unread notices of one person: the header badge (one indexed COUNT)."""
    return session.scalar(_UNREAD_COUNT, {"user_id": user_id}) or 0


def list_notices(session: Session, user_id: int, page: int = 1) -> Page[Notice]:
    """A page of the person's notices, newest first, each worded as of the day it was made."""
    query = (select(Notification).where(_visible(user_id))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    rows = paginate(session, query, page, PER_PAGE)
    items = load_items(session, rows.items, clock.today())
    notices = [
        Notice(row.id, headline(item, item.created_on), item.path, item.next_title,
               row.created_at, row.read_at is not None)
        for row, item in zip(rows.items, items, strict=True)
    ]
    return dataclasses.replace(rows, items=notices)


def mark_read(session: Session, user_id: int, notification_id: int) -> bool:
    """Mark one of the person's notices read; False when they have no such notice."""
    row = session.scalar(select(Notification).where(
        Notification.id == notification_id, _visible(user_id)))
    if row is None:
        return False
    if row.read_at is None:
        row.read_at = clock.now()
        session.flush()
    return True


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread notice of the person read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(_visible(user_id), Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) or 0


def _visible(user_id: int) -> ColumnElement[bool]:
    return and_(
        Notification.user_id == user_id,
        Notification.kind.in_(REMINDER_KINDS),
        or_(Notification.last_error.is_(None), not_(Notification.last_error.startswith(SKIPPED))),
    )
