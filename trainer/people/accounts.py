"""Accounts: creating people, signing in, passwords, roles, deactivation.

Functions take a session and an Actor, flush, record the audit event, and leave the commit
to the caller (the request or CLI command).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.identity.policy import PasswordPolicy
from trainer.models import ROLES, Department, PasswordResetToken, User
from trainer.security import hash_password, needs_rehash, password_problem, verify_password


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    """Validate syntax (no DNS lookups) and return the address lower-cased."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not a valid e-mail address: {error}") from None
    return result.normalized.lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get_or_create_department(session: Session, name: str) -> Department:
    name = " ".join(name.split())
    department = session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    return department


@dataclasses.dataclass
class NewUser:
    email: str
    name: str
    roles: tuple[str, ...] = ("employee",)
    department: str | None = None
    job_role: str | None = None
    manager_email: str | None = None
    password: str | None = None
    # The auditor role's last day (None: until an administrator removes it).
    auditor_until: dt.date | None = None


def create_user(session: Session, actor: Actor, new: NewUser) -> User:
    """Create an account. Raises AccountError for a taken e-mail, bad role or weak password."""
    email = normalise_email(new.email)
    if find_by_email(session, email):
        raise AccountError(f"There is already an account for {email}.")
    unknown = set(new.roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role {sorted(unknown)[0]!r}; roles are {', '.join(ROLES)}.")
    user = User(
        email=email,
        name=" ".join(new.name.split()),
        is_hr="hr" in new.roles,
        is_admin="admin" in new.roles,
        is_auditor="auditor" in new.roles,
        auditor_until=new.auditor_until if "auditor" in new.roles else None,
        job_role=new.job_role or None,
        active=True,
    )
    if new.department:
        user.department = get_or_create_department(session, new.department)
    if new.manager_email:
        user.manager = _existing_manager(session, new.manager_email)
    if new.password is not None:
        _check_password(new.password, email, new.name)
        user.password_hash = hash_password(new.password)
        user.password_changed_at = clock.now()
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", user, roles=sorted(user.roles),
                 department_id=user.department_id)
    return user


def _existing_manager(session: Session, email: str) -> User:
    manager = find_by_email(session, email)
    if manager is None:
        raise AccountError(f"No account for manager {email}.")
    return manager


def _check_password(password: str, email: str, name: str) -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem)


def authenticate(session: Session, email: str, password: str, ip: str | None,
                 policy: PasswordPolicy | None = None) -> User | None:
    """The user when e-mail and password match an active account the password sign-in
    policy lets in, else None.

    The caller shows one message for every failure, so nobody learns which addresses
    have accounts (or are break-glass administrators). Both outcomes are audited.
    """
    user = find_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is not None and ok and policy is not None and not policy.allows(user):
        audit.record(session, Actor.anonymous(ip), "auth.failed", user, reason="password_sign_in_off",
                     email_digest=audit.email_digest(email))
        return None
    if user is None or not ok or not user.active:
        reason = "unknown" if user is None else ("inactive" if ok else "password")
        audit.record(session, Actor.anonymous(ip), "auth.failed", user, reason=reason,
                     email_digest=audit.email_digest(email))
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = clock.now()
    audit.record(session, Actor.user(user.id, ip), "auth.signed_in", user)
    return user


def set_password(session: Session, actor: Actor, user: User, password: str) -> None:
    """Change a password, end every session the user has open and void every reset link
    still out (a link mailed before the change must not undo it)."""
    _check_password(password, user.email, user.name)
    now = clock.now()
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.session_version += 1
    session.execute(update(PasswordResetToken)
                    .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
                    .values(used_at=now))
    session.flush()
    audit.record(session, actor, "user.password_changed", user)


def sign_out(session: Session, actor: Actor, user: User) -> None:
    """Signing out ends the session for good: the bumped session version makes every cookie
    issued before it (a copy taken from this browser, another device) worthless."""
    user.session_version += 1
    session.flush()
    audit.record(session, actor, "auth.signed_out", user)


def deactivate_user(session: Session, actor: Actor, user: User) -> None:
    """A leaver: signed out everywhere, no sign-in, no assignments; evidence is kept.

    The next assignment sync closes their open assignments with the reason "deactivated".
    """
    if not user.active:
        return
    user.active = False
    user.deactivated_at = clock.now()
    user.session_version += 1
    session.flush()
    audit.record(session, actor, "user.deactivated", user)


def reactivate_user(session: Session, actor: Actor, user: User) -> None:
    """Undo a deactivation (before pseudonymisation); assignments return at the next sync."""
    if user.active:
        return
    if user.pseudonymised_at is not None:
        raise AccountError("This account was pseudonymised and cannot be reactivated.")
    user.active = True
    user.deactivated_at = None
    session.flush()
    audit.record(session, actor, "user.reactivated", user)
