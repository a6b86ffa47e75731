"""The administrators' list of accounts: search, role, department and status filters."""

from __future__ import annotations

import dataclasses

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from trainer.models import User
from trainer.reports.pagination import Page, paginate

STATUSES = ("active", "deactivated", "pseudonymised")


@dataclasses.dataclass(frozen=True)
class AccountFilter:
    text: str = ""  # part of the name or e-mail address
    role: str = ""  # employee | hr | admin
    department_id: int | None = None
    status: str = ""  # one of STATUSES, or "" for all


def list_accounts(session: Session, filters: AccountFilter, page: int, per_page: int = 50) -> Page[User]:
    """Accounts matching every filter, ordered by name."""
    query = select(User).order_by(User.name, User.id).options(
        selectinload(User.hr_departments), selectinload(User.manager))
    text = filters.text.strip()
    if text:
        query = query.where(or_(User.name.icontains(text, autoescape=True),
                                User.email.icontains(text, autoescape=True)))
    if filters.role == "hr":
        query = query.where(User.is_hr.is_(True))
    elif filters.role == "admin":
        query = query.where(User.is_admin.is_(True))
    elif filters.role == "employee":  # employees without another role
        query = query.where(User.is_hr.is_(False), User.is_admin.is_(False))
    if filters.department_id:
        query = query.where(User.department_id == filters.department_id)
    if filters.status == "active":
        query = query.where(User.active.is_(True))
    elif filters.status == "deactivated":
        query = query.where(User.active.is_(False), User.pseudonymised_at.is_(None))
    elif filters.status == "pseudonymised":
        query = query.where(User.pseudonymised_at.is_not(None))
    return paginate(session, query, page, per_page)
