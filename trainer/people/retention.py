"""Retention: what Trainer stops keeping about people, and when.

- People deactivated more than RETENTION_DAYS ago are pseudonymised: name and e-mail are
  replaced, and data without a purpose any more (password hash, calendar token, manager,
  hiring date, HR scope, the SCIM link with the identity provider's names for them) is
  removed. Their training evidence stays, under the pseudonym. Courses they owned lose their
  owner (the content review asks for a new one).
- IP addresses in the audit trail older than AUDIT_IP_DAYS are cut to their network
  (/24 or /48), which keeps the hash chain valid (see trainer.audit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor, ip_prefix
from trainer.content.review import forget_owner
from trainer.models import AuditEvent, Course, Notification, ScimLink, SsoIdentity, User, hr_scope

PSEUDONYM_DOMAIN = "pseudonymised.invalid"


@dataclasses.dataclass(frozen=True)
class RetentionResult:
    pseudonymised: list[int]
    ips_truncated: int

    def summary(self) -> str:
        return (f"{len(self.pseudonymised)} former employees pseudonymised, "
                f"{self.ips_truncated} audit IP addresses cut to their network")


def apply_retention(
    session: Session, actor: Actor, today: dt.date, *, retention_days: int, ip_days: int,
    dry_run: bool = False,
) -> RetentionResult:
    """Pseudonymise long-gone leavers and truncate old audit IPs (nothing written if dry_run)."""
    leavers = due_for_pseudonymisation(session, today, retention_days)
    old_events = _events_with_full_ips(session, today - dt.timedelta(days=ip_days))
    if not dry_run:
        for user in leavers:
            pseudonymise(session, actor, user)
        for event in old_events:
            event.ip = ip_prefix(event.ip)
        session.flush()
    return RetentionResult([u.id for u in leavers], len(old_events))


def due_for_pseudonymisation(session: Session, today: dt.date, retention_days: int) -> list[User]:
    cutoff = dt.datetime.combine(today - dt.timedelta(days=retention_days), dt.time(0, 0), tzinfo=dt.UTC)
    return list(session.scalars(
        select(User).where(User.active.is_(False), User.pseudonymised_at.is_(None),
                           User.deactivated_at.is_not(None), User.deactivated_at < cutoff)
        .order_by(User.id)
    ))


def pseudonymise(session: Session, actor: Actor, user: User) -> None:
    """Replace what identifies `user`; keep their training evidence under the pseudonym."""
    tag = secrets.token_hex(4).upper()
    _forget_course_ownership(session, actor, user.email, f"former-{tag.lower()}-{user.id}@{PSEUDONYM_DOMAIN}")
    user.name = f"Former employee {tag}"
    user.email = f"former-{tag.lower()}-{user.id}@{PSEUDONYM_DOMAIN}"
    user.password_hash = None
    user.calendar_token_hash = None
    user.manager_id = None
    user.hired_on = None
    user.job_role = None
    user.employee_id = None
    user.pseudonymised_at = clock.now()
    user.session_version += 1
    session.execute(delete(hr_scope).where(hr_scope.c.user_id == user.id))
    # The identity provider's ids for the person would name them again.
    session.execute(delete(SsoIdentity).where(SsoIdentity.user_id == user.id))
    # And their SCIM resource: SCIM answers 404 for it from then on.
    session.execute(delete(ScimLink).where(ScimLink.user_id == user.id))
    for report in session.scalars(select(User).where(User.manager_id == user.id)):
        report.manager_id = None
    session.flush()
    audit.record(session, actor, "user.pseudonymised", user)


def _forget_course_ownership(session: Session, actor: Actor, address: str, pseudonym: str) -> None:
    """A course's owner is an address, not a user: courses the person owned lose their owner
    (the review list asks for a new one), and review reminders sent to them keep the pseudonym."""
    old = address.strip().lower()
    for course in session.scalars(select(Course).where(func.lower(Course.owner) == old)):
        forget_owner(session, actor, course, "owner pseudonymised")
    session.execute(update(Notification).where(func.lower(Notification.email) == old)
                    .values(email=pseudonym).execution_options(synchronize_session=False))


def _events_with_full_ips(session: Session, before: dt.date) -> list[AuditEvent]:
    cutoff = dt.datetime.combine(before, dt.time(0, 0), tzinfo=dt.UTC)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.at < cutoff, AuditEvent.ip.is_not(None),
                                 AuditEvent.ip.not_like("%/%"))
    ).all()
    return [e for e in events if e.ip != ip_prefix(e.ip)]
