"""Which people an HR user may see: every department, or only those in their scope.

The scope fails closed: every department only when that was chosen explicitly
(`User.hr_all_departments`); an HR user limited to departments with none ticked sees
nobody, and so does anyone without the HR role.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVarTuple

from sqlalchemy import Select, false, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trainer.models import User, hr_scope
from trainer.people.signed_in import SignedIn

Columns = TypeVarTuple("Columns")


def visible_department_ids(session: Session, viewer: User | SignedIn) -> set[int] | None:
    """None means every department; a set limits HR, and may be empty (admins and auditors
    see everyone; someone who is not HR sees no department)."""
    if viewer.is_admin or "auditor" in viewer.roles:
        return None
    if not viewer.is_hr:
        return set()
    if viewer.hr_all_departments:
        return None
    return set(session.scalars(select(hr_scope.c.department_id).where(hr_scope.c.user_id == viewer.id)))


def restrict_to_scope(query: Select[*Columns], department_ids: set[int] | None) -> Select[*Columns]:
    """Limit a query over User to the departments an HR user may see."""
    if department_ids is None:
        return query
    return query.where(in_scope(department_ids))


def in_scope(department_ids: Collection[int] | None) -> ColumnElement[bool]:
    """The condition over User behind restrict_to_scope (None: everyone)."""
    if department_ids is None:
        return true()
    if not department_ids:
        return false()
    return User.department_id.in_(department_ids)
