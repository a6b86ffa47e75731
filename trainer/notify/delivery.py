"""Delivering the outbox: claim, re-check, send one digest per recipient, mark.

Protocol (safe when several runs overlap, on SQLite and PostgreSQL alike):
1. Release claims older than MAIL_CLAIM_TIMEOUT_MINUTES (a run that crashed mid-way).
2. For each batch of recipients with due rows: claim the rows with a conditional UPDATE
   (`claimed_by IS NULL AND sent_at IS NULL`), COMMIT, and re-select the rows this run got.
   A concurrent run's UPDATE matches none of them, so no row is ever sent by two runs.
3. Rows that no longer need sending (completed, closed, deactivated, retired, acknowledged)
   are marked skipped: sent_at set, last_error "skipped: <why>", read_at set.
4. Each recipient's remaining reminder rows become one e-mail; each invitation is an e-mail
   of its own (identity/invitations.py builds it, issuing its set-password link just before),
   and so is each content-review reminder to a course's owner (notify/review_reminders.py).
   After the server accepts an e-mail its rows are marked sent and committed at once; a
   refusal (5xx) keeps the error on the rows, counts an attempt and schedules a retry (or
   marks them failed after MAIL_MAX_ATTEMPTS); a temporary failure (4xx, time-out, outage)
   keeps the error and retries later without counting; when the server cannot be reached at
   all, the run stops there.

Unlike other domain functions this one commits: the claim must be visible to other runs
before sending, and "sent" must be durable as soon as the server has the message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.errors
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from functools import partial
from itertools import groupby
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trainer import clock
from trainer.bulk import rowcount
from trainer.identity.invitations import KIND as INVITATION
from trainer.identity.invitations import invitation_email
from trainer.models import Notification
from trainer.notify.compose import compose
from trainer.notify.digest import build_digests
from trainer.notify.items import Item, load_items
from trainer.notify.mailer import DeliveryError, Mailer
from trainer.notify.planning import REMINDER_KINDS
from trainer.notify.review_reminders import KINDS as REVIEW_KINDS
from trainer.notify.review_reminders import review_email
from trainer.notify.schedule import retry_at
from trainer.notify.settings import ReminderSettings

RECIPIENTS_PER_BATCH = 50
MAX_ERROR_LENGTH = 1000


@dataclasses.dataclass
class DeliveryResult:
    sent: int = 0  # outbox rows delivered
    emails: int = 0  # e-mails the server accepted (one per recipient and batch)
    skipped: int = 0  # rows that no longer needed sending
    retrying: int = 0  # rows refused this run, to be retried later
    failed: int = 0  # rows given up on (MAIL_MAX_ATTEMPTS reached): shown to admins
    released: int = 0  # stale claims of a crashed run released
    stopped: str | None = None  # why delivery stopped early (server unreachable)

    @property
    def ok(self) -> bool:
        """Nothing was refused or given up on (a run's exit status follows it)."""
        return not (self.failed or self.retrying)

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.skipped or self.retrying or self.failed or self.released)


DELIVERED_KINDS = (*REMINDER_KINDS, INVITATION, *REVIEW_KINDS)
# Kinds sent as an e-mail of their own, built just before sending (not part of a digest).
OWN_EMAIL_KINDS = (INVITATION, *REVIEW_KINDS)


@dataclasses.dataclass(frozen=True)
class _Outgoing:
    """One e-mail to send: the outbox rows it answers for and how to build it (a message,
    or the reason the rows no longer need sending)."""

    notification_ids: list[int]
    build: Callable[[], EmailMessage | str]


def due_condition(now: dt.datetime) -> ColumnElement[bool]:
    """Rows that may be claimed now: unsent, unclaimed, not waiting for a slot or a retry."""
    n = Notification
    return and_(
        n.sent_at.is_(None), n.failed_at.is_(None), n.claimed_by.is_(None),
        n.channel == "email", n.kind.in_(DELIVERED_KINDS),
        or_(n.send_after.is_(None), n.send_after <= now),
        or_(n.next_attempt_at.is_(None), n.next_attempt_at <= now),
    )


def count_due(session: Session, now: dt.datetime) -> tuple[int, int]:
    """(rows, recipients) that a delivery run would take now."""
    # A review reminder's recipient is an address, not a user.
    recipient = func.coalesce(cast(Notification.user_id, String), Notification.email)
    rows, recipients = session.execute(
        select(func.count(), func.count(recipient.distinct())).where(due_condition(now))
    ).one()
    return rows, recipients


def deliver_due(
    session: Session, mailer: Mailer, settings: ReminderSettings, *, worker: str,
    only: ColumnElement[bool] | None = None,
) -> DeliveryResult:
    """Send every due reminder and invitation once (reminders: one e-mail per recipient and
    batch; `only` narrows the rows, e.g. to one person's invitation); commits as it goes."""
    result = DeliveryResult(released=release_stale_claims(session, settings))
    session.commit()
    for ids in _batches(session, only):
        rows = _claim(session, worker, ids)
        if rows and not _deliver_batch(session, mailer, settings, worker, rows, result):
            break
    return result


def release_stale_claims(session: Session, settings: ReminderSettings) -> int:
    """Unclaim rows a crashed run claimed but never marked; they go out with the next run."""
    cutoff = clock.now() - dt.timedelta(minutes=settings.claim_timeout_minutes)
    n = Notification
    return _update(session, and_(n.claimed_by.is_not(None), n.sent_at.is_(None),
                                 n.failed_at.is_(None), n.claimed_at < cutoff),
                   claimed_by=None, claimed_at=None)


