"""What a person did: module visits, quiz attempts, module completions, certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.models.base import Base
from trainer.models.course import Course, ModuleVersion


class ModuleVisit(Base):
    """When someone first opened a module version: the server-side clock for reading time."""

    __tablename__ = "module_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    module_version_id: Mapped[int] = mapped_column(
        ForeignKey("module_versions.id"), primary_key=True
    )
    first_seen_at: Mapped[dt.datetime]
    # The assignment cycle the visit belongs to: a new cycle (refresher, major change,
    # regulation update) restarts the reading time (learning/reading.py). None: no cycle.
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))


class QuizAttempt(Base):
    """One attempt at a module's quiz. The token makes a double submit one attempt."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_version", "user_id", "module_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    seed: Mapped[int]
    # Ids of the questions drawn for this attempt, in the order shown.
    question_ids: Mapped[list[Any]]
    # {question_id: [choice_id, ...]} once submitted.
    answers: Mapped[dict[str, Any] | None]
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    started_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None]

    module_version: Mapped[ModuleVersion] = relationship(lazy="joined")


class ModuleCompletion(Base):
    """A module done against one version: a passed quiz or a policy acknowledgement."""

    __tablename__ = "module_completions"
    __table_args__ = (
        Index("ix_module_completions_user_module", "user_id", "module_id", "completed_at"),
        Index("ix_module_completions_completed_at", "completed_at"),
        # A period's completions person by person, in order (auditor pack; migration 0019).
        Index("ix_module_completions_user_time", "user_id", "completed_at"),
        # Acknowledgements in a period without reading every completion of it (0019).
        Index("ix_module_completions_acknowledged", "completed_at",
              sqlite_where=text("method = 'acknowledgement'"),
              postgresql_where=text("method = 'acknowledgement'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    module_version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"))
    completed_at: Mapped[dt.datetime]
    method: Mapped[str] = mapped_column(String(20))  # quiz | acknowledgement
    score: Mapped[int | None]
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempts.id"))

    module_version: Mapped[ModuleVersion] = relationship(lazy="joined")


class Certificate(Base):
    """Issued on completing a course cycle; verifiable by its code for ever."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    completed_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]
    # [{"module": slug, "title": ..., "version": n}] -- the content the person completed.
    versions: Mapped[list[Any]]
    issued_at: Mapped[dt.datetime]

    course: Mapped[Course] = relationship(lazy="joined")
