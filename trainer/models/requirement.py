"""Requirements: which course applies to whom, by when, and how often it is renewed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer import clock
from trainer.models.base import Base
from trainer.models.course import Course
from trainer.models.user import Department, User

REQUIREMENT_STATUSES = ("active", "paused", "retired")

requirement_departments = Table(
    "requirement_departments",
    Base.metadata,
    Column("requirement_id", ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)

requirement_users = Table(
    "requirement_users",
    Base.metadata,
    Column("requirement_id", ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class RequirementJobRole(Base):
    __tablename__ = "requirement_job_roles"

    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True
    )
    job_role: Mapped[str] = mapped_column(String(120), primary_key=True)


class Requirement(Base):
    """A rule: everyone, or anyone in these departments / job roles / named users.

    The audience is the union of the listed groups, narrowed by `hired_after` when set.
    It applies to everyone who matches now and later, existing staff included.
    """

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    everyone: Mapped[bool] = mapped_column(default=False)
    hired_after: Mapped[dt.date | None]
    due_days: Mapped[int] = mapped_column(default=30)
    # None: the course's refresher_months applies.
    refresher_months: Mapped[int | None]
    # Fixed calendar renewal instead of a rolling one, e.g. every 31 January.
    renew_month: Mapped[int | None]
    renew_day: Mapped[int | None]
    # People who completed within this many days before the renewal date are not reassigned.
    renew_grace_days: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # Created from the course file's front matter on import (kept in step with it).
    is_course_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[dt.datetime | None]

    course: Mapped[Course] = relationship(lazy="joined")
    departments: Mapped[list[Department]] = relationship(secondary=requirement_departments)
    users: Mapped[list[User]] = relationship(secondary=requirement_users)
    job_role_rows: Mapped[list[RequirementJobRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def job_roles(self) -> list[str]:
        return sorted(row.job_role for row in self.job_role_rows)

    def __repr__(self) -> str:
        return f"<Requirement {self.id} {self.name}>"
