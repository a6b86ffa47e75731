"""Administrators changing accounts: details, roles, HR scope, deactivation.

Two rules keep Trainer administrable: an admin cannot take away their own admin role or
deactivate themselves, and nobody can remove the admin role from (or deactivate) the last
active administrator. Audit events record what changed by id and role only, never names,
e-mail addresses or job roles (see trainer.audit), so pseudonymising a leaver later leaves
the trail as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.models import Department, User
from trainer.people.accounts import (
    AccountError,
    NewUser,
    create_user,
    deactivate_user,
    find_by_email,
    get_or_create_department,
    reactivate_user,
)


@dataclasses.dataclass
class AccountDetails:
    """What an admin edits about a person (e-mail, the login, is not edited here)."""

    name: str
    department: str | None = None
    job_role: str | None = None
    manager_email: str | None = None
    is_hr: bool = False
    is_admin: bool = False
    is_auditor: bool = False
    auditor_until: dt.date | None = None  # the auditor role's last day; None: no end
    # HR sees every department only when chosen; else hr_department_ids (none: nobody).
    hr_all_departments: bool = False
    hr_department_ids: list[int] = dataclasses.field(default_factory=list)


def create_account(session: Session, actor: Actor, email: str, details: AccountDetails,
                   password: str | None) -> User:
    """A new account with the given roles and HR scope (password None: set later by a reset)."""
    roles = ("employee",) + (("hr",) if details.is_hr else ()) + (("admin",) if details.is_admin else ()) \
        + (("auditor",) if details.is_auditor else ())
    user = create_user(session, actor, NewUser(
        email=email, name=details.name, roles=roles, department=details.department,
        job_role=details.job_role, manager_email=details.manager_email, password=password,
        auditor_until=details.auditor_until))
    if details.is_hr:
        user.hr_all_departments = details.hr_all_departments
        chosen = [] if details.hr_all_departments else details.hr_department_ids
        user.hr_departments = _departments(session, chosen) if chosen else []
        session.flush()
        audit.record(session, actor, "user.updated", user, changed=["hr_scope"],
                     before={"hr_scope": []}, after={"hr_scope": _recorded(user)["hr_scope"]})
    return user


def update_account(session: Session, actor: Actor, user: User, details: AccountDetails) -> list[str]:
    """Apply the details; returns the names of the fields that changed (audited before/after)."""
    name = " ".join(details.name.split())
    if not name:
        raise AccountError("Give the person's name.")
    if user.is_admin and not details.is_admin:
        guard_admin_loss(session, actor, user, "remove the admin role from")
    manager = _manager(session, user, details.manager_email)
    before = _recorded(user)
    changed = [field for field, old, new in (("name", user.name, name),
                                              ("job_role", user.job_role, details.job_role or None))
               if old != new]
    user.name, user.job_role = name, details.job_role or None
    user.department = get_or_create_department(session, details.department) if details.department else None
    user.manager = manager
    user.is_hr, user.is_admin = details.is_hr, details.is_admin
    user.is_auditor = details.is_auditor
    user.auditor_until = details.auditor_until if details.is_auditor else None
    user.hr_all_departments = details.is_hr and details.hr_all_departments
    scoped = details.is_hr and not details.hr_all_departments
    user.hr_departments = _departments(session, details.hr_department_ids) if scoped else []
    session.flush()
    after = _recorded(user)
    differing = [key for key in after if before[key] != after[key]]
    changed += differing
    if changed:
        audit.record(session, actor, "user.updated", user, changed=changed,
                     before={k: before[k] for k in differing}, after={k: after[k] for k in differing})
    return changed


def _recorded(user: User) -> dict[str, Any]:
    """The fields whose values audit events may hold: ids and roles."""
    return {"department_id": user.department_id, "manager_id": user.manager_id, "roles": sorted(user.roles),
            "hr_scope": "all" if user.hr_all_departments else sorted(d.id for d in user.hr_departments),
            "auditor_until": user.auditor_until.isoformat() if user.auditor_until else None}


def _manager(session: Session, user: User, email: str | None) -> User | None:
    if not email or not email.strip():
        return None
    manager = find_by_email(session, email)
    if manager is None:
        raise AccountError(f"No account for manager {email.strip()}.")
    refuse_manager_loop(user, manager)
    return manager


def refuse_manager_loop(user: User, manager: User) -> None:
    """AccountError if `manager` is `user` or reports to them, directly or through others."""
    boss: User | None = manager
    seen: set[int] = set()
    while boss is not None and boss.id not in seen:  # a loop in the data must not hang us
        if boss.id == user.id:
            raise AccountError("A person cannot be their own manager, directly or through others.")
        seen.add(boss.id)
        boss = boss.manager


def _departments(session: Session, ids: list[int]) -> list[Department]:
    return list(session.scalars(select(Department).where(Department.id.in_(ids)).order_by(Department.name)))


def deactivate_account(session: Session, actor: Actor, user: User) -> None:
    """Deactivate a leaver (not oneself, not the last active admin); sync closes their assignments."""
    if actor.user_id == user.id:
        raise AccountError("You cannot deactivate your own account.")
    if user.is_admin and user.active:
        guard_admin_loss(session, actor, user, "deactivate")
    deactivate_user(session, actor, user)


def reactivate_account(session: Session, actor: Actor, user: User) -> None:
    """Undo a deactivation; the next sync assigns their training again."""
    reactivate_user(session, actor, user)


def guard_admin_loss(session: Session, actor: Actor, user: User, what: str) -> None:
    """Refuse to take admin rights from oneself or from the last active administrator."""
    if actor.user_id == user.id:
        raise AccountError("You cannot remove your own admin role; ask another administrator.")
    # Lock every active admin row, the target's too: of two admins demoting each other at
    # once, the second waits and then sees the first one's change.
    admins = session.scalars(select(User.id).where(User.is_admin.is_(True), User.active.is_(True))
                             .with_for_update()).all()
    if not [admin_id for admin_id in admins if admin_id != user.id]:
        raise AccountError(f"You cannot {what} the last active administrator; make someone else "
                           "an administrator first.")
