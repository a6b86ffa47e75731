"""Find (or create) the person an identity provider has vouched for, and keep them in step.

Order: the stored subject (issuer + sub / NameID) first, then a verified e-mail address,
then — only when turned on, and only for allowed domains — a new account. Profile claims
update the person unless privileged.py refuses (HR and admin accounts are changed in
Trainer, not by an identity provider). Roles come only from an explicit group→role mapping,
and only the roles it names are granted or taken away.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.identity.claims import SignInRefused, VerifiedIdentity
from trainer.identity.settings import MatchingSettings
from trainer.models import SsoIdentity, User
from trainer.people.account_changes import guard_admin_loss
from trainer.people.accounts import (
    AccountError,
    NewUser,
    create_user,
    find_by_email,
    get_or_create_department,
)
from trainer.people.privileged import Authority, Channel, refusal

NOT_ACTIVE = "Your Trainer account is not active. Ask HR if you think this is a mistake."


@dataclasses.dataclass(frozen=True)
class SignInResult:
    user: User
    created: bool
    # Department or job role changed, or roles: the caller re-syncs this person's assignments.
    needs_sync: bool


def sign_in(session: Session, identity: VerifiedIdentity, settings: MatchingSettings,
            ip: str | None) -> SignInResult:
    """The active person for `identity`, updated from its claims; SignInRefused otherwise."""
    link = _link(session, identity)
    created = False
    if link is not None:
        user = session.get_one(User, link.user_id)
    else:
        found = _by_verified_email(session, identity)
        if found is None:
            found, created = _create(session, identity, settings, ip), True
        user = found
        if identity.subject is not None:
            link = SsoIdentity(user_id=user.id, protocol=identity.protocol, issuer=identity.issuer,
                               subject=identity.subject)
            session.add(link)
    if not user.active:
        raise SignInRefused("inactive", NOT_ACTIVE)
    changed = [] if created else _update_profile(session, user, identity)
    changed += _sync_roles(session, user, identity, settings)
    user.last_signed_in_at = clock.now()
    if link is not None:
        link.last_sign_in_at = user.last_signed_in_at
    session.flush()
    actor = Actor.user(user.id, ip)
    if changed:
        audit.record(session, actor, "user.updated", user, fields=sorted(changed), by=identity.protocol)
    audit.record(session, actor, "auth.signed_in", user, method=identity.protocol)
    return SignInResult(user, created, needs_sync=created or bool(set(changed) & {"department", "job_role"}))


def _link(session: Session, identity: VerifiedIdentity) -> SsoIdentity | None:
    if identity.subject is None:
        return None
    return session.scalar(select(SsoIdentity).where(SsoIdentity.issuer == identity.issuer,
                                                    SsoIdentity.subject == identity.subject))


def record_refusal(session: Session, protocol: str, reason: str, ip: str | None,
                   email: str | None = None) -> None:
    """Audit a refused sign-in (the web layer commits it)."""
    details: dict[str, str] = {"method": protocol, "reason": reason}
    if email:
        details["email_digest"] = audit.email_digest(email)
    audit.record(session, Actor.anonymous(ip), "auth.failed", None, **details)


def _by_verified_email(session: Session, identity: VerifiedIdentity) -> User | None:
    if not identity.email:
        raise SignInRefused("no_email", "The identity provider did not send an e-mail address, so "
                                        "Trainer cannot tell who you are. Ask your administrator.")
    if not identity.email_verified:
        raise SignInRefused("email_unverified", "The identity provider has not verified your e-mail "
                                                "address, so Trainer cannot match it to an account.")
    user = find_by_email(session, identity.email)
    if user is None:
        return None
    other = session.scalar(select(func.count()).select_from(SsoIdentity).where(
        SsoIdentity.user_id == user.id, SsoIdentity.issuer == identity.issuer))
    if other and identity.subject is not None:
        # Someone else at the same provider already signs in to this account (a recycled
        # address, or a renamed account): an administrator must sort it out.
        raise SignInRefused("subject_conflict", "Your Trainer account is linked to a different "
                                                "account at the identity provider. Ask your administrator.")
    return user


def _create(session: Session, identity: VerifiedIdentity, settings: MatchingSettings,
            ip: str | None) -> User:
    assert identity.email  # _by_verified_email refused otherwise
    if not settings.create_accounts or not settings.domain_allowed(identity.email):
        raise SignInRefused("no_account", "There is no Trainer account for your e-mail address. "
                                          "Ask HR to add you.")
    new = NewUser(email=identity.email, name=identity.name or identity.email.split("@")[0],
                  department=identity.department, job_role=identity.job_role)
    try:
        user = create_user(session, Actor.anonymous(ip), new)
    except AccountError as error:
        raise SignInRefused("create_failed", f"Trainer could not create your account: {error}") from None
    if identity.employee_id and not _employee_id_taken(session, identity.employee_id, user):
        user.employee_id = identity.employee_id
    session.flush()
    return user


def _update_profile(session: Session, user: User, identity: VerifiedIdentity) -> list[str]:
    """Copy the mapped claims that differ; nothing for HR or admin accounts."""
    if refusal(Authority.of(Channel.SSO, None), user) is not None:
        return []
    changed = []
    if identity.name and identity.name != user.name:
        user.name = identity.name
        changed.append("name")
    if identity.job_role and identity.job_role != user.job_role:
        user.job_role = identity.job_role
        changed.append("job_role")
    if identity.department and (user.department is None or user.department.name != identity.department):
        user.department = get_or_create_department(session, identity.department)
        changed.append("department")
    if (identity.employee_id and identity.employee_id != user.employee_id
            and not _employee_id_taken(session, identity.employee_id, user)):
        user.employee_id = identity.employee_id
        changed.append("employee_id")
    if (identity.email and identity.email_verified and identity.email != user.email
            and find_by_email(session, identity.email) is None):
        user.email = identity.email
        changed.append("email")
    return changed


def _employee_id_taken(session: Session, employee_id: str, user: User) -> bool:
    taken = select(User.id).where(User.employee_id == employee_id, User.id != user.id)
    return session.scalar(taken) is not None


def _sync_roles(session: Session, user: User, identity: VerifiedIdentity,
                settings: MatchingSettings) -> list[str]:
    """Grant or withdraw exactly the roles the group mapping names; never the last admin."""
    wanted = {settings.group_roles[group] for group in identity.groups if group in settings.group_roles}
    changed = []
    for role in sorted(set(settings.group_roles.values())):
        has = user.has_role(role)
        if has == (role in wanted):
            continue
        if has and role == "admin":
            try:
                guard_admin_loss(session, Actor.system(), user, "take the admin role from")
            except AccountError:
                continue
        setattr(user, f"is_{role}", not has)
        changed.append(f"role:{role}")
    return changed
