"""One reminder run, as cron starts it: plan what is due (and the first invitations of people
who never signed in), then deliver it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import socket

from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.identity.invitations import plan_invitations
from trainer.models import Notification
from trainer.notify.delivery import DeliveryResult, count_due, deliver_due
from trainer.notify.mailer import MailNotConfigured, open_mailer
from trainer.notify.planning import PlanResult, plan_reminders
from trainer.notify.review_reminders import KINDS as REVIEW_KINDS
from trainer.notify.review_reminders import plan_review_reminders
from trainer.notify.settings import ReminderSettings


@dataclasses.dataclass(frozen=True)
class RunSummary:
    day: dt.date
    planned: PlanResult
    delivery: DeliveryResult
    dry_run: bool = False
    due: tuple[int, int] = (0, 0)  # dry run: (rows, recipients) that would be sent
    invitations: int = 0  # first invitations queued for people who never signed in

    @property
    def ok(self) -> bool:
        """Nothing was refused or left undelivered because of an error."""
        return self.delivery.ok

    def text(self) -> str:
        day = self.day.isoformat()
        if self.dry_run:
            rows, recipients = self.due
            return (f"Dry run for {day}: {self.planned.total} reminders would be planned"
                    f"{self._invitations(' would be queued')}; {rows} would be sent in "
                    f"{_emails(recipients)}. Nothing was saved or sent.")
        d = self.delivery
        lines = [f"Reminders for {day}: {self.planned.total} planned{self._invitations(' queued')}, "
                 f"{d.sent} sent in "
                 f"{_emails(d.emails)}, {d.skipped} skipped, {d.failed} failed, {d.retrying} to retry."]
        if d.released:
            lines.append(f"Released {d.released} reminders claimed by a run that did not finish.")
        if d.stopped:
            lines.append(f"Delivery stopped: the mail server could not be used ({d.stopped}).")
        return "\n".join(lines)

    def _invitations(self, verb: str) -> str:
        if not self.invitations:
            return ""
        return f" (and {self.invitations} invitation{'s' if self.invitations != 1 else ''}{verb})"


def send_reminders(
    session: Session, settings: ReminderSettings, today: dt.date, *,
    dry_run: bool = False, actor: Actor | None = None, worker: str | None = None,
) -> RunSummary:
    """Plan and deliver (commits); a dry run plans, counts and rolls everything back.

    Raises MailNotConfigured before planning anything when no e-mail may be sent at all.
    """
    if settings.mail_unavailable and not dry_run:
        raise MailNotConfigured(settings.mail_unavailable)
    actor = actor or Actor.system()
    planned = plan_reminders(session, today, settings, actor=actor)
    invitations = plan_invitations(session, settings.password_policy)
    if dry_run:
        due = count_due(session, clock.now())
        session.rollback()
        return RunSummary(today, planned, DeliveryResult(), dry_run=True, due=due, invitations=invitations)
    session.commit()
    with open_mailer(settings) as mailer:
        delivery = deliver_due(session, mailer, settings, worker=worker or worker_id())
    if delivery.anything:
        audit.record(session, actor, "reminders.delivered", on=today.isoformat(),
                     **dataclasses.asdict(delivery))
        session.commit()
    return RunSummary(today, planned, delivery, invitations=invitations)


def worker_id() -> str:
    """Names this run in claimed_by: host, process and a random part (unique per run)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _emails(count: int) -> str:
    return "1 e-mail" if count == 1 else f"{count} e-mails"


@dataclasses.dataclass(frozen=True)
class ReviewRun:
    day: dt.date
    planned: int
    delivery: DeliveryResult
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.delivery.ok

    def text(self) -> str:
        day = self.day.isoformat()
        if self.dry_run:
            return (f"Dry run for {day}: {self.planned} review reminder(s) would be planned. "
                    "Nothing was saved or sent.")
        d = self.delivery
        text = (f"Review reminders for {day}: {self.planned} planned, {d.sent} sent, {d.skipped} skipped, "
                f"{d.failed} failed, {d.retrying} to retry.")
        stopped = f"\nDelivery stopped: the mail server could not be used ({d.stopped})." if d.stopped else ""
        return text + stopped


def send_review_reminders(session: Session, settings: ReminderSettings, today: dt.date, *,
                          dry_run: bool = False, actor: Actor | None = None) -> ReviewRun:
    """Plan today's review reminders and deliver the review reminders due (commits); a dry
    run plans, counts and rolls back. Raises MailNotConfigured when no e-mail may be sent."""
    if settings.mail_unavailable and not dry_run:
        raise MailNotConfigured(settings.mail_unavailable)
    planned = plan_review_reminders(session, today, actor=actor)
    if dry_run:
        session.rollback()
        return ReviewRun(today, planned, DeliveryResult(), dry_run=True)
    session.commit()
    with open_mailer(settings) as mailer:
        delivery = deliver_due(session, mailer, settings, worker=worker_id(),
                               only=Notification.kind.in_(REVIEW_KINDS))
    if delivery.anything:
        audit.record(session, actor or Actor.system(), "reviews.delivered", on=today.isoformat(),
                     **dataclasses.asdict(delivery))
        session.commit()
    return ReviewRun(today, planned, delivery)
