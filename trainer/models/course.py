"""Courses, their modules and the immutable versions of each module's content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer import clock
from trainer.models.base import Base

# The deferred column group of what only the course file's import, export and editor
# read of a Course.
FILE = "file"


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # What only the course file's import, export and editor read is deferred (group FILE):
    # every employee page loads courses, and these were most of the row (JSON to parse).
    # The course file's Markdown introduction, as written and as rendered (sanitised).
    intro_source: Mapped[str] = mapped_column(Text, default="", deferred=True, deferred_group=FILE)
    intro_html: Mapped[str] = mapped_column(Text, default="", deferred=True, deferred_group=FILE)
    pass_mark: Mapped[int] = mapped_column(default=80)
    refresher_months: Mapped[int | None]
    due_days: Mapped[int] = mapped_column(default=30)
    # Quiz integrity: when results show the right choices, and how many failed attempts
    # in a row are allowed before a cooldown (learning/attempts.py).
    show_answers: Mapped[str] = mapped_column(String(16), default="after_passing")
    attempts_before_cooldown: Mapped[int] = mapped_column(default=3)
    cooldown_minutes: Mapped[int] = mapped_column(default=60)
    # Content review (content/review.py): who keeps the course right in law (an e-mail
    # address, not necessarily a user's), when they last checked it, how often they must.
    owner: Mapped[str | None] = mapped_column(String(254))
    reviewed_on: Mapped[dt.date | None]
    review_every_months: Mapped[int] = mapped_column(default=12)
    # Default audience from the course file, e.g. "everyone" or {"departments": [...]}.
    audience: Mapped[Any] = mapped_column(JSON, default="everyone", deferred=True, deferred_group=FILE)
    regulations: Mapped[list[Any]] = mapped_column(default=list, deferred=True, deferred_group=FILE)
    # Hash of course.md, so an unchanged import writes nothing.
    source_hash: Mapped[str] = mapped_column(String(64), default="", deferred=True, deferred_group=FILE)
    # The hash of course.md at its last import from files (None: never imported from files).
    # source_hash moves with web edits; this does not, so an import can tell "the file
    # changed" from "the web changed the settings since" (content/importer.py).
    file_hash: Mapped[str | None] = mapped_column(String(64), deferred=True, deferred_group=FILE)
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    retired_at: Mapped[dt.datetime | None]

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", lazy="selectin"
    )

    @property
    def active_modules(self) -> list[Module]:
        return [m for m in self.modules if m.retired_at is None]

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class Module(Base):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_versions.id", use_alter=True)
    )
    # Completions of versions older than this number no longer count (set by major changes).
    major_floor: Mapped[int] = mapped_column(default=1)
    retired_at: Mapped[dt.datetime | None]
    # The module file's content hash and number at its last import from files (None: never
    # imported from files, e.g. added in the editor). Versions published on the web since
    # do not change them, so an unchanged file never replaces a web edit.
    file_hash: Mapped[str | None] = mapped_column(String(64))
    file_position: Mapped[int | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    current_version: Mapped[ModuleVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="joined"
    )

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class ModuleVersion(Base):
    """One published state of a module. Never edited after publication: evidence points here."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # lesson | policy
    minutes: Mapped[int]
    min_read_seconds: Mapped[int] = mapped_column(default=0)
    questions_per_attempt: Mapped[int | None]
    # The content is deferred: lists, outlines and progress read versions by the dozen and
    # need none of it, while the HTML and the quiz JSON are the bulk of a row.
    # The whole module file as authored (front matter + Markdown + quiz).
    source: Mapped[str] = mapped_column(Text, deferred=True)
    body_html: Mapped[str] = mapped_column(Text, deferred=True)
    # [{"id", "text", "html", "detail_html", "multiple",
    #   "choices": [{"id", "text", "html", "correct"}], "explanation_html"}] (trainer.content.quiz)
    # -- never sent to a browser before the attempt is submitted.
    quiz: Mapped[list[Any]] = mapped_column(default=list, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(String(10), default="minor")  # first | minor | major
    change_note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    module: Mapped[Module] = relationship(foreign_keys=[module_id])

    @property
    def change_label(self) -> str:
        """The change in words; version 1 is the first version (older rows recorded it as minor)."""
        return "first version" if self.number == 1 else self.change

    def __repr__(self) -> str:
        return f"<ModuleVersion {self.module_id} v{self.number}>"


class ModuleDraft(Base):
    """Unpublished edits of a module in the admin editor, one per module."""

    __tablename__ = "module_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), unique=True)
    source: Mapped[str] = mapped_column(Text)
    # The version the author started from; publishing on top of a newer one is refused.
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("module_versions.id"))
    updated_at: Mapped[dt.datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

