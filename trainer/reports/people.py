"""Lists of people for HR and admins: search, department filter, scope."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trainer.models import User
from trainer.people.scope import restrict_to_scope
from trainer.reports.pagination import Page, paginate


def search_people(
    session: Session,
    *,
    scope: set[int] | None,
    text: str = "",
    department_id: int | None = None,
    include_inactive: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> Page[User]:
    """People matching `text` (name or e-mail, case-insensitive), ordered by name."""
    query = select(User).order_by(User.name, User.id)
    query = restrict_to_scope(query, scope)
    if text.strip():
        pattern = "%" + _escape_like(text.strip().lower()) + "%"
        query = query.where(
            or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
        )
    if department_id:
        query = query.where(User.department_id == department_id)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return paginate(session, query, page, per_page)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
