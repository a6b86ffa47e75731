"""Invitations: the first e-mail to someone who has never signed in.

An invitation is an outbox row (`Notification`, kind "invitation"), so it is delivered by the
same claim-send-mark protocol as reminders: exactly once, retried with back-off when the mail
server refuses it, listed under Admin → Undelivered e-mail when it fails for good. The
set-password link is a secret, so the row never holds it: delivery asks `invitation_email`,
which issues a fresh single-use link (valid INVITATION_DAYS) just before sending. When the
password sign-in policy does not let the person use a password, the e-mail says how to sign in
with single sign-on instead and carries no link to set one.

When they go out (docs/invitations.md):
- automatically, with every `trainer reminders send` run: each active person who has never
  signed in and has no password (anyone who has never signed in, when passwords are off) and
  was never invited gets one — imported, synced, SCIM-provisioned and admin-created people alike;
- at once when an administrator creates an account, and when HR (or `trainer users invite`)
  sends one again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Select, String, and_, cast, exists, func, literal, null, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from trainer import audit, clock
from trainer.audit import Actor
from trainer.identity.policy import PasswordPolicy
from trainer.models import Notification, User
from trainer.models.base import UTCDateTime
from trainer.notify.account_mail import account_message
from trainer.notify.items import SKIPPED
from trainer.notify.links import absolute
from trainer.notify.planning import insert_planned
from trainer.notify.settings import ReminderSettings
from trainer.people.password_reset import issue_link

KIND = "invitation"
WELCOME_PATH = "/welcome/"  # + the link's secret: the invitation's set-password page (web/auth)
SIGN_IN_PATH = "/login"


@dataclasses.dataclass(frozen=True)
class InvitationState:
    """Where a person stands: "active" (has signed in), "invited" (sent), "queued" (waiting
    to be sent), "failed" (the mail server refused it for good) or "never_signed_in"."""

    state: str
    at: dt.datetime | None = None  # signed in / sent / queued / failed at

    @property
    def label(self) -> str:
        day = f"{self.at:%-d %b %Y}" if self.at else ""
        return {
            "active": f"Active (last signed in {day})",
            "invited": f"Invited on {day}, never signed in",
            "queued": "Invitation waiting to be sent",
            "failed": f"Invitation could not be delivered ({day})",
            "never_signed_in": "Never signed in, not invited",
        }[self.state]


def never_signed_in() -> ColumnElement[bool]:
    """Active people (not pseudonymised) who have never signed in by any method."""
    return and_(User.active.is_(True), User.pseudonymised_at.is_(None),
                User.last_signed_in_at.is_(None))


def plan_invitations(session: Session, policy: PasswordPolicy) -> int:
    """Queue the automatic invitation (once per person, ever) for everyone who needs one:
    never signed in and no password yet — or, with passwords off, never signed in at all.
    Set-based and idempotent (dedupe key "invitation:<id>"); flushes, no commit."""
    wanted = never_signed_in()
    if policy.enabled:
        wanted = and_(wanted, User.password_hash.is_(None))
    earlier = aliased(Notification)
    rows = _rows(literal(f"{KIND}:") + cast(User.id, String)).where(
        wanted, ~exists().where(earlier.user_id == User.id, earlier.kind == KIND))
    return insert_planned(session, rows)


def queue_invitations(session: Session, actor: Actor, who: ColumnElement[bool]) -> int:
    """Invite (again) the people `who` selects among those who never signed in, except those
    whose invitation is still waiting to be sent; returns how many were queued. Audited."""
    waiting = aliased(Notification)
    stamp = secrets.token_hex(6)  # a fresh key for this round of resending
    rows = _rows(literal(f"{KIND}:") + cast(User.id, String) + literal(f":{stamp}")).where(
        never_signed_in(), who, ~exists().where(
            waiting.user_id == User.id, waiting.kind == KIND, waiting.sent_at.is_(None),
            waiting.failed_at.is_(None)))
    ids = list(session.scalars(select(User.id).where(never_signed_in(), who)))
    count = insert_planned(session, rows)
    if count == 1 and len(ids) == 1:
        audit.record(session, actor, "user.invited", session.get(User, ids[0]))
    elif count:
        audit.record(session, actor, "users.invited", count=count)
    session.flush()
    return count


def _rows(key: ColumnElement[str]) -> Select[*tuple[Any, ...]]:
    now = literal(clock.now(), UTCDateTime())
    return select(User.id, null(), null(), null(), literal(KIND), key, literal("email"), now, null(),
                  literal(0))


def invitation_email(session: Session, settings: ReminderSettings, user_id: int) -> EmailMessage | str:
    """The e-mail for one queued invitation — with a new set-password link when the person may
    use a password, else how to sign in with single sign-on — or, as text, why it no longer
    needs sending (the person left or has signed in meanwhile)."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.pseudonymised_at is not None:
        return SKIPPED + "recipient deactivated"
    if user.last_signed_in_at is not None:
        return SKIPPED + "already signed in"
    link = expires = None
    if settings.password_policy.allows(user):
        valid_for = dt.timedelta(days=settings.invitation_days)
        link = absolute(settings.base_url, WELCOME_PATH + issue_link(session, user, KIND, valid_for))
        expires = clock.now() + valid_for
    context = {
        "link": link, "expires_on": f"{expires:%-d %B %Y}" if expires else None,
        "days": settings.invitation_days, "sign_in_url": absolute(settings.base_url, SIGN_IN_PATH),
        "email": user.email, "sso_names": settings.sso_names,
    }
    return account_message(settings, "invitation", name=user.name, email=user.email,
                           subject=f"Your {settings.organisation_name} training account", context=context)


def states(session: Session, people: Sequence[User]) -> dict[int, InvitationState]:
    """Each person's sign-in and invitation state, in one query whatever the number."""
    if not people:
        return {}
    ids = [person.id for person in people]
    latest = (select(Notification.user_id, func.max(Notification.id).label("id"))
              .where(Notification.kind == KIND, Notification.user_id.in_(ids))
              .group_by(Notification.user_id).subquery())
    rows = session.execute(select(Notification).join(latest, Notification.id == latest.c.id)).scalars()
    invitations = {row.user_id: row for row in rows}
    return {person.id: _state(person.last_signed_in_at, invitations.get(person.id)) for person in people}


def _state(last_signed_in: dt.datetime | None, row: Notification | None) -> InvitationState:
    if last_signed_in is not None:
        return InvitationState("active", last_signed_in)
    if row is None:
        return InvitationState("never_signed_in")
    if row.failed_at is not None:
        return InvitationState("failed", row.failed_at)
    if row.sent_at is None:
        return InvitationState("queued", row.created_at)
    if row.last_error and row.last_error.startswith(SKIPPED):
        return InvitationState("never_signed_in")
    return InvitationState("invited", row.sent_at)
