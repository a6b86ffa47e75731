"""Sending invitations now (an administrator creates an account, HR or the CLI resends):
queue them in the outbox (identity/invitations.py), then deliver just those rows at once with
the outbox's own protocol, so a refused e-mail is retried by the next reminder run."""

from __future__ import annotations

import dataclasses

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from trainer.audit import Actor
from trainer.identity.invitations import KIND, never_signed_in, queue_invitations
from trainer.models import Notification, User
from trainer.notify.delivery import DeliveryResult, deliver_due
from trainer.notify.mailer import MailNotConfigured, open_mailer
from trainer.notify.run import worker_id
from trainer.notify.settings import ReminderSettings


@dataclasses.dataclass(frozen=True)
class Invited:
    queued: int  # invitations put in the outbox now
    delivery: DeliveryResult  # what sending them at once did

    @property
    def retrying(self) -> bool:
        """Some could not be sent now; the reminder runs retry them."""
        return bool(self.delivery.retrying or self.delivery.failed or self.delivery.stopped)


def invitable(session: Session, who: ColumnElement[bool]) -> int:
    """How many of the people `who` selects have never signed in (whom inviting would reach,
    counting those whose invitation is still waiting)."""
    return session.scalar(select(func.count()).select_from(User).where(never_signed_in(), who)) or 0


def invite(session: Session, settings: ReminderSettings, actor: Actor, who: ColumnElement[bool]) -> Invited:
    """Queue an invitation for everyone `who` selects who never signed in, commit, and send
    those people's waiting invitations now. Commits (delivery must)."""
    queued = queue_invitations(session, actor, who)
    session.commit()
    mine = and_(Notification.kind == KIND, Notification.user_id.in_(
        select(User.id).where(never_signed_in(), who)))
    try:
        with open_mailer(settings) as mailer:
            delivery = deliver_due(session, mailer, settings, worker=worker_id(), only=mine)
    except MailNotConfigured as error:  # production without a mail server: queued, not sent
        delivery = DeliveryResult(stopped=str(error))
    return Invited(queued, delivery)


def waiting(session: Session, who: ColumnElement[bool]) -> int:
    """Invitations of these people queued but not sent yet (e.g. refused, to be retried)."""
    row = aliased(Notification)
    return session.scalar(select(func.count()).select_from(User).where(who, exists().where(
        row.user_id == User.id, row.kind == KIND, row.sent_at.is_(None), row.failed_at.is_(None)))) or 0
