"""The audit trail for administrators: filtered, paginated, with actors' names resolved.

Events name people by id only; names are looked up at display time (trainer.people.directory),
so a pseudonymised person shows under their pseudonym.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.ints import parse_int
from trainer.models import AuditEvent
from trainer.people.accounts import find_by_email
from trainer.reports.pagination import Page, paginate

# Actors that are not people (see trainer.audit.Actor).
ACTOR_LABELS = ("cli", "system", "anonymous")


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    actor_label: str | None = None
    action: str = ""  # a prefix: "user." finds user.created, user.updated, ...
    target_type: str = ""
    target_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


class UnknownActor(ValueError):
    """The actor filter names nobody."""


def actor_filter(session: Session, text: str) -> tuple[int | None, str | None]:
    """(user id, label) for what was typed: a user id, an e-mail address, or cli/system/anonymous."""
    text = text.strip()
    if not text:
        return None, None
    if text.isdigit():
        user_id = parse_int(text)
        if user_id is None:
            raise UnknownActor(f"No account with id {text}.")
        return user_id, None
    if text.lower() in ACTOR_LABELS:
        return None, text.lower()
    user = find_by_email(session, text)
    if user is None:
        raise UnknownActor(f"No account for {text}.")
    return user.id, None


def search_events(session: Session, filters: AuditFilter, page: int, per_page: int = 50) -> Page[AuditEvent]:
    """Events matching every filter given, newest first."""
    return paginate(session, _query(filters), page, per_page)


def _query(filters: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.actor_label:
        query = query.where(AuditEvent.actor_label == filters.actor_label, AuditEvent.actor_id.is_(None))
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.target_type:
        query = query.where(AuditEvent.target_type == filters.target_type)
    if filters.target_id:
        query = query.where(AuditEvent.target_id == filters.target_id)
    if filters.since:
        query = query.where(AuditEvent.at >= _midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.at < _midnight(filters.until + dt.timedelta(days=1)))
    return query


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def target_types(session: Session) -> list[str]:
    """The kinds of record events point at, for the filter's choices."""
    return sorted(t for t in session.scalars(select(AuditEvent.target_type).distinct()) if t)


@dataclasses.dataclass(frozen=True)
class ChainCheck:
    events: int
    broken: AuditEvent | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def check_chain(session: Session) -> ChainCheck:
    """Verify the whole hash chain (reads every event: run on request, not on every page view)."""
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return ChainCheck(events=count, broken=audit.verify_chain(session))