def _batches(session: Session, only: ColumnElement[bool] | None) -> Iterator[list[int]]:
    """Ids of due rows, RECIPIENTS_PER_BATCH recipients at a time (read once, up front)."""
    due = session.execute(
        select(Notification.user_id, Notification.id)
        .where(due_condition(clock.now()), true() if only is None else only)
        .order_by(Notification.user_id, Notification.id)
    ).all()
    by_recipient = [[id_ for _, id_ in group] for _, group in groupby(due, key=lambda row: row[0])]
    for start in range(0, len(by_recipient), RECIPIENTS_PER_BATCH):
        yield [id_ for ids in by_recipient[start:start + RECIPIENTS_PER_BATCH] for id_ in ids]


def _claim(session: Session, worker: str, ids: list[int]) -> list[Notification]:
    """Claim what is still unclaimed, commit, and return the rows this run got."""
    n = Notification
    _update(session, and_(n.id.in_(ids), n.claimed_by.is_(None), n.sent_at.is_(None),
                          n.failed_at.is_(None)),
            claimed_by=worker, claimed_at=clock.now())
    session.commit()
    return list(session.scalars(
        select(n).where(n.id.in_(ids), n.claimed_by == worker, n.sent_at.is_(None),
                        n.failed_at.is_(None))
        .order_by(n.user_id, n.id)
    ))


def _deliver_batch(session: Session, mailer: Mailer, settings: ReminderSettings, worker: str,
                   rows: list[Notification], result: DeliveryResult) -> bool:
    """Send this batch's e-mails; False when the server is unreachable (stop the run)."""
    today = clock.today()
    attempts = {row.id: row.attempts for row in rows}
    invitations = [(row.id, row.user_id or 0) for row in rows if row.kind == INVITATION]
    reviews = [row.id for row in rows if row.kind in REVIEW_KINDS]
    items = load_items(session, [row for row in rows if row.kind not in OWN_EMAIL_KINDS], today)
    result.skipped += _mark_skipped(session, worker, [i for i in items if i.skip])
    outgoing = [_Outgoing(d.notification_ids, partial(compose, d, settings, today))
                for d in build_digests(session, [i for i in items if not i.skip])]
    outgoing += [_Outgoing([id_], partial(invitation_email, session, settings, user_id))
                 for id_, user_id in invitations]
    outgoing += [_Outgoing([id_], partial(review_email, session, settings, id_)) for id_ in reviews]
    session.commit()  # items and digests are plain data: the ORM rows may expire now
    for index, mail in enumerate(outgoing):
        try:
            message = _message(mail)
            if isinstance(message, str):
                result.skipped += _update(session, _mine(worker, mail.notification_ids), sent_at=clock.now(),
                                          last_error=message, read_at=clock.now())
                session.commit()
                continue
            mailer.send(message)
        except DeliveryError as error:
            undelivered = outgoing[index:] if error.connection else [mail]
            for failed in undelivered:
                _mark_failed(session, settings, worker, failed.notification_ids, attempts, error, result)
            session.commit()
            if error.connection:
                result.stopped = error.reason
                return False
            continue
        _update(session, _mine(worker, mail.notification_ids), sent_at=clock.now(),
                attempts=Notification.attempts + 1, last_error=None, next_attempt_at=None)
        session.commit()
        result.sent += len(mail.notification_ids)
        result.emails += 1
    return True


def _message(mail: _Outgoing) -> EmailMessage | str:
    try:
        return mail.build()
    except (ValueError, email.errors.MessageError) as error:  # e.g. an unusable address
        raise DeliveryError(f"could not build the e-mail: {error}", connection=False,
                            permanent=True) from error


def _mark_skipped(session: Session, worker: str, items: list[Item]) -> int:
    now = clock.now()
    for reason, group in groupby(sorted(items, key=lambda i: i.skip or ""), key=lambda i: i.skip):
        _update(session, _mine(worker, [i.id for i in group]), sent_at=now, last_error=reason,
                read_at=func.coalesce(Notification.read_at, now))
    return len(items)


def _mark_failed(session: Session, settings: ReminderSettings, worker: str, ids: list[int],
                 attempts: dict[int, int], error: DeliveryError, result: DeliveryResult) -> None:
    """Keep the error and release the claim. A refusal (5xx) counts an attempt: retry with
    back-off, or give up after MAIL_MAX_ATTEMPTS. A temporary failure (outage, time-out,
    4xx) counts nothing: retry after MAIL_RETRY_MINUTES, for as long as it takes."""
    now = clock.now()
    reason = error.reason[:MAX_ERROR_LENGTH]
    if not error.permanent:
        _update(session, _mine(worker, ids), last_error=reason,
                claimed_by=None, claimed_at=None,
                next_attempt_at=now + dt.timedelta(minutes=settings.retry_minutes))
        result.retrying += len(ids)
        return
    for id_ in ids:
        tries = attempts[id_] + 1
        values: dict[str, Any] = {"attempts": tries, "last_error": reason,
                                  "claimed_by": None, "claimed_at": None}
        if tries >= settings.max_attempts:
            values["failed_at"] = now
            result.failed += 1
        else:
            values["next_attempt_at"] = retry_at(now, tries, settings.retry_minutes)
            result.retrying += 1
        _update(session, _mine(worker, [id_]), **values)


def _mine(worker: str, ids: list[int]) -> ColumnElement[bool]:
    return and_(Notification.id.in_(ids), Notification.claimed_by == worker)


def _update(session: Session, where: ColumnElement[bool], **values: Any) -> int:
    statement = update(Notification).where(where).values(**values)
    result = session.execute(statement.execution_options(synchronize_session=False))
    return rowcount(result) or 0
