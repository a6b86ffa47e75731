"""People: departments, users, their roles and HR scopes."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer import clock
from trainer.models.base import Base

ROLES = ("employee", "hr", "admin", "auditor")

# The departments an HR user sees, unless `User.hr_all_departments` (none: no department).
hr_scope = Table(
    "hr_scope",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


def roles_of(is_hr: bool, is_admin: bool, is_auditor: bool, auditor_until: dt.date | None) -> set[str]:
    """The one rule on a person's roles: everyone is an employee; the auditor role ends by
    itself after `auditor_until`."""
    roles = {"employee"}
    if is_hr:
        roles.add("hr")
    if is_admin:
        roles.add("admin")
    if is_auditor and (auditor_until is None or clock.today() <= auditor_until):
        roles.add("auditor")
    return roles


class User(UserMixin, Base):
    """A member of staff. Everyone is an employee; hr, admin and auditor are extra roles.

    Only what training needs is kept: no phone, no address, no birth date.
    """

    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_department_active", "department_id", "active"),
        Index("ix_users_manager", "manager_id"),
        # HR lists and exports are ordered by name.
        Index("ix_users_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The HR system's own key for the person (imports, SSO claims, SCIM externalId). Matched
    # before e-mail, so a changed address updates the same person.
    employee_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    job_role: Mapped[str | None] = mapped_column(String(120), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_hr: Mapped[bool] = mapped_column(default=False)
    # HR sees every department only when this is chosen; otherwise the departments in
    # hr_scope, and with none of them, nothing (scope fails closed).
    hr_all_departments: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Read-only access to HR figures, lists, exports and the audit log (an internal or
    # external auditor); from the day after `auditor_until` the role is gone by itself.
    is_auditor: Mapped[bool] = mapped_column(default=False)
    auditor_until: Mapped[dt.date | None]
    active: Mapped[bool] = mapped_column(default=True)
    hired_on: Mapped[dt.date | None]
    locale: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    deactivated_at: Mapped[dt.datetime | None]
    pseudonymised_at: Mapped[dt.datetime | None]
    # Bumped on password change or deactivation: every existing session stops being valid.
    session_version: Mapped[int] = mapped_column(default=1)
    password_changed_at: Mapped[dt.datetime | None]
    # The last successful sign-in by any method; None: never signed in (invitations go to them).
    last_signed_in_at: Mapped[dt.datetime | None]
    # Reminder e-mails: "immediate" or "weekly" digests (mandatory reminders cannot be muted).
    digest_frequency: Mapped[str] = mapped_column(String(10), default="immediate")
    # sha256 of the secret in the user's calendar feed URL; None = feed off.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    department: Mapped[Department | None] = relationship(lazy="joined")
    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="select")
    hr_departments: Mapped[list[Department]] = relationship(secondary=hr_scope, lazy="select")

    @property
    def roles(self) -> set[str]:
        return roles_of(self.is_hr, self.is_admin, self.is_auditor, self.auditor_until)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # The session version is part of the id, so bumping it signs the user out everywhere.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
